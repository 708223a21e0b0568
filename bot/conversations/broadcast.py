"""Coordinators send an announcement to many people, each in their own language.

Steps: who gets it (with an area, a language or an activity where needed), the Swedish text,
the English text (or skip), a preview with the number of recipients, send. The answers live
in ``user_data["broadcast"]``, saved before every question, so nothing typed is lost.

Every ``bc:`` button comes in through one entry point: it checks the role first (refusals are
audited), then routes by the step saved in the draft. A button from an earlier step gets a
kind word and the current question again.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from enum import IntEnum
from typing import Any

from telegram import Update
from telegram.ext import CallbackQueryHandler, CommandHandler, ConversationHandler, MessageHandler
from telegram.ext import filters as f

from bot.context import BotContext
from bot.conversations import common, voice
from bot.handlers import screens
from bot.handlers.buttons import REFUSED, act
from bot.services import broadcasts, people
from bot.services.broadcasts import MAX_TEXT, Audience
from bot.services.errors import DomainError, NotFound
from bot.ui import texts
from bot.ui.callbacks import Callback, decode
from bot.ui.keyboards import broadcast as kb
from bot.ui.labels import LabelFilter

NAME = "broadcast"
KEY = "broadcast"
END = common.END
CHOICE_GONE: Mapping[type[DomainError], Callable[[], str]] = {
    NotFound: texts.broadcast_choice_gone
}


class State(IntEnum):
    AUDIENCE = 0
    AREA = 1
    LANGUAGE = 2
    ACTIVITY = 3
    SWEDISH = 4
    ENGLISH = 5
    PREVIEW = 6


def _draft(context: BotContext) -> dict[str, Any]:
    draft: dict[str, Any] = context.user_data.setdefault(KEY, {})
    return draft


def _audience(context: BotContext) -> Audience:
    draft = _draft(context)
    return Audience(str(draft.get("audience", "")), draft.get("arg"))


async def _question(
    update: Update, context: BotContext, state: State, text: str, markup: Any
) -> int:
    """Save the step, then ask; inline questions first bring back the Back/Cancel keyboard."""
    draft = _draft(context)
    draft["step"] = int(state)
    inline = state in (State.AUDIENCE, State.AREA, State.LANGUAGE, State.ACTIVITY)
    resend_nav = inline and draft.get("kb") != "nav"
    draft["kb"] = "nav" if inline else "text"
    await common.checkpoint(update, context, NAME, state)
    message = update.effective_message
    if resend_nav:
        await message.reply_text(texts.broadcast_intro(), reply_markup=kb.nav())
    await message.reply_text(text, reply_markup=markup)
    return state


async def start(update: Update, context: BotContext) -> int:
    """Coordinators choose an audience; anyone else gets the menu (and is audited)."""
    try:
        async with context.uow() as uow:
            await broadcasts.allowed(uow, update.effective_user.id, context.now())
    except DomainError:
        await screens.show_menu(update, context)
        return END
    _draft(context).clear()
    return await ask_audience(update, context)


async def ask_audience(update: Update, context: BotContext) -> int:
    """Offer the audiences this coordinator may write to."""
    try:
        async with context.uow() as uow:
            kinds = await broadcasts.allowed(uow, update.effective_user.id, context.now())
    except DomainError:
        return await screens.end_to_menu(update, context)
    text = texts.broadcast_ask_audience()
    return await _question(update, context, State.AUDIENCE, text, kb.audiences(kinds))


async def ask_area(update: Update, context: BotContext) -> int:
    """Offer the areas."""
    async with context.uow() as uow:
        areas = await people.areas(uow)
    if not areas:
        await update.effective_message.reply_text(texts.broadcast_no_areas())
        return await ask_audience(update, context)
    return await _question(
        update, context, State.AREA, texts.broadcast_ask_area(), kb.areas(areas)
    )


async def ask_language(update: Update, context: BotContext) -> int:
    """Offer the languages."""
    text = texts.broadcast_ask_language()
    return await _question(update, context, State.LANGUAGE, text, kb.languages())


async def ask_activity(update: Update, context: BotContext, page: int = 0) -> int:
    """Offer the activities people are signed up for, a page at a time."""
    async with context.uow() as uow:
        found = await broadcasts.activity_page(uow, update.effective_user.id, page, context.now())
    if not found.items and page == 0:
        await update.effective_message.reply_text(texts.broadcast_no_activities())
        return await ask_audience(update, context)
    _draft(context)["page"] = found.page
    text = texts.broadcast_ask_activity()
    return await _question(update, context, State.ACTIVITY, text, kb.activities(found))


async def ask_swedish(update: Update, context: BotContext) -> int:
    """Ask for the Swedish text (and offer to keep the one written before)."""
    current = _draft(context).get("sv")
    text = texts.broadcast_ask_swedish(current)
    return await _question(update, context, State.SWEDISH, text, kb.text_step(bool(current)))


async def ask_english(update: Update, context: BotContext) -> int:
    """Ask for the English text, which may be skipped."""
    current = _draft(context).get("en")
    markup = kb.text_step(bool(current), skip=True)
    text = texts.broadcast_ask_english(current)
    return await _question(update, context, State.ENGLISH, text, markup)


async def _detail(context: BotContext, audience: Audience) -> str | None:
    if audience.kind == "language":
        return audience.arg
    if audience.arg is None or not audience.arg.isdigit():
        return None
    async with context.uow() as uow:
        if audience.kind == "area":
            return await broadcasts.area_name(uow, int(audience.arg))
        return await broadcasts.activity_title(uow, int(audience.arg))


async def show_preview(update: Update, context: BotContext) -> int:
    """Show both texts and how many get it; «Send» sits under the count."""
    draft, audience = _draft(context), _audience(context)
    try:
        async with context.uow() as uow:
            total = await broadcasts.count(
                uow, update.effective_user.id, audience, context.now(), _default(context)
            )
            scoped = await broadcasts.check(uow, update.effective_user.id, audience, context.now())
    except NotFound:
        await update.effective_message.reply_text(texts.broadcast_choice_gone())
        return await ask_audience(update, context)
    draft["count"] = total
    own = scoped.kind == "volunteers" and scoped.arg is not None  # an organisation's own
    detail = await _detail(context, audience)
    who = texts.broadcast_audience(audience.kind, detail, own)
    text = texts.broadcast_preview(who, draft["sv"], draft.get("en"))
    await _question(update, context, State.PREVIEW, text, kb.preview_reply())
    markup = kb.send() if total else None
    await update.effective_message.reply_text(texts.broadcast_reach(total), reply_markup=markup)
    return State.PREVIEW


def _default(context: BotContext) -> str:
    return context.bot_data.settings.default_locale


# --- Buttons ---------------------------------------------------------------------------


async def _choose(
    update: Update, context: BotContext, data: Callback, kind: str, arg: str | None
) -> int | None:
    """Check a chosen audience in the service; None (after a kind alert) if it is refused."""
    chosen = Audience(kind, arg)

    async def check(uow: Any, tg: int, _cb: Callback, now: Any) -> Audience:
        return await broadcasts.check(uow, tg, chosen, now)

    if await act(update, context, check, CHOICE_GONE) is REFUSED:
        return None
    await update.callback_query.answer()
    draft = _draft(context)
    draft["audience"], draft["arg"] = kind, arg
    return 0


async def got_audience(update: Update, context: BotContext, data: Callback) -> int:
    """An audience was chosen: ask which one where needed, else the text."""
    if await _choose(update, context, data, data.arg or "", None) is None:
        return await ask_audience(update, context)
    follow: dict[str, Callable[[Update, BotContext], Awaitable[int]]] = {
        "area": ask_area,
        "language": ask_language,
        "activity": ask_activity,
    }
    return await follow.get(data.arg or "", ask_swedish)(update, context)


async def got_choice(update: Update, context: BotContext, data: Callback) -> int:
    """An area, a language or an activity was chosen."""
    kind = {"area": "area", "lang": "language", "act": "activity"}[data.action]
    if await _choose(update, context, data, kind, data.arg) is None:
        return await ASKS[State(_draft(context)["step"])](update, context)
    return await ask_swedish(update, context)


async def got_page(update: Update, context: BotContext, data: Callback) -> int:
    """Another page of activities."""
    await update.callback_query.answer()
    return await ask_activity(
        update, context, int(data.arg or 0) if (data.arg or "").isdigit() else 0
    )


async def send(update: Update, context: BotContext, data: Callback) -> int:
    """Write the outbox; the progress message is sent first, so it shows from the start."""
    query, draft = update.callback_query, _draft(context)
    await query.answer()
    await query.edit_message_reply_markup(None)
    progress = await update.effective_message.reply_text(
        texts.broadcast_sent_so_far(0, int(draft.get("count") or 0))
    )
    try:
        async with context.uow() as uow:
            created = await broadcasts.create(
                uow,
                update.effective_user.id,
                _audience(context),
                draft["sv"],
                draft.get("en"),
                context.now(),
                _default(context),
                progress.message_id,
            )
    except DomainError:
        await progress.edit_text(texts.broadcast_not_sent())
        return await ask_audience(update, context)
    if created.total == 0:
        await progress.edit_text(texts.broadcast_not_sent())
    context.user_data.pop(KEY, None)
    await common.finish(update, context, NAME)
    return await screens.end_to_menu(update, context, texts.broadcast_started())


ROUTES: dict[tuple[State, str], Callable[[Update, BotContext, Callback], Awaitable[int]]] = {
    (State.AUDIENCE, "aud"): got_audience,
    (State.AREA, "area"): got_choice,
    (State.LANGUAGE, "lang"): got_choice,
    (State.ACTIVITY, "act"): got_choice,
    (State.ACTIVITY, "page"): got_page,
    (State.PREVIEW, "send"): send,
}


async def on_button(update: Update, context: BotContext) -> int:
    """Every bc: button: the role first (refusals audited), then by the saved step."""

    async def allowed(uow: Any, tg: int, _cb: Callback, now: Any) -> None:
        await broadcasts.allowed(uow, tg, now, "button")

    if await act(update, context, allowed) is REFUSED:
        return END
    data, step = decode(update.callback_query.data), _draft(context).get("step")
    if data is None or step is None:
        await update.callback_query.answer(texts.stale_button(), show_alert=True)
        return END
    route = ROUTES.get((State(step), data.action))
    if route is None:
        return await common.reprompt(ASKS[State(step)])(update, context)
    return await route(update, context, data)


# --- Messages --------------------------------------------------------------------------


def _only_buttons(ask: common.Ask, back: common.Ask) -> common.Ask:
    """A step answered with an inline button: Back works, anything else is asked again."""

    async def _message(update: Update, context: BotContext) -> int:
        """Go back, or explain kindly and ask the same question."""
        if common.pressed(update.effective_message, "back"):
            return await back(update, context)
        await update.effective_message.reply_text(texts.broadcast_use_buttons())
        return await ask(update, context)

    return _message


async def back_to_menu(update: Update, context: BotContext) -> int:
    """Back from the first step: the menu (the draft is dropped)."""
    context.user_data.pop(KEY, None)
    return await screens.end_to_menu(update, context, texts.menu())


async def back_from_text(update: Update, context: BotContext) -> int:
    """Back from the Swedish text: the step that chose the audience."""
    kind = _audience(context).kind
    if kind == "activity":
        return await ask_activity(update, context, int(_draft(context).get("page") or 0))
    follow = {"area": ask_area, "language": ask_language}
    return await follow.get(kind, ask_audience)(update, context)


async def got_swedish(update: Update, context: BotContext) -> int:
    """The Swedish text (or Back, or keep the one written before)."""
    message, draft = update.effective_message, _draft(context)
    if common.pressed(message, "back"):
        return await back_from_text(update, context)
    if draft.get("sv") and kb.pressed(message.text, "keep"):
        return await ask_english(update, context)
    text = await common.read_text(update, context, MAX_TEXT)
    if text is None:
        return await ask_swedish(update, context)
    draft["sv"] = text
    return await ask_english(update, context)


async def got_english(update: Update, context: BotContext) -> int:
    """The English text, or Skip (English readers then get the Swedish text)."""
    message, draft = update.effective_message, _draft(context)
    if common.pressed(message, "back"):
        return await ask_swedish(update, context)
    if common.pressed(message, "skip"):
        draft["en"] = None
        return await show_preview(update, context)
    if draft.get("en") and kb.pressed(message.text, "keep"):
        return await show_preview(update, context)
    text = await common.read_text(update, context, MAX_TEXT)
    if text is None:
        return await ask_english(update, context)
    draft["en"] = text
    return await show_preview(update, context)


async def got_preview_text(update: Update, context: BotContext) -> int:
    """On the preview: change the text, go back, or (anything else) see it again."""
    message = update.effective_message
    if common.pressed(message, "back"):
        return await ask_english(update, context)
    if kb.pressed(message.text, "edit"):
        return await ask_swedish(update, context)
    return await common.reprompt(show_preview)(update, context)


async def cancel(update: Update, context: BotContext) -> int:
    """Stop; nothing is sent."""
    context.user_data.pop(KEY, None)
    return await screens.end_to_menu(update, context)


ASKS: dict[State, common.Ask] = {
    State.AUDIENCE: ask_audience,
    State.AREA: ask_area,
    State.LANGUAGE: ask_language,
    State.ACTIVITY: ask_activity,
    State.SWEDISH: ask_swedish,
    State.ENGLISH: ask_english,
    State.PREVIEW: show_preview,
}
MESSAGES: dict[State, common.Ask] = {
    State.AUDIENCE: _only_buttons(ask_audience, back_to_menu),
    State.AREA: _only_buttons(ask_area, ask_audience),
    State.LANGUAGE: _only_buttons(ask_language, ask_audience),
    State.ACTIVITY: _only_buttons(ask_activity, ask_audience),
    State.SWEDISH: got_swedish,
    State.ENGLISH: got_english,
    State.PREVIEW: got_preview_text,
}

SPOKEN = frozenset({State.SWEDISH, State.ENGLISH, State.PREVIEW})


def build(timeout_s: float | None) -> ConversationHandler[BotContext]:
    """The broadcast conversation."""
    states: dict[object, common.Handlers] = {
        state: [
            *common.cancel_handlers(cancel),
            # The texts may be spoken: read back, then used as if typed.
            *(voice.handlers(handler, ASKS[state]) if state in SPOKEN else []),
            MessageHandler(f.ALL & ~f.COMMAND, handler),
        ]
        for state, handler in MESSAGES.items()
    }
    states[ConversationHandler.TIMEOUT] = common.timeout_handlers(texts.paused_to_menu)
    return ConversationHandler(
        entry_points=[
            MessageHandler(LabelFilter("menu.broadcast"), start),
            CommandHandler(["utskick", "broadcast"], start),
            # Before the states (entry points win with allow_reentry): see on_button.
            CallbackQueryHandler(on_button, pattern=r"^bc:"),
        ],
        states=states,
        fallbacks=[*common.cancel_handlers(cancel), *common.leave_handlers()],
        name=NAME,
        persistent=True,
        allow_reentry=True,
        conversation_timeout=timeout_s,
    )
