"""Ask for help: what, when, a few words more, then confirm. The draft is saved at every step,
so a restart or a timeout never loses it."""

from __future__ import annotations

from datetime import date, timedelta
from enum import IntEnum
from typing import Any

from telegram import Update
from telegram.ext import CommandHandler, ConversationHandler, MessageHandler

from bot.context import BotContext
from bot.conversations import common
from bot.handlers.tasks import offer_request
from bot.i18n import format_day_short
from bot.services import drafts, when
from bot.services.errors import NotRegistered, TimePassed
from bot.services.views import CATEGORIES, DraftView, When
from bot.ui import keyboards, texts
from bot.ui.labels import LabelFilter, extra_code_of

NAME = "request_help"


class State(IntEnum):
    RESUME = 0
    CATEGORY = 1
    WHEN = 2
    DAY = 3
    PART = 4
    CONFIRM_TIME = 5
    DETAILS = 6
    CONFIRM = 7


async def _save(update: Update, context: BotContext, state: State, **fields: Any) -> DraftView:
    """Store the draft at this step, and the step itself, before anything is sent."""
    async with context.uow() as uow:
        draft = await drafts.save(
            uow, update.effective_user.id, step=state.name.lower(), now=context.now(), **fields
        )
    await common.checkpoint(update, context, NAME, state)
    return draft


async def _draft(update: Update, context: BotContext) -> DraftView | None:
    async with context.uow() as uow:
        return await drafts.get(uow, update.effective_user.id)


async def _reply(update: Update, text: str, markup: Any) -> None:
    await update.effective_message.reply_text(text, reply_markup=markup)


# --- Questions -----------------------------------------------------------------------------


async def ask_category(update: Update, context: BotContext) -> int:
    """Ask what kind of help is needed."""
    await _save(update, context, State.CATEGORY)
    await _reply(update, texts.ask_category(), keyboards.categories())
    return State.CATEGORY


async def ask_when(update: Update, context: BotContext) -> int:
    """Ask when the help is needed."""
    await _save(update, context, State.WHEN)
    await _reply(update, texts.ask_when(), keyboards.when())
    return State.WHEN


def next_days(context: BotContext) -> dict[str, str]:
    today = context.now().astimezone(context.tz).date()
    days = [today + timedelta(days=i) for i in range(7)]
    return {d.isoformat(): format_day_short(d) for d in days}


async def ask_day(update: Update, context: BotContext) -> int:
    """Offer the coming seven days."""
    await _save(update, context, State.DAY)
    await _reply(update, texts.ask_day(), keyboards.days(list(next_days(context).values())))
    return State.DAY


async def ask_part(update: Update, context: BotContext) -> int:
    """Ask for the time of day on the chosen day."""
    draft = await _save(update, context, State.PART)
    day_text = texts.day(date.fromisoformat(draft.when_day)) if draft.when_day else ""
    await _reply(update, texts.ask_part(day_text.capitalize()), keyboards.parts())
    return State.PART


async def ask_confirm_time(update: Update, context: BotContext) -> int:
    """Read a typed time back for confirmation."""
    draft = await _save(update, context, State.CONFIRM_TIME)
    await _reply(
        update, texts.confirm_time(texts.when(draft.when, context.tz)), keyboards.yes_retype()
    )
    return State.CONFIRM_TIME


async def ask_details(update: Update, context: BotContext) -> int:
    """Offer to add a few words."""
    await _save(update, context, State.DETAILS)
    await _reply(update, texts.ask_details(), keyboards.with_skip())
    return State.DETAILS


async def ask_confirm(update: Update, context: BotContext) -> int:
    """Show the summary, with the emergency note, and ask to send."""
    draft = await _save(update, context, State.CONFIRM)
    found = await common.person(update, context)
    area = found.area.name if found and found.area else ""
    await _reply(
        update,
        texts.summary(
            draft.category or "other", texts.when(draft.when, context.tz), draft.details, area
        ),
        keyboards.send(),
    )
    return State.CONFIRM


ASK: dict[str, common.Ask] = {
    "category": ask_category,
    "when": ask_when,
    "day": ask_day,
    "part": ask_part,
    "confirm_time": ask_confirm_time,
    "details": ask_details,
    "confirm": ask_confirm,
}


# --- Answers -------------------------------------------------------------------------------


async def start(update: Update, context: BotContext) -> int:
    """Begin a request, or offer to continue the one already started."""
    found = await common.person(update, context)
    if found is None or "resident" not in found.roles:
        await common.show_menu(update, context)
        return common.END
    draft = await _draft(update, context)
    if draft is not None and (draft.category or draft.step != "category"):
        await _reply(update, texts.resume_draft(draft.category), keyboards.resume())
        return State.RESUME
    return await ask_category(update, context)


async def got_resume(update: Update, context: BotContext) -> int:
    """Continue the saved draft at its step, or start over."""
    choice = common.pressed(update.effective_message, "continue", "restart")
    if choice == "restart":
        async with context.uow() as uow:
            await drafts.discard(uow, update.effective_user.id)
        return await ask_category(update, context)
    draft = await _draft(update, context)
    if choice is None or draft is None:
        return await common.reprompt(_ask_resume)(update, context)
    if not drafts.time_still_good(draft, context.now(), context.tz):
        await update.effective_message.reply_text(texts.time_in_past())
        return await ask_when(update, context)
    return await ASK.get(draft.step, ask_category)(update, context)


