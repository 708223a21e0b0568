"""The one reading of Telegram's answers: sent, retry after N s, unreachable, final."""

from __future__ import annotations

import warnings

import pytest
from telegram.error import (
    BadRequest,
    ChatMigrated,
    Forbidden,
    InvalidToken,
    NetworkError,
    RetryAfter,
    TelegramError,
    TimedOut,
)

from bot.telegram.sender import Kind, classify


def _retry_after(seconds: int) -> RetryAfter:
    """A 429 as PTB makes it (its int-or-timedelta warning is PTB's business, not ours)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return RetryAfter(seconds)


@pytest.mark.parametrize(
    ("error", "kind", "retry_after"),
    [
        (_retry_after(7), Kind.RETRY, 7.1),
        (TimedOut(), Kind.RETRY, None),
        (NetworkError("Bad Gateway"), Kind.RETRY, None),
        (Forbidden("Forbidden: bot was blocked by the user"), Kind.UNREACHABLE, None),
        (Forbidden("Forbidden: user is deactivated"), Kind.UNREACHABLE, None),
        (BadRequest("Bad Request: chat not found"), Kind.UNREACHABLE, None),
        (BadRequest("Bad Request: message text is empty"), Kind.FINAL, None),
        (ChatMigrated(-1001), Kind.FINAL, None),
        (InvalidToken(), Kind.FINAL, None),
        (TelegramError("something new"), Kind.FINAL, None),
    ],
)
def test_every_answer_has_one_reading(
    error: TelegramError, kind: Kind, retry_after: float | None
) -> None:
    delivery = classify(error)
    assert delivery.kind is kind
    assert delivery.retry_after == (pytest.approx(retry_after) if retry_after else None)
    assert delivery.reason.startswith(error.__class__.__name__)
