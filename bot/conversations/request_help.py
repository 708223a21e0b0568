"""Ask for help: what, when, a few words more, then confirm. The draft is saved at every step,
so a restart or a timeout never loses it."""

from __future__ import annotations

from datetime import date, timedelta

from telegram import Update
from telegram.ext import (
    CallbackQueryHandler,
    CommandHandler,
    ConversationHandler,
    MessageHandler,
)

from bot.context import BotContext
from bot.conversations import common
from bot.conversations.request_questions import (
    ASK,
    NAME,
    State,
    ask_category,
    ask_confirm,
    ask_confirm_time,
    ask_day,
    ask_details,
    ask_guess_category,
    ask_part,
    ask_when,
    draft_of,
    next_days,
    reply,
    save,
)
from bot.handlers import screens, voice
from bot.handlers.tasks import offer_request
from bot.services import drafts, heard, when
from bot.services.errors import NotRegistered, TimePassed
from bot.services.views import CATEGORIES, DraftView, When
from bot.ui import keyboards, texts
from bot.ui.callbacks import pattern
from bot.ui.labels import LabelFilter, extra_code_of

__all__ = ["NAME", "State", "build", "next_days"]


# --- Answers -------------------------------------------------------------------------------


async def start(update: Update, context: BotContext) -> int:
    """Begin a request, or offer to continue the one already started."""
    found = await screens.person(update, context)
    if found is None or "resident" not in found.roles:
        await screens.show_menu(update, context)
        return common.END
    draft = await draft_of(update, context)
    if draft is not None and (draft.category or draft.step != "category"):
        await reply(update, texts.resume_draft(draft.category), keyboards.asking.resume())
        return State.RESUME
    return await ask_category(update, context)


async def got_resume(update: Update, context: BotContext) -> int:
    """Continue the saved draft at its step, or start over."""
    choice = common.pressed(update.effective_message, "continue", "restart")
    if choice == "restart":
        async with context.uow() as uow:
            await drafts.discard(uow, update.effective_user.id)
        return await ask_category(update, context)
    draft = await draft_of(update, context)
    if choice is None or draft is None:
        return await common.reprompt(_ask_resume)(update, context)
    if not drafts.time_still_good(draft, context.now(), context.tz):
        await update.effective_message.reply_text(texts.time_in_past())
        return await ask_when(update, context)
    return await ASK.get(draft.step, ask_category)(update, context)


async def _ask_resume(update: Update, context: BotContext) -> int:
    draft = await draft_of(update, context)
    await reply(
        update, texts.resume_draft(draft.category if draft else None), keyboards.asking.resume()
    )
    return State.RESUME


async def got_category(update: Update, context: BotContext) -> int:
    """Store the kind of help."""
    codes = [f"cat.{c}" for c in CATEGORIES]
    choice = common.pressed(update.effective_message, *codes, "back")
    if choice == "back":
        await screens.show_menu(update, context)
        return common.END
    if choice is None:
        return await common.reprompt(ask_category)(update, context)
    draft = await save(update, context, State.CATEGORY, category=choice.removeprefix("cat."))
    return await _time_next(update, context, draft)


async def _time_next(update: Update, context: BotContext, draft: DraftView) -> int:
    """After the kind of help: read back a time already heard, or ask for one."""
    if draft.when is not None and draft.when.precision != "none":
        return await ask_confirm_time(update, context)
    if draft.when_day:
        return await ask_part(update, context)
    return await ask_when(update, context)


async def got_when(update: Update, context: BotContext) -> int:
    """Store a day from the buttons, or understand a typed time."""
    choice = common.pressed(
        update.effective_message, "when.today", "when.tomorrow", "when.pick", "when.none", "back"
    )
    today = context.now().astimezone(context.tz).date()
    if choice == "back":
        return await ask_category(update, context)
    if choice in ("when.today", "when.tomorrow"):
        day = today + timedelta(days=0 if choice == "when.today" else 1)
        await save(update, context, State.WHEN, when_day=day.isoformat())
        return await ask_part(update, context)
    if choice == "when.pick":
        return await ask_day(update, context)
    if choice == "when.none":
        await save(update, context, State.WHEN, when=When(None, "none"), when_day=None)
        return await ask_details(update, context)
    return await _typed_time(update, context, ask_when)


