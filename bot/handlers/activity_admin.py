"""Coordinators' activity screens: the card, the edit menu, and cancelling a date or all of it.

They are ``pa:`` buttons that show one screen (or do one thing) and are done; their services
re-check that the person is a coordinator. Cancelling tells everyone who was going, each in their
own language, and the volunteer of any company asked for. Typed answers are the
manage_activities conversation.
"""

from __future__ import annotations

from telegram import Update
from telegram.ext import Application, CallbackQueryHandler

from bot.context import BotContext
from bot.handlers.buttons import Refused, act
from bot.handlers.place_admin import pattern
from bot.handlers.requests import tell_cancelled
from bot.services import activity_admin
from bot.services.place_admin import ActivityCard
from bot.ui import keyboards, texts
from bot.ui.callbacks import decode


async def send_card(update: Update, context: BotContext, card: ActivityCard) -> None:
    """The activity card with its buttons (also used by the conversation)."""
    await update.effective_message.reply_text(
        texts.admin_activity_card(card, context.tz),
        reply_markup=keyboards.activity_admin.activity_card(card),
    )


async def card_of(
    update: Update, context: BotContext, editing: bool = False
) -> ActivityCard | Refused:
    """The card of the activity on the pressed button (REFUSED after a kind alert);
    ``editing``: only for a coordinator who may change it."""
    tz = context.tz
    return await act(
        update,
        context,
        lambda uow, user, d, now: activity_admin.activity_card(uow, user, d.id, now, tz, editing),
    )


async def show(update: Update, context: BotContext) -> None:
    """Show an activity's card."""
    card = await card_of(update, context)
    if isinstance(card, Refused):
        return
    await update.callback_query.answer()
    await send_card(update, context, card)


async def edit_menu(update: Update, context: BotContext) -> None:
    """Offer the fields of an activity to change."""
    card = await card_of(update, context, editing=True)
    if isinstance(card, Refused):
        return
    await update.callback_query.answer()
    await update.effective_message.reply_text(
        texts.admin_edit_activity(card.draft.title),
        reply_markup=keyboards.activity_admin.activity_edit(card),
    )


async def pick_date(update: Update, context: BotContext) -> None:
    """Offer the next six dates to cancel."""
    card = await card_of(update, context, editing=True)
    if isinstance(card, Refused):
        return
    await update.callback_query.answer()
    await update.effective_message.reply_text(
        texts.admin_pick_date(bool(card.next_dates)),
        reply_markup=keyboards.activity_admin.dates(card, context.tz),
    )


async def ask_cancel(update: Update, context: BotContext) -> None:
    """Ask once before cancelling a date (``cdate``) or the whole activity (``call``)."""
    data = decode(update.callback_query.data)
    at = data.moment if data is not None and data.arg2 is not None else None
    preview = await act(
        update,
        context,
        lambda uow, user, d, now: activity_admin.cancel_preview(
            uow, user, d.id, at, now, context.tz
        ),
    )
    if isinstance(preview, Refused) or data is None:
        return
    await update.callback_query.answer()
    await update.effective_message.reply_text(
        texts.admin_confirm_cancel(preview.title, at, preview.people, context.tz),
        reply_markup=keyboards.activity_admin.confirm(data.id, at),
    )


async def do_cancel(update: Update, context: BotContext) -> None:
    """Cancel, then tell everyone who was going and every volunteer who was to go with them."""
    data = decode(update.callback_query.data)
    at = data.moment if data is not None and data.arg2 is not None else None
    tz = context.tz
    done = await act(
        update,
        context,
        lambda uow, user, d, now: activity_admin.cancel(uow, user, d.id, at, now, tz),
    )
    if isinstance(done, Refused) or data is None:
        return
    await update.callback_query.answer()
    await update.effective_message.reply_text(
        texts.admin_cancelled(done.title, at, len(done.told), len(done.escorts), tz)
    )
    for seat in done.told:
        await context.data.notifier.send(
            seat.recipient,
            lambda seat=seat: (  # type: ignore[misc]
                texts.admin_told_resident(done.title, done.place, at, seat, tz),
                None,
            ),
        )
    for closed in done.escorts:
        await tell_cancelled(context, closed, activity_cancelled=True)
    await show(update, context)


async def keep(update: Update, context: BotContext) -> None:
    """Do not cancel after all."""
    await update.effective_message.reply_text(texts.kept())
    await show(update, context)


def register(app: Application) -> None:  # type: ignore[type-arg]
    """The activity screens (every one re-checked in its service)."""
    for callback, regex in (
        (show, pattern("act")),
        (edit_menu, pattern("editact")),
        (pick_date, pattern("date")),
        (ask_cancel, pattern("cdate", 2)),
        (ask_cancel, pattern("call")),
        (do_cancel, pattern("yes") + "|" + pattern("yes", 2)),
        (keep, pattern("no")),
    ):
        app.add_handler(CallbackQueryHandler(callback, pattern=regex))
