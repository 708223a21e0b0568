"""Inline buttons: one service call for the pressed object, and refusals turned into kind alerts.

Every button handler reads the same way: decode the data, call one service inside one unit of
work, and on a domain error answer the press with a plain sentence. The service has already
checked that this person may do this to that object (and logged it if not).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from datetime import datetime
from typing import Final, TypeVar

from telegram import Update

from bot.context import BotContext
from bot.services.errors import DomainError, NotAllowed, NotFound, NotOpen, NotRegistered
from bot.ui import texts
from bot.ui.callbacks import Callback, decode
from storage.uow import UnitOfWork

T = TypeVar("T")
Call = Callable[[UnitOfWork, int, Callback, datetime], Awaitable[T]]
Say = Callable[[], str]


class Refused:
    """What ``act`` returns after it has answered a refused press."""


REFUSED: Final = Refused()

DEFAULT_ANSWERS: Mapping[type[DomainError], Say] = {
    NotAllowed: texts.not_allowed,
    NotRegistered: texts.not_allowed,
    NotFound: texts.stale_button,
    NotOpen: texts.stale_button,
}


async def act(
    update: Update,
    context: BotContext,
    call: Call[T],
    answers: Mapping[type[DomainError], Say] | None = None,
) -> T | Refused:
    """Run ``call`` for the pressed button; on a domain error answer kindly, return REFUSED.

    ``answers`` overrides the sentence for an error class (the closest class wins).
    """
    query = update.callback_query
    data = decode(query.data)
    if data is None or update.effective_user is None:
        await query.answer(texts.stale_button(), show_alert=True)
        return REFUSED
    try:
        async with context.uow() as uow:
            return await call(uow, update.effective_user.id, data, context.now())
    except DomainError as error:
        table = {**DEFAULT_ANSWERS, **(answers or {})}
        say = next((table[k] for k in type(error).__mro__ if k in table), texts.stale_button)
        await query.answer(say(), show_alert=True)
        return REFUSED
