"""Per-person flood control: 30 messages in 10 seconds, then a short quiet time.

Kept in memory on purpose: it only has to hold for seconds, and one process serves updates.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field

OK, WARN, DROP = "ok", "warn", "drop"


@dataclass
class FloodGuard:
    """Counts each person's updates in a sliding window."""

    limit: int = 30
    window_s: float = 10.0
    quiet_s: float = 60.0
    _seen: dict[int, deque[float]] = field(default_factory=dict)
    _quiet_until: dict[int, float] = field(default_factory=dict)

    def check(self, user_id: int, at: float) -> str:
        """OK to handle; WARN once when the limit is passed (say so calmly); DROP after that."""
        until = self._quiet_until.get(user_id)
        if until is not None:
            if at < until:
                return DROP
            del self._quiet_until[user_id]
        seen = self._seen.setdefault(user_id, deque())
        while seen and seen[0] <= at - self.window_s:
            seen.popleft()
        seen.append(at)
        if len(seen) > self.limit:
            seen.clear()
            self._quiet_until[user_id] = at + self.quiet_s
            return WARN
        if len(self._seen) > 10_000:
            self._forget_idle(at)
        return OK

    def _forget_idle(self, at: float) -> None:
        """Keep memory bounded: drop people not heard from within the window."""
        idle = [u for u, s in self._seen.items() if not s or s[-1] <= at - self.window_s]
        for user_id in idle:
            del self._seen[user_id]
