"""A coordinator asks for help on behalf of a resident who has no Telegram: name, phone,
address, area, then the same questions as a resident's own request.

The answers live in user_data, which the persistence writes at every checkpoint, so a restart
loses nothing. The service checks the coordinator's role again when the request is sent.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from enum import IntEnum
from typing import Any

from telegram import Update
from telegram.ext import CommandHandler, ConversationHandler, MessageHandler

from bot.context import BotContext
from bot.conversations import common
from bot.conversations.onboarding import PHONE
from bot.conversations.request_questions import next_days
from bot.handlers import screens
from bot.handlers.tasks import alert_if_nobody, send_offers
from bot.services import assignments, people, when
from bot.services.errors import NotAllowed, NotFound, TimePassed
from bot.services.views import CATEGORIES, AreaView, When
from bot.ui import keyboards, texts
from bot.ui.labels import LabelFilter, extra_code_of

NAME = "proxy_request"
_KEY = "proxy"


class State(IntEnum):
    NAME = 0
    PHONE = 1
    ADDRESS = 2
    AREA = 3
    CATEGORY = 4
    WHEN = 5
    DAY = 6
    PART = 7
    CONFIRM_TIME = 8
    DETAILS = 9
    CONFIRM = 10


def _answers(context: BotContext) -> dict[str, Any]:
    return context.user_data.setdefault(_KEY, {})  # type: ignore[no-any-return]


def _when(context: BotContext) -> When:
    a = _answers(context)
    at = datetime.fromisoformat(a["when_at"]) if a.get("when_at") else None
    return When(at, a.get("when_precision", "none"))


async def _ask(update: Update, context: BotContext, state: State, text: str, markup: Any) -> int:
    """Record the step, then ask."""
    await common.checkpoint(update, context, NAME, state)
    await update.effective_message.reply_text(text, reply_markup=markup)
    return state


async def _area_list(context: BotContext) -> list[AreaView]:
    async with context.uow() as uow:
        return await people.areas(uow)


async def _areas(context: BotContext) -> dict[str, str]:
    return {str(a.id): a.name for a in await _area_list(context)}


# --- Questions -----------------------------------------------------------------------------


async def ask_name(update: Update, context: BotContext) -> int:
    """Ask for the resident's first name."""
    return await _ask(
        update, context, State.NAME, texts.proxy_ask_name(), keyboards.common.nav_only()
    )


async def ask_phone(update: Update, context: BotContext) -> int:
    """Ask for the resident's phone number (the volunteer calls before coming)."""
    text = texts.proxy_ask_phone(_answers(context)["name"])
    return await _ask(update, context, State.PHONE, text, keyboards.common.nav_only())


async def ask_address(update: Update, context: BotContext) -> int:
    """Ask where the volunteer should go."""
    return await _ask(
        update, context, State.ADDRESS, texts.ask_address(), keyboards.common.nav_only()
    )


async def ask_area(update: Update, context: BotContext) -> int:
    """Ask which area the resident lives in."""
    markup = keyboards.onboarding.area_choice(await _area_list(context))
    text = texts.proxy_ask_area(_answers(context)["name"])
    return await _ask(update, context, State.AREA, text, markup)


async def ask_category(update: Update, context: BotContext) -> int:
    """Ask what kind of help is needed."""
    text = texts.proxy_ask_category(_answers(context)["name"])
    return await _ask(update, context, State.CATEGORY, text, keyboards.asking.categories())


async def ask_when(update: Update, context: BotContext) -> int:
    """Ask when the help is needed."""
    text = texts.proxy_ask_when(_answers(context)["name"])
    return await _ask(update, context, State.WHEN, text, keyboards.asking.when())


async def ask_day(update: Update, context: BotContext) -> int:
    """Offer the coming seven days."""
    days = list(next_days(context).values())
    return await _ask(update, context, State.DAY, texts.ask_day(), keyboards.asking.days(days))


async def ask_part(update: Update, context: BotContext) -> int:
    """Ask for the time of day on the chosen day."""
    day = texts.day(date.fromisoformat(_answers(context)["when_day"])).capitalize()
    return await _ask(update, context, State.PART, texts.ask_part(day), keyboards.asking.parts())


async def ask_confirm_time(update: Update, context: BotContext) -> int:
    """Read a typed time back for confirmation."""
    text = texts.confirm_time(texts.when(_when(context), context.tz))
    return await _ask(update, context, State.CONFIRM_TIME, text, keyboards.asking.yes_retype())


async def ask_details(update: Update, context: BotContext) -> int:
    """Offer to add a few words."""
    return await _ask(
        update,
        context,
        State.DETAILS,
        texts.ask_details(for_someone=True),
        keyboards.common.with_skip(),
    )


