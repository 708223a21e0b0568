"""Notifications Telegram did not take at once: kept, sent again later, given up after a day.

The notifier queues a message when Telegram still fails after the HTTP retries (a 5xx, a
timeout, a network error, a 429 the limiter could not wait out). The outbound job claims one
due row at a time and records what became of it in the same unit of work. Once a row is done
(sent, unreachable, given up) its text is cleared: it may hold an address or a phone number.

A row may edit an earlier message instead (``edit_message_id``): the edit that strips the
address from a holder's message when the task ends. A holder's message with the address
carries its task (``request_id``) and the resident (``about_id``): it goes only while the task
is still held, and once sent it is recorded as the task's address post, to be stripped later.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.services.backoff import GIVE_UP_AFTER, QUEUE
from bot.services.errors import NotFound
from storage.models import OutboundMessage
from storage.uow import UnitOfWork

_ERROR_CHARS = 80


@dataclass(frozen=True)
class Pending:
    """One claimed message: where it goes and what it says (the markup as Telegram JSON)."""

    id: int
    chat_id: int
    text: str
    markup: str | None
    attempts: int
    created_at: datetime
    edit_message_id: int | None = None  # edit this message instead of sending a new one
    request_id: int | None = None  # the holder's message with the address of this task


def expired(item: Pending, now: datetime) -> bool:
    return now - item.created_at >= GIVE_UP_AFTER


async def enqueue(
    uow: UnitOfWork,
    chat_id: int,
    text: str,
    markup: str | None,
    now: datetime,
    error: str,
    asked: float | None = None,
    *,
    edit_message_id: int | None = None,
    about_id: int | None = None,
    request_id: int | None = None,
) -> int:
    """Keep a message that could not be sent now (after one failed try; Telegram may have
    ``asked`` us to wait so many seconds); returns its id.

    ``edit_message_id``: edit that message instead. ``about_id``: whose personal data the text
    holds. ``request_id``: the text is the holder's address message of that task.
    """
    row = await uow.outbound.add(
        OutboundMessage(
            chat_id=chat_id,
            text=text,
            markup=markup,
            attempts=1,
            created_at=now,
            next_attempt_at=now + QUEUE.delay(1, asked),
            error=error[:_ERROR_CHARS],
            edit_message_id=edit_message_id,
            about_id=about_id,
            request_id=request_id,
        )
    )
    return row.id


async def claim_next(uow: UnitOfWork, now: datetime) -> Pending | None:
    """Lock the next message to send; it stays locked until this unit of work ends."""
    row = await uow.outbound.claim_next(now)
    if row is None:
        return None
    address = row.request_id if row.edit_message_id is None else None
    return Pending(
        row.id,
        row.chat_id,
        row.text,
        row.markup,
        row.attempts,
        row.created_at,
        row.edit_message_id,
        address,
    )


async def still_wanted(uow: UnitOfWork, item: Pending, now: datetime) -> bool:
    """Whether the message may still go: an address message only while its task is held.

    A task that ended meanwhile has dropped the row already (``drop_for_task``); this is for a
    task that ended another way (its rows emptied by a retention run, say). Not locked: the
    ending of a task waits for this row's lock instead (see ``OutboundRepo.drop_for_task``).
    """
    if item.request_id is None:
        return True
    req = await uow.requests.get(item.request_id)
    if req is not None and req.status == "claimed":
        return True
    row = await _row(uow, item.id)
    _close(row, now, "task ended")
    return False


async def drop_for_task(uow: UnitOfWork, request_id: int, now: datetime) -> int:
    """The task ended: its queued address messages are never sent; returns how many."""
    return await uow.outbound.drop_for_task(request_id, now)


async def _row(uow: UnitOfWork, row_id: int) -> OutboundMessage:
    row = await uow.outbound.get(row_id)
    if row is None:
        raise NotFound("outbound message")
    return row


def _close(row: OutboundMessage, now: datetime, error: str | None) -> None:
    row.text, row.markup = "", None
    if error is None:
        row.sent_at = now
    else:
        row.failed_at, row.error = now, error[:_ERROR_CHARS]


async def record_sent(uow: UnitOfWork, row_id: int, message_id: int, now: datetime) -> None:
    """Sent (or edited). A holder's address message is now one of its task's posts."""
    row = await _row(uow, row_id)
    row.attempts += 1
    row.message_id = message_id
    if row.request_id is not None and row.edit_message_id is None:
        await uow.requests.add_posts(row.request_id, [(row.chat_id, message_id)], "address")
    _close(row, now, None)


async def record_unreachable(uow: UnitOfWork, row_id: int, now: datetime) -> None:
    """The person blocked the bot: never tried again, and marked on the person too."""
    row = await _row(uow, row_id)
    row.attempts += 1
    _close(row, now, "unreachable")
    await uow.people.mark_unreachable(row.chat_id, True)


async def record_refused(uow: UnitOfWork, row_id: int, now: datetime, error: str) -> None:
    """Telegram refused the message itself (400): sending it again would not help."""
    row = await _row(uow, row_id)
    row.attempts += 1
    _close(row, now, error)


async def give_up(uow: UnitOfWork, row_id: int, now: datetime) -> None:
    """Too late to be of use: the message is dropped, with its last error kept."""
    row = await _row(uow, row_id)
    _close(row, now, f"gave up: {row.error or 'no answer'}")


async def record_error(
    uow: UnitOfWork, row_id: int, now: datetime, error: str, asked: float | None = None
) -> bool:
    """Another failure: try again later (at least ``asked`` seconds when Telegram said).

    Returns False when the message is given up instead (its day has passed).
    """
    row = await _row(uow, row_id)
    row.attempts += 1
    row.error = error[:_ERROR_CHARS]
    next_at = now + QUEUE.delay(row.attempts, asked)
    if next_at - row.created_at >= GIVE_UP_AFTER:
        _close(row, now, f"gave up: {row.error}")
        return False
    row.next_attempt_at = next_at
    return True