async def _typed_time(update: Update, context: BotContext, ask: common.Ask) -> int:
    parsed = await common.read_time(update, context)
    if parsed is None:
        return await ask(update, context)
    if parsed.clock is None and parsed.part is None:
        await save(update, context, State.WHEN, when_day=parsed.day.isoformat())
        return await ask_part(update, context)
    return await _use_when(update, context, when.to_when(parsed, context.tz), ask, confirm=True)


async def _use_when(
    update: Update, context: BotContext, value: When, ask: common.Ask, confirm: bool
) -> int:
    if not when.is_usable(value, context.now()):
        await update.effective_message.reply_text(texts.time_in_past())
        return await ask(update, context)
    await save(update, context, State.WHEN, when=value)
    return await (ask_confirm_time if confirm else ask_details)(update, context)


async def got_day(update: Update, context: BotContext) -> int:
    """Store a day picked from the list (or typed)."""
    if common.pressed(update.effective_message, "back"):
        return await ask_when(update, context)
    code = extra_code_of(update.effective_message.text, next_days(context))
    if code is None:
        return await _typed_time(update, context, ask_day)
    await save(update, context, State.DAY, when_day=code)
    return await ask_part(update, context)


async def got_part(update: Update, context: BotContext) -> int:
    """Store the part of the day, or a typed clock time on the chosen day."""
    message = update.effective_message
    choice = common.pressed(
        message, "part.morning", "part.afternoon", "part.evening", "part.any", "back"
    )
    if choice == "back":
        return await ask_when(update, context)
    draft = await draft_of(update, context)
    if draft is None or draft.when_day is None:
        return await ask_when(update, context)
    day = date.fromisoformat(draft.when_day)
    if choice is not None:
        part = choice.removeprefix("part.")
        return await _use_when(
            update,
            context,
            when.for_day(day, None if part == "any" else part, context.tz),
            ask_part,
            confirm=False,
        )
    text = await common.read_text(update, context, 200)
    if text is None:
        return await ask_part(update, context)
    value = when.parse_on_day(text, day, context.tz)
    if value is None:
        await message.reply_text(texts.time_not_understood())
        return await ask_part(update, context)
    return await _use_when(update, context, value, ask_part, confirm=True)


async def got_time_confirmation(update: Update, context: BotContext) -> int:
    """Go on when the time read back is right; ask again when it is not."""
    choice = common.pressed(update.effective_message, "yes", "retype", "back", "no")
    if choice == "yes":
        draft = await draft_of(update, context)
        # Words already given (a request spoken from the menu) are not asked for again.
        return await (ask_confirm if draft and draft.details else ask_details)(update, context)
    if choice in ("retype", "back", "no"):
        return await ask_when(update, context)
    return await common.reprompt(ask_confirm_time)(update, context)


async def got_details(update: Update, context: BotContext) -> int:
    """Store the optional details."""
    choice = common.pressed(update.effective_message, "skip", "back")
    if choice == "back":
        return await ask_when(update, context)
    if choice == "skip":
        await save(update, context, State.DETAILS, details=None)
        return await ask_confirm(update, context)
    text = await common.read_text(update, context, context.data.settings.details_max_chars)
    if text is None:
        return await ask_details(update, context)
    await save(update, context, State.DETAILS, details=text)
    return await ask_confirm(update, context)


async def got_confirmation(update: Update, context: BotContext) -> int:
    """Send the request and offer it to the matching volunteers."""
    choice = common.pressed(update.effective_message, "send", "yes", "back")
    if choice == "back":
        return await ask_details(update, context)
    if choice is None:
        return await common.reprompt(ask_confirm)(update, context)
    try:
        # Over before the confirmation goes out; a request that cannot be sent asks again.
        await common.finish(update, context, NAME)
        await offer_request(update, context)
    except TimePassed:
        await update.effective_message.reply_text(texts.time_in_past())
        return await ask_when(update, context)
    return common.END


# --- A request spoken at the main menu ----------------------------------------------------