async def ask_confirm(update: Update, context: BotContext) -> int:
    """Show the summary, with the emergency note, and ask to send."""
    a = _answers(context)
    area = (await _areas(context)).get(str(a["area_id"]), "")
    base = texts.summary(a["category"], texts.when(_when(context), context.tz), a["details"], area)
    text = texts.proxy_summary(a["name"], a["phone"], a["address"], base)
    return await _ask(update, context, State.CONFIRM, text, keyboards.asking.send())


# --- Answers -------------------------------------------------------------------------------


async def start(update: Update, context: BotContext) -> int:
    """Begin, for coordinators only (the service checks again when sending)."""
    found = await screens.person(update, context)
    if found is None or "coordinator" not in found.roles:
        await screens.show_menu(update, context)
        return common.END
    _answers(context).clear()
    return await ask_name(update, context)


async def got_name(update: Update, context: BotContext) -> int:
    """Store the first name."""
    if common.pressed(update.effective_message, "back"):
        return await cancel(update, context)
    name = await common.read_text(update, context, context.data.settings.name_max_chars)
    if name is None:
        return await ask_name(update, context)
    if not any(ch.isalpha() for ch in name):
        return await common.reprompt(ask_name)(update, context)
    _answers(context)["name"] = " ".join(name.split())
    return await ask_phone(update, context)


async def got_phone(update: Update, context: BotContext) -> int:
    """Store the phone number; it is needed, since the resident has no Telegram."""
    if common.pressed(update.effective_message, "back"):
        return await ask_name(update, context)
    phone = await common.read_text(update, context, 40)
    if phone is None:
        return await ask_phone(update, context)
    if not PHONE.match(phone):
        await update.effective_message.reply_text(texts.proxy_phone_not_understood())
        return await ask_phone(update, context)
    _answers(context)["phone"] = phone
    return await ask_address(update, context)


async def got_address(update: Update, context: BotContext) -> int:
    """Store the address."""
    if common.pressed(update.effective_message, "back"):
        return await ask_phone(update, context)
    limit = context.data.settings.address_max_chars
    address = await common.read_text(update, context, limit)
    if address is None:
        return await ask_address(update, context)
    if len(address) < 3:
        return await common.reprompt(ask_address)(update, context)
    _answers(context)["address"] = address
    return await ask_area(update, context)


async def got_area(update: Update, context: BotContext) -> int:
    """Store the area."""
    if common.pressed(update.effective_message, "back"):
        return await ask_address(update, context)
    code = extra_code_of(update.effective_message.text, await _areas(context))
    if code is None:
        return await common.reprompt(ask_area)(update, context)
    _answers(context)["area_id"] = int(code)
    return await ask_category(update, context)


async def got_category(update: Update, context: BotContext) -> int:
    """Store the kind of help."""
    choice = common.pressed(update.effective_message, *[f"cat.{c}" for c in CATEGORIES], "back")
    if choice == "back":
        return await ask_area(update, context)
    if choice is None:
        return await common.reprompt(ask_category)(update, context)
    _answers(context)["category"] = choice.removeprefix("cat.")
    return await ask_when(update, context)


def _set_when(context: BotContext, value: When) -> None:
    a = _answers(context)
    a["when_at"] = value.at.isoformat() if value.at else None
    a["when_precision"] = value.precision


async def _use_when(
    update: Update, context: BotContext, value: When, ask: common.Ask, confirm: bool
) -> int:
    """A typed time is read back for confirmation; a pressed one is not."""
    if not when.is_usable(value, context.now()):
        await update.effective_message.reply_text(texts.time_in_past())
        return await ask(update, context)
    _set_when(context, value)
    return await (ask_confirm_time if confirm else ask_details)(update, context)


async def _typed(update: Update, context: BotContext, ask: common.Ask) -> int:
    """A typed time, understood as in the resident's own conversation."""
    parsed = await common.read_time(update, context)
    if parsed is None:
        return await ask(update, context)
    if parsed.clock is None and parsed.part is None:
        _answers(context)["when_day"] = parsed.day.isoformat()
        return await ask_part(update, context)
    return await _use_when(update, context, when.to_when(parsed, context.tz), ask, confirm=True)


async def got_when(update: Update, context: BotContext) -> int:
    """Store a day from the buttons, or understand a typed time."""
    codes = ("when.today", "when.tomorrow", "when.pick", "when.none", "back")
    choice = common.pressed(update.effective_message, *codes)
    if choice == "back":
        return await ask_category(update, context)
    if choice in ("when.today", "when.tomorrow"):
        today = context.now().astimezone(context.tz).date()
        day = today + timedelta(days=0 if choice == "when.today" else 1)
        _answers(context)["when_day"] = day.isoformat()
        return await ask_part(update, context)
    if choice == "when.pick":
        return await ask_day(update, context)
    if choice == "when.none":
        _set_when(context, When(None, "none"))
        return await ask_details(update, context)
    return await _typed(update, context, ask_when)


