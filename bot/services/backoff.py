"""The one backoff policy: how long to wait before trying a message again, and when to stop.

Two scales of the same curve (the first wait, times ``factor`` after each failure, never more
than ``most``):

* ``HTTP``: within one Bot API call, after a 5xx, a timeout or a network error
  (bot/telegram/retrying.py): a quarter of a second, then half, then one, at most two; with
  full jitter, so many callers do not come back at once. ``HTTP_ATTEMPTS`` in all.
* ``QUEUE``: a message the call could not deliver waits in the database (the outbound queue,
  a broadcast delivery): 5 s, 15 s, 45 s … at most 15 minutes. A notification is given up
  after ``GIVE_UP_AFTER`` (later it does more harm than good), a broadcast delivery after
  ``BROADCAST_ATTEMPTS`` tries (the coordinator is waiting for the summary).

When Telegram says how long to wait (a 429's ``retry_after``), the wait is at least that.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import timedelta


@dataclass(frozen=True)
class Backoff:
    """Waits that grow by ``factor`` from ``first`` to at most ``most`` (seconds)."""

    first: float
    factor: float
    most: float

    def seconds(self, failures: int) -> float:
        """The wait after ``failures`` failed tries (1, 2, ...)."""
        return float(min(self.most, self.first * self.factor ** max(failures - 1, 0)))

    def jittered(self, failures: int, rng: random.Random) -> float:
        """Anywhere from no wait to ``seconds(failures)`` ("full jitter")."""
        return rng.uniform(0, self.seconds(failures))

    def delay(self, failures: int, asked: float | None = None) -> timedelta:
        """The wait after ``failures`` failed tries, and at least what Telegram asked for."""
        return timedelta(seconds=max(self.seconds(failures), asked or 0.0))


HTTP = Backoff(first=0.25, factor=2, most=2.0)
HTTP_ATTEMPTS = 3  # in all, the first one included
QUEUE = Backoff(first=5.0, factor=3, most=15 * 60.0)
GIVE_UP_AFTER = timedelta(hours=24)
BROADCAST_ATTEMPTS = 3