async def _ask_resume(update: Update, context: BotContext) -> int:
    draft = await _draft(update, context)
    await _reply(update, texts.resume_draft(draft.category if draft else None), keyboards.resume())
    return State.RESUME


async def got_category(update: Update, context: BotContext) -> int:
    """Store the kind of help."""
    codes = [f"cat.{c}" for c in CATEGORIES]
    choice = common.pressed(update.effective_message, *codes, "back")
    if choice == "back":
        await common.show_menu(update, context)
        return common.END
    if choice is None:
        return await common.reprompt(ask_category)(update, context)
    await _save(update, context, State.CATEGORY, category=choice.removeprefix("cat."))
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
        await _save(update, context, State.WHEN, when_day=day.isoformat())
        return await ask_part(update, context)
    if choice == "when.pick":
        return await ask_day(update, context)
    if choice == "when.none":
        await _save(update, context, State.WHEN, when=When(None, "none"), when_day=None)
        return await ask_details(update, context)
    return await _typed_time(update, context, ask_when)


async def _typed_time(update: Update, context: BotContext, ask: common.Ask) -> int:
    text = await common.read_text(update, context, 200)
    if text is None:
        return await ask(update, context)
    locale = context.data.catalogs.normalise(context.data.locales.get(update.effective_user.id))
    parsed = when.parse(text, context.now(), context.tz, locale)
    if parsed is None:
        await update.effective_message.reply_text(texts.time_not_understood())
        return await ask(update, context)
    if parsed.clock is None and parsed.part is None:
        await _save(update, context, State.WHEN, when_day=parsed.day.isoformat())
        return await ask_part(update, context)
    return await _use_when(update, context, when.to_when(parsed, context.tz), ask, confirm=True)


async def _use_when(
    update: Update, context: BotContext, value: When, ask: common.Ask, confirm: bool
) -> int:
    if not when.is_usable(value, context.now()):
        await update.effective_message.reply_text(texts.time_in_past())
        return await ask(update, context)
    await _save(update, context, State.WHEN, when=value)
    return await (ask_confirm_time if confirm else ask_details)(update, context)


async def got_day(update: Update, context: BotContext) -> int:
    """Store a day picked from the list (or typed)."""
    if common.pressed(update.effective_message, "back"):
        return await ask_when(update, context)
    code = extra_code_of(update.effective_message.text, next_days(context))
    if code is None:
        return await _typed_time(update, context, ask_day)
    await _save(update, context, State.DAY, when_day=code)
    return await ask_part(update, context)


async def got_part(update: Update, context: BotContext) -> int:
    """Store the part of the day, or a typed clock time on the chosen day."""
    message = update.effective_message
    choice = common.pressed(
        message, "part.morning", "part.afternoon", "part.evening", "part.any", "back"
    )
    if choice == "back":
        return await ask_when(update, context)
    draft = await _draft(update, context)
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
        return await ask_details(update, context)
    if choice in ("retype", "back", "no"):
        return await ask_when(update, context)
    return await common.reprompt(ask_confirm_time)(update, context)


async def got_details(update: Update, context: BotContext) -> int:
    """Store the optional details."""
    choice = common.pressed(update.effective_message, "skip", "back")
    if choice == "back":
        return await ask_when(update, context)
    if choice == "skip":
        await _save(update, context, State.DETAILS, details=None)
        return await ask_confirm(update, context)
    text = await common.read_text(update, context, context.data.settings.details_max_chars)
    if text is None:
        return await ask_details(update, context)
    await _save(update, context, State.DETAILS, details=text)
    return await ask_confirm(update, context)


async def got_confirmation(update: Update, context: BotContext) -> int:
    """Send the request and offer it to the matching volunteers."""
    choice = common.pressed(update.effective_message, "send", "yes", "back")
    if choice == "back":
        return await ask_details(update, context)
    if choice is None:
        return await common.reprompt(ask_confirm)(update, context)
    try:
        await offer_request(update, context)
    except TimePassed:
        await update.effective_message.reply_text(texts.time_in_past())
        return await ask_when(update, context)
    return common.END


async def cancel(update: Update, context: BotContext) -> int:
    """Throw the draft away and go back to the menu."""
    try:
        async with context.uow() as uow:
            await drafts.discard(uow, update.effective_user.id)
    except NotRegistered:
        pass
    return await common.end_to_menu(update, context, texts.draft_cancelled())


def build(timeout_s: float | None) -> ConversationHandler[BotContext]:
    """The ask-for-help conversation."""
    return ConversationHandler(
        entry_points=[
            MessageHandler(LabelFilter("menu.ask"), start),
            CommandHandler(["hjalpmig", "askhelp"], start),
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
            ConversationHandler.TIMEOUT: common.timeout_handlers(texts.paused_here),
        },
        fallbacks=[*common.cancel_handlers(cancel), *common.leave_handlers()],
        name=NAME,
        persistent=True,
        allow_reentry=True,
        conversation_timeout=timeout_s,
    )