async def got_day(update: Update, context: BotContext) -> int:
    """Store a day picked from the list (or typed)."""
    if common.pressed(update.effective_message, "back"):
        return await ask_when(update, context)
    code = extra_code_of(update.effective_message.text, next_days(context))
    if code is None:
        return await _typed(update, context, ask_day)
    _answers(context)["when_day"] = code
    return await ask_part(update, context)


async def got_part(update: Update, context: BotContext) -> int:
    """Store the part of the day, or a typed clock time on the chosen day."""
    parts = ("part.morning", "part.afternoon", "part.evening", "part.any")
    choice = common.pressed(update.effective_message, *parts, "back")
    if choice == "back":
        return await ask_when(update, context)
    day = date.fromisoformat(_answers(context)["when_day"])
    if choice is not None:
        part = choice.removeprefix("part.")
        value = when.for_day(day, None if part == "any" else part, context.tz)
        return await _use_when(update, context, value, ask_part, confirm=False)
    text = await common.read_text(update, context, 200)
    if text is None:
        return await ask_part(update, context)
    typed = when.parse_on_day(text, day, context.tz)
    if typed is None:
        await update.effective_message.reply_text(texts.time_not_understood())
        return await ask_part(update, context)
    return await _use_when(update, context, typed, ask_part, confirm=True)


async def got_time_confirmation(update: Update, context: BotContext) -> int:
    """Go on when the time read back is right; ask again when it is not."""
    choice = common.pressed(update.effective_message, "yes", "retype", "back", "no")
    if choice == "yes":
        return await ask_details(update, context)
    if choice is not None:
        return await ask_when(update, context)
    return await common.reprompt(ask_confirm_time)(update, context)


async def got_details(update: Update, context: BotContext) -> int:
    """Store the optional details."""
    choice = common.pressed(update.effective_message, "skip", "back")
    if choice == "back":
        return await ask_when(update, context)
    details = None
    if choice is None:
        limit = context.data.settings.details_max_chars
        details = await common.read_text(update, context, limit)
        if details is None:
            return await ask_details(update, context)
    _answers(context)["details"] = details
    return await ask_confirm(update, context)


async def got_confirmation(update: Update, context: BotContext) -> int:
    """Send the request, offer it to the matching volunteers, tell the coordinator."""
    choice = common.pressed(update.effective_message, "send", "yes", "back")
    if choice == "back":
        return await ask_details(update, context)
    if choice is None:
        return await common.reprompt(ask_confirm)(update, context)
    a = _answers(context)
    answers = assignments.ProxyAnswers(
        a["name"],
        a["phone"],
        a["address"],
        a["area_id"],
        a["category"],
        _when(context),
        a.get("details"),
    )
    try:
        async with context.uow() as uow:
            result = await assignments.submit_for(
                uow, update.effective_user.id, answers, context.now()
            )
    except TimePassed:
        await update.effective_message.reply_text(texts.time_in_past())
        return await ask_when(update, context)
    except (NotAllowed, NotFound):
        return await cancel(update, context)
    context.user_data.pop(_KEY, None)
    await common.finish(update, context, NAME)
    req = result.request
    delivered = await send_offers(context, req, result.volunteers, result.group_chat_ids)
    await screens.show_menu(update, context, texts.proxy_sent(answers.name, delivered))
    await alert_if_nobody(context, req, delivered, result.coordinators)
    return common.END


async def cancel(update: Update, context: BotContext) -> int:
    """Forget the answers and go back to the menu."""
    context.user_data.pop(_KEY, None)
    return await screens.end_to_menu(update, context, texts.draft_cancelled())


def build(timeout_s: float | None) -> ConversationHandler[BotContext]:
    """The conversation of asking on someone's behalf."""
    return ConversationHandler(
        entry_points=[
            MessageHandler(LabelFilter("menu.proxy"), start),
            CommandHandler(["atnagon", "forsomeone"], start),
        ],
        states={
            State.NAME: common.text_step(got_name, ask_name, cancel),
            State.PHONE: common.text_step(got_phone, ask_phone, cancel),
            State.ADDRESS: common.text_step(got_address, ask_address, cancel),
            State.AREA: common.text_step(got_area, ask_area, cancel),
            State.CATEGORY: common.text_step(got_category, ask_category, cancel),
            State.WHEN: common.text_step(got_when, ask_when, cancel),
            State.DAY: common.text_step(got_day, ask_day, cancel),
            State.PART: common.text_step(got_part, ask_part, cancel),
            State.CONFIRM_TIME: common.text_step(got_time_confirmation, ask_confirm_time, cancel),
            State.DETAILS: common.text_step(got_details, ask_details, cancel),
            State.CONFIRM: common.text_step(got_confirmation, ask_confirm, cancel),
            ConversationHandler.TIMEOUT: common.timeout_handlers(texts.paused_to_menu, _KEY),
        },
        fallbacks=[*common.cancel_handlers(cancel), *common.leave_handlers()],
        name=NAME,
        persistent=True,
        allow_reentry=True,
        conversation_timeout=timeout_s,
    )
