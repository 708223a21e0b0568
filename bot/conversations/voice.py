"""A voice note wherever a step waits for text: listen, read it back, and use it only when the
person says it is right – then exactly as if they had typed it."""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any

from telegram import Message, Update
from telegram.ext import BaseHandler, CallbackQueryHandler, MessageHandler

from bot.context import BotContext
from bot.handlers import voice
from bot.ui.callbacks import pattern

Step = Callable[[Update, BotContext], Coroutine[Any, Any, int]]
# A button's answer: the next state, or None to stay at this step.
Press = Callable[[Update, BotContext], Coroutine[Any, Any, int | None]]
Handlers = list[BaseHandler[Update, BotContext, object]]


def handlers(answer: Step, ask: Step) -> Handlers:
    """The voice note, and the three buttons under what was heard, for one step."""
    step = f"{answer.__module__}.{answer.__qualname__}/{ask.__qualname__}"

    async def _again(update: Update, context: BotContext) -> None:
        await voice.again(update, context, step)

    return [
        MessageHandler(voice.VOICE, _listen(step, ask)),
        CallbackQueryHandler(_use(step, answer), pattern=pattern("vc", "yes", ids=1)),
        CallbackQueryHandler(_again, pattern=pattern("vc", "again", ids=1)),
        CallbackQueryHandler(_type_instead(step, ask), pattern=pattern("vc", "type", ids=1)),
    ]


def _listen(step: str, ask: Step) -> Press:
    async def _hear(update: Update, context: BotContext) -> int | None:
        """Hear the note and read it back; the step waits for the answer to the read-back.

        When it could not be heard, the kind word is followed by the step's question again,
        as after any other input the step cannot use.
        """
        if await voice.hear(update, context, "vc", step):
            return None
        return await ask(update, context)

    return _hear


def as_typed(update: Update, context: BotContext, text: str) -> Update:
    """The confirmed transcript as a text message from the person, for the step's own answer."""
    query, chat = update.callback_query, update.effective_chat
    shown = query.message if query else None
    assert chat is not None  # a read-back button is always in a chat
    message = Message(
        message_id=shown.message_id if shown else 0,
        date=context.now(),
        chat=chat,
        from_user=update.effective_user,
        text=text,
    )
    message.set_bot(context.bot)
    return Update(update.update_id, message=message)


def _use(step: str, answer: Step) -> Press:
    async def _yes(update: Update, context: BotContext) -> int | None:
        """«Ja»: answer the step with the words heard."""
        text = await voice.take(update, context, step)
        if text is None:
            return None
        return await answer(as_typed(update, context, text), context)

    return _yes


def _type_instead(step: str, ask: Step) -> Press:
    async def _type(update: Update, context: BotContext) -> int | None:
        """«Skriv i stället»: forget what was heard and ask the step's question again."""
        if await voice.take(update, context, step) is None:
            return None
        return await ask(update, context)

    return _type