async def start_by_voice(update: Update, context: BotContext) -> int:
    """«Ja» under a note spoken at the menu: keep the words, then confirm each guess."""
    found = await screens.person(update, context)
    if found is None or "resident" not in found.roles:
        await update.callback_query.answer(texts.old_button(), show_alert=True)
        return common.END
    text = await voice.take(update, context, voice.AT_MENU)
    if text is None:
        return common.END
    guess = heard.suggest(text, context.now(), context.tz, voice.language(update, context))
    day, value = _heard_time(guess.when, context)
    async with context.uow() as uow:
        # A new request in the person's own words; an older unsent draft gives way to it.
        await drafts.discard(uow, update.effective_user.id)
    limit = context.data.settings.details_max_chars
    await save(
        update,
        context,
        State.GUESS_CATEGORY,
        category=guess.category,
        when_day=day,
        when=value,
        details=text[:limit],
    )
    if guess.category is None:
        return await ask_category(update, context)
    return await ask_guess_category(update, context)


def _heard_time(parsed: when.Parsed | None, context: BotContext) -> tuple[str | None, When | None]:
    """A heard time as the draft keeps it: a day only, or a time; nothing when it is over."""
    if parsed is None:
        return None, None
    if parsed.clock is None and parsed.part is None:
        return parsed.day.isoformat(), None
    value = when.to_when(parsed, context.tz)
    if not when.is_usable(value, context.now()):
        return None, None
    return parsed.day.isoformat(), value


async def start_typing(update: Update, context: BotContext) -> int:
    """«Skriv i stället» under a note spoken at the menu: the usual questions."""
    if await voice.take(update, context, voice.AT_MENU) is None:
        return common.END
    return await start(update, context)


async def got_guess_category(update: Update, context: BotContext) -> int:
    """Keep the kind of help heard, or let the person choose it."""
    choice = common.pressed(update.effective_message, "yes", "choose", "no", "back")
    if choice == "yes":
        draft = await draft_of(update, context)
        if draft is not None and draft.category:
            return await _time_next(update, context, draft)
    if choice is None:
        return await common.reprompt(ask_guess_category)(update, context)
    return await ask_category(update, context)


async def cancel(update: Update, context: BotContext) -> int:
    """Throw the draft away and go back to the menu."""
    try:
        async with context.uow() as uow:
            await drafts.discard(uow, update.effective_user.id)
    except NotRegistered:
        pass
    return await screens.end_to_menu(update, context, texts.draft_cancelled())


def build(timeout_s: float | None) -> ConversationHandler[BotContext]:
    """The ask-for-help conversation."""
    return ConversationHandler(
        entry_points=[
            MessageHandler(LabelFilter("menu.ask"), start),
            CommandHandler(["hjalpmig", "askhelp"], start),
            # A note spoken at the main menu, read back: «Ja» or «Skriv i stället».
            CallbackQueryHandler(start_by_voice, pattern=pattern("vf", "yes", ids=1)),
            CallbackQueryHandler(start_typing, pattern=pattern("vf", "type", ids=1)),
        ],
        states={
            State.RESUME: common.text_step(got_resume, _ask_resume, cancel),
            State.CATEGORY: common.text_step(got_category, ask_category, cancel),
            State.WHEN: common.text_step(got_when, ask_when, cancel),
            State.DAY: common.text_step(got_day, ask_day, cancel),
            State.PART: common.text_step(got_part, ask_part, cancel),
            State.CONFIRM_TIME: common.text_step(got_time_confirmation, ask_confirm_time, cancel),
            State.DETAILS: common.text_step(got_details, ask_details, cancel),
            State.CONFIRM: common.text_step(got_confirmation, ask_confirm, cancel),
            State.GUESS_CATEGORY: common.text_step(got_guess_category, ask_guess_category, cancel),
            ConversationHandler.TIMEOUT: common.timeout_handlers(texts.paused_here),
        },
        fallbacks=[*common.cancel_handlers(cancel), *common.leave_handlers()],
        name=NAME,
        persistent=True,
        allow_reentry=True,
        conversation_timeout=timeout_s,
    )
