"""Coordinators' meeting-place screens: the list and its pages, a place card, the edit menu.

They are ``pa:`` buttons that show one screen and are done, so they work from any old message;
their services re-check that the person is a coordinator. Typed answers (a new place, a changed
field) are the manage_places conversation; the helpers here are shared with it and with
manage_activities.
"""

from __future__ import annotations

from telegram import Update
from telegram.ext import Application, CallbackQueryHandler

from bot.context import BotContext
from bot.handlers import screens
from bot.handlers.buttons import Refused, act
from bot.services import place_admin
from bot.services.errors import DomainError, NotAllowed
from bot.services.place_admin import PlaceCard, PlacePage
from bot.ui import callbacks, keyboards, texts


def pattern(action: str, ids: int = 1) -> str:
    """Our buttons with exactly ``ids`` numbers; anything else gets the stale-button answer."""
    return callbacks.pattern("pa", action, ids=ids)


async def send_list(update: Update, page: PlacePage) -> None:
    """One page of the list of places, with its buttons."""
    await update.effective_message.reply_text(
        texts.admin_places_intro(not page.lines),
        reply_markup=keyboards.place_admin.place_list(page),
    )


async def send_card(update: Update, card: PlaceCard) -> None:
    """The place card with its buttons (also used by the activity screens and conversation)."""
    await update.effective_message.reply_text(
        texts.admin_place_card(card), reply_markup=keyboards.place_admin.place_card(card)
    )


async def show_list(update: Update, context: BotContext) -> int:
    """Show a coordinator the first page of places; anyone else is told kindly (and audited)."""
    try:
        async with context.uow() as uow:
            page = await place_admin.places_page(uow, update.effective_user.id, 0, context.now())
    except DomainError:
        await update.effective_message.reply_text(texts.not_allowed())
        return screens.END
    await send_list(update, page)
    return screens.END


async def forget(
    update: Update, context: BotContext, key: str, error: DomainError | None = None
) -> int:
    """End a coordinator's conversation: drop its answers, say why (if refused), show the menu."""
    context.user_data.pop(key, None)
    if error is None:
        return await screens.end_to_menu(update, context)
    say = texts.not_allowed if isinstance(error, NotAllowed) else texts.stale_button
    return await screens.end_to_menu(update, context, say())


async def show_page(update: Update, context: BotContext) -> None:
    """Show one page of the list."""
    page = await act(
        update, context, lambda uow, user, d, now: place_admin.places_page(uow, user, d.id, now)
    )
    if isinstance(page, Refused):
        return
    await update.callback_query.answer()
    await send_list(update, page)


async def card_of(
    update: Update, context: BotContext, editing: bool = False
) -> PlaceCard | Refused:
    """The card of the place on the pressed button (REFUSED after a kind alert); ``editing``:
    only for a coordinator who may change the place."""
    return await act(
        update,
        context,
        lambda uow, user, d, now: place_admin.place_card(uow, user, d.id, now, editing),
    )


async def show_place(update: Update, context: BotContext) -> None:
    """Show a place's card."""
    card = await card_of(update, context)
    if isinstance(card, Refused):
        return
    await update.callback_query.answer()
    await send_card(update, card)


async def edit_menu(update: Update, context: BotContext) -> None:
    """Offer the fields to change and the accessibility ticks."""
    card = await card_of(update, context, editing=True)
    if isinstance(card, Refused):
        return
    await update.callback_query.answer()
    await update.effective_message.reply_text(
        texts.admin_edit_place(card.name), reply_markup=keyboards.place_admin.place_edit(card)
    )


async def toggle(update: Update, context: BotContext) -> None:
    """Tick or untick one accessibility feature, in the same message."""
    card = await act(
        update,
        context,
        lambda uow, user, d, now: place_admin.toggle(uow, user, d.id, d.id2, now),
    )
    if isinstance(card, Refused):
        return
    await update.callback_query.answer()
    await update.callback_query.edit_message_text(
        texts.admin_edit_place(card.name), reply_markup=keyboards.place_admin.place_edit(card)
    )


def register(app: Application) -> None:  # type: ignore[type-arg]
    """The place screens (every one re-checked in its service)."""
    for callback, action, ids in (
        (show_page, "page", 1),
        (show_place, "place", 1),
        (edit_menu, "edit", 1),
        (toggle, "toggle", 2),
    ):
        app.add_handler(CallbackQueryHandler(callback, pattern=pattern(action, ids)))
