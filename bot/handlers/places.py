"""Meeting-place buttons: more results, details, a date, going, not going, calendar, company.

They live outside the find-place conversation, so a card still works days later.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import asdict
from datetime import datetime
from typing import Any

from telegram import InputFile, Message, ReplyKeyboardMarkup, Update
from telegram.ext import Application, CallbackQueryHandler

from bot.context import BotContext
from bot.handlers import screens
from bot.handlers.buttons import Refused, Say, act
from bot.handlers.requests import tell_cancelled
from bot.handlers.tasks import alert_if_nobody, send_offers
from bot.services import company, going, places
from bot.services.errors import DomainError, Duplicate, NotAllowed, NotOpen, OnWaitingList
from bot.services.places import Occasion, Search
from bot.services.views import Recipient
from bot.ui import keyboards, texts
from bot.ui.callbacks import pattern

SEARCH_KEY = places.SAVED_SEARCH_KEY
# A date that was cancelled, or has passed, since its button was sent.
GONE: Mapping[type[DomainError], Say] = {NotOpen: texts.date_gone}


def remember(context: BotContext, search: Search, offset: int) -> None:
    """Keep the search (and the page) for «Fler» and «Tillbaka till listan»."""
    saved = {**asdict(search), "offset": offset, "at": context.now().isoformat()}
    context.user_data[SEARCH_KEY] = saved  # type: ignore[index]


def remembered(context: BotContext) -> tuple[Search, int] | None:
    saved: dict[str, Any] | None = (context.user_data or {}).get(SEARCH_KEY)
    if not saved:
        return None
    try:
        lat, lon = saved.get("lat"), saved.get("lon")
        search = Search(
            str(saved["mode"]),
            float(lat) if lat is not None else None,
            float(lon) if lon is not None else None,
            saved.get("category"),
        )
        return search, int(saved.get("offset", 0))
    except (KeyError, TypeError, ValueError):
        return None


async def send_page(
    message: Message,
    context: BotContext,
    user_id: int,
    search: Search,
    offset: int,
    intro: Callable[[int], str] | None = None,
    intro_markup: ReplyKeyboardMarkup | None = None,
) -> places.Page | None:
    """Send one page of cards (with «Fler» when there are more); None if nothing matched.

    ``intro`` makes the heading from the number of results.
    """
    try:
        async with context.uow() as uow:
            page = await places.search(
                uow, user_id, search, context.now(), context.tz, offset=offset
            )
    except DomainError:  # not (or no longer) registered, or a search that makes no sense
        return None
    remember(context, search, page.offset)
    if not page.cards:
        return None
    if intro is not None:
        await message.reply_text(intro(page.total), reply_markup=intro_markup)
    for card in page.cards:
        await message.reply_text(
            texts.card(card, context.tz), reply_markup=keyboards.places.card(card.activity_id)
        )
    if page.more:
        shown = page.offset + len(page.cards)
        await message.reply_text(
            texts.more_prompt(shown, page.total), reply_markup=keyboards.places.more()
        )
    return page


async def more(update: Update, context: BotContext) -> None:
    """«Fler»: the next few cards of the same search."""
    await _page(update, context, step=places.PAGE)


async def back_to_list(update: Update, context: BotContext) -> None:
    """«Tillbaka till listan»: the same page again."""
    await _page(update, context, step=0)


async def _page(update: Update, context: BotContext, step: int) -> None:
    query = update.callback_query
    found = await screens.person(update, context)
    if found is None or not found.onboarded:
        await query.answer(texts.start_first(), show_alert=True)
        return
    saved = remembered(context)
    if saved is None:
        await query.answer(texts.search_gone(), show_alert=True)
        return
    search, offset = saved
    await query.answer()
    message = query.message
    if not isinstance(message, Message):
        return
    user_id = update.effective_user.id
    if await send_page(message, context, user_id, search, offset + step) is None:
        await message.reply_text(texts.no_more())


async def show(update: Update, context: BotContext) -> None:
    """An activity in full, its next dates as buttons, then the map pin or the online link."""
    tz = context.tz
    found = await act(
        update,
        context,
        lambda uow, user, data, now: places.detail(uow, user, data.id, now, tz),
    )
    if isinstance(found, Refused):
        return
    await update.callback_query.answer()
    message = update.effective_message
    await message.reply_text(texts.detail(found), reply_markup=keyboards.places.dates(found, tz))
    if found.lat is not None and found.lon is not None and found.address:
        await message.reply_venue(
            latitude=found.lat, longitude=found.lon, title=found.place, address=found.address
        )
    elif found.online_url:
        await message.reply_text(texts.online_link(found.online_url))


async def _occasion(
    update: Update, context: BotContext
) -> tuple[places.Detail, Occasion] | Refused:
    """The pressed date, answered; or refused kindly (cancelled, past, not ours)."""
    tz = context.tz
    found = await act(
        update,
        context,
        lambda uow, user, data, now: places.occasion(uow, user, data.id, data.moment, now, tz),
        GONE,
    )
    if not isinstance(found, Refused):
        await update.callback_query.answer()
    return found


async def date(update: Update, context: BotContext) -> None:
    """One date: go, company, calendar, cannot come."""
    found = await _occasion(update, context)
    if isinstance(found, Refused):
        return
    item, at, tz = *found, context.tz
    await update.effective_message.reply_text(
        texts.occasion(item, at, tz), reply_markup=keyboards.places.occasion(item.activity_id, at)
    )


async def go(update: Update, context: BotContext) -> None:
    """«Jag vill gå dit»: a seat, or a place on the waiting list."""
    tz, policy = context.tz, context.data.reminder_policy
    result = await act(
        update,
        context,
        lambda uow, user, data, now: going.go(uow, user, data.id, data.moment, now, tz, policy),
        GONE,
    )
    if isinstance(result, Refused):
        return
    await update.callback_query.answer()
    item, at = result.detail, result.occasion
    when = texts.moment(at.at, tz)
    if at.mine == "confirmed":
        text = "\n".join(
            [
                texts.signed_up(item.title, when),
                texts.reminder_note(policy, result.reminders_off, tz),
            ]
        )
    else:
        text = texts.waiting(item.title, when, result.position)
    await update.effective_message.reply_text(
        text, reply_markup=keyboards.places.occasion(item.activity_id, at)
    )


async def calendar(update: Update, context: BotContext) -> None:
    """«Lägg in i kalendern»: an .ics file with this one date."""
    tz = context.tz
    found = await act(
        update,
        context,
        lambda uow, user, data, now: going.calendar_file(uow, user, data.id, data.moment, now, tz),
        GONE,
    )
    if isinstance(found, Refused):
        return
    await update.callback_query.answer()
    name, content = found
    await update.effective_message.reply_document(
        InputFile(content, filename=name), caption=texts.calendar_caption()
    )


async def ask_not_going(update: Update, context: BotContext) -> None:
    """«Jag kan inte komma»: ask once."""
    found = await _occasion(update, context)
    if isinstance(found, Refused):
        return
    item, at, tz = *found, context.tz
    if at.mine is None:
        await update.effective_message.reply_text(texts.not_going_done())
        return
    await update.effective_message.reply_text(
        texts.ask_not_going(item.title, texts.moment(at.at, tz)),
        reply_markup=keyboards.places.confirm_not_going(item.activity_id, at),
    )


async def not_going(update: Update, context: BotContext) -> None:
    """Give up the seat; the first on the waiting list moves up and is told at once."""
    tz, policy = context.tz, context.data.reminder_policy
    result = await act(
        update,
        context,
        lambda uow, user, data, now: going.not_going(
            uow, user, data.id, data.moment, now, tz, policy
        ),
    )
    if isinstance(result, Refused):
        return
    await update.callback_query.answer()
    lines = [texts.not_going_done()]
    if result.company is not None:
        lines.append(texts.company_cancelled_too())
        await tell_cancelled(context, result.company)
    await update.callback_query.edit_message_text("\n".join(lines))
    if result.moved_up is not None:
        await tell_moved_up(
            context,
            result.moved_up,
            result.activity_id,
            result.title,
            result.at,
            result.moved_up_off,
        )


async def tell_moved_up(
    context: BotContext,
    to: Recipient,
    activity_id: int,
    title: str,
    at: datetime,
    reminders_off: bool = False,
) -> None:
    """Tell the first on the waiting list that they now have a seat."""
    tz, policy = context.tz, context.data.reminder_policy
    seat = Occasion(at, None, "confirmed")
    await context.data.notifier.send(
        to,
        lambda: (
            "\n".join(
                [
                    texts.moved_up(title, texts.moment(at, tz)),
                    texts.reminder_note(policy, reminders_off, tz),
                ]
            ),
            keyboards.places.occasion(activity_id, seat),
        ),
    )


async def ask_company(update: Update, context: BotContext) -> None:
    """«Jag vill ha sällskap dit»: an escort request for this date, offered to volunteers."""
    tz, policy = context.tz, context.data.reminder_policy
    result = await act(
        update,
        context,
        lambda uow, user, data, now: company.ask(uow, user, data.id, data.moment, now, tz, policy),
        {
            **GONE,
            Duplicate: texts.company_twice,
            OnWaitingList: texts.company_waiting,
            NotAllowed: texts.company_residents_only,
        },
    )
    if isinstance(result, Refused):
        return
    await update.callback_query.answer()
    req = result.submitted.request
    delivered = await send_offers(
        context, req, result.submitted.volunteers, result.submitted.group_chat_ids
    )
    seat = result.seat
    await update.effective_message.reply_text(
        texts.company_asked(result.title, texts.moment(seat.occurs_at, tz), delivered),
        reply_markup=keyboards.places.with_company(
            seat.activity_id, Occasion(seat.occurs_at, None, seat.status)
        ),
    )
    await alert_if_nobody(context, req, delivered, result.submitted.coordinators)


def register(app: Application) -> None:  # type: ignore[type-arg]
    """The meeting-place buttons (every one re-checked in its service)."""
    # (handler, action, how many numbers its button carries: an activity, then a date)
    for callback, action, ids in (
        (more, "more", 0),
        (back_to_list, "list", 0),
        (show, "show", 1),
        (date, "dates", 2),
        (go, "go", 2),
        (calendar, "ics", 2),
        (ask_not_going, "nogo", 2),
        (not_going, "nogoyes", 2),
        (ask_company, "company", 2),
    ):
        app.add_handler(CallbackQueryHandler(callback, pattern=pattern("pl", action, ids=ids)))
