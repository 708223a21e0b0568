"""Task buttons: offering a request, claiming it, marking it done; and the resident's view."""

from __future__ import annotations

import logging
from datetime import datetime

from telegram import InlineKeyboardMarkup, Update
from telegram.ext import Application, CallbackQueryHandler

from bot.context import BotContext
from bot.handlers import addresses, screens
from bot.handlers.buttons import Refused, act
from bot.i18n import current_locale
from bot.services import access, hours, requests
from bot.services.errors import (
    AlreadyClaimed,
    AlreadyYours,
    NotAllowed,
    NotFound,
    NotOpen,
    NotRegistered,
    NotVetted,
    Paused,
    Stopped,
)
from bot.services.views import (
    ClaimResult,
    CloseResult,
    Contact,
    PostRef,
    Recipient,
    RequestView,
)
from bot.ui import keyboards, texts
from bot.ui.callbacks import Callback, decode, pattern
from storage.uow import UnitOfWork

log = logging.getLogger(__name__)


async def send_offers(
    context: BotContext, req: RequestView, volunteers: list[Recipient], group_chat_ids: list[int]
) -> int:
    """Offer a task to each matching volunteer and linked group; return how many get it.

    An offer Telegram did not take at once is queued and counts: it arrives later. It is not
    recorded as a post, so it is not edited when the task is taken (pressing it then says so).
    """
    posts: list[PostRef] = []
    queued = 0
    tz = context.tz
    req = requests.as_offer(req)
    for volunteer in volunteers:
        outcome = await context.data.notifier.deliver(
            volunteer, lambda: (texts.task_card(req, tz), keyboards.tasks.task_offer(req.id))
        )
        if outcome.message is not None:
            posts.append(PostRef(outcome.message.chat_id, outcome.message.message_id))
        queued += outcome.queued
    for chat_id in group_chat_ids:
        with context.data.catalogs.use(context.data.settings.default_locale):
            text, markup = texts.task_card(req, tz), keyboards.tasks.task_offer(req.id)
        outcome = await context.data.notifier.deliver_to_chat(chat_id, text, markup)
        if outcome.message is not None:
            posts.append(PostRef(outcome.message.chat_id, outcome.message.message_id))
        queued += outcome.queued
    if posts:
        async with context.uow() as uow:
            await requests.record_posts(uow, req.id, posts)
    return len(posts) + queued


async def offer_request(update: Update, context: BotContext) -> None:
    """Submit the resident's draft, thank them, and offer it to volunteers."""
    async with context.uow() as uow:
        result = await requests.submit(uow, update.effective_user.id, context.now())
    delivered = await send_offers(
        context, result.request, result.volunteers, result.group_chat_ids
    )
    found = await screens.person(update, context)
    await update.effective_message.reply_text(
        texts.request_sent(delivered), reply_markup=keyboards.common.main_menu(found)
    )
    await alert_if_nobody(context, result.request, delivered, result.coordinators)


async def alert_if_nobody(
    context: BotContext, req: RequestView, delivered: int, coordinators: list[Recipient]
) -> None:
    """Nobody could be offered the task (none match, or all blocked us): tell coordinators."""
    if delivered:
        return
    if not coordinators:
        async with context.uow() as uow:
            coordinators = await access.municipal_coordinators(uow, None)
    tz = context.tz
    for coordinator in coordinators:
        await context.data.notifier.send(
            coordinator, lambda: (texts.unclaimed_alert(req, tz), None)
        )


async def claim(update: Update, context: BotContext) -> None:
    """Give the task to the first volunteer who presses; tell everyone concerned."""
    query = update.callback_query
    data = decode(query.data)
    assert data is not None
    try:
        async with context.uow() as uow:
            result = await requests.claim(uow, update.effective_user.id, data.id, context.now())
    except AlreadyYours:
        await query.answer(texts.already_yours(), show_alert=True)
        return
    except AlreadyClaimed:
        await query.answer(texts.someone_was_faster(), show_alert=True)
        await _edit_query_message(update, texts.someone_was_faster())
        return
    except Stopped as stopped:
        await query.answer(texts.stopped(stopped.lapsed), show_alert=True)
        return
    except (NotVetted, NotRegistered):
        await query.answer(texts.need_vetting(), show_alert=True)
        return
    except Paused:
        await query.answer(texts.paused(True), show_alert=True)
        return
    except NotAllowed:
        await query.answer(texts.task_not_for_you(), show_alert=True)
        return
    except NotFound:
        await query.answer(texts.stale_button(), show_alert=True)
        return
    except NotOpen:
        await query.answer(texts.task_no_longer_open(), show_alert=True)
        await _edit_query_message(update, texts.task_no_longer_open())
        return
    await announce_claim(update, context, result)


async def _edit_query_message(update: Update, text: str) -> None:
    query = update.callback_query
    if query.message is not None:
        try:
            await query.edit_message_text(text)
        except Exception:
            log.debug("could not edit the pressed message")


async def _complete(
    uow: UnitOfWork, user: int, data: Callback, now: datetime
) -> tuple[CloseResult, hours.Minutes]:
    """Mark the task done and store a first guess of the volunteer's time, in one go."""
    result = await requests.complete(uow, user, data.id, now)
    return result, await hours.record_estimate(uow, result.request.id, result.request.category)


async def announce_claim(update: Update, context: BotContext, result: ClaimResult) -> bool:
    """After a won claim (offered or assigned): the details to the volunteer – undone if they
    cannot get them –, the other task messages updated, the resident (or who asked) told."""
    req, notifier, tz = result.request, context.data.notifier, context.tz
    # The contact details go only in this private message, never in a group or a list; it is
    # remembered (or queued with its task), to be stripped when the task ends.
    delivered = await addresses.deliver(
        context,
        result.volunteer,
        lambda: (
            texts.claimed_for_volunteer(req, result.contact, tz),
            keyboards.tasks.task_held(req.id),
        ),
        req,
        result.contact.person_id,
    )
    if not delivered.arrives:
        # They pressed in a group but have no private chat with us: undo, so that the
        # resident is never told someone is coming who does not know where to go. (Queued
        # details arrive later: the claim stands.)
        async with context.uow() as uow:
            await requests.release(uow, update.effective_user.id, req.id, context.now())
        await update.callback_query.answer(texts.open_private_chat_first(), show_alert=True)
        return False
    # In a group the toast is all the others could see: it says nothing about the task.
    toast = texts.claimed_in_group_toast() if in_group(update) else None
    await update.callback_query.answer(toast)
    async with context.uow() as uow:
        await requests.forget_posts(uow, req.id)
    for post in result.other_posts:
        with context.data.catalogs.use(post.locale or context.data.settings.default_locale):
            if post.chat_id < 0:
                text = texts.claimed_in_group(req, result.volunteer.first_name, tz)
            elif post.chat_id == result.volunteer.telegram_id:
                text = texts.task_card(req, tz)
            else:
                text = texts.task_taken_by_other(req, tz)
        await notifier.edit(post.chat_id, post.message_id, text)
    await notifier.send(
        result.resident,
        lambda: (
            texts.resident_told_claimed(
                req, result.volunteer.first_name, tz, result.resident.on_behalf_of
            ),
            None,
        ),
    )
    return True


async def done(update: Update, context: BotContext) -> None:
    """Mark the task done; ask the volunteer their time, and ask both how it went."""
    outcome = await act(update, context, _complete)
    if isinstance(outcome, Refused):
        return
    result, guess = outcome
    await update.callback_query.answer()
    req, notifier = result.request, context.data.notifier
    # «Done» is pressed on a message with the address: it keeps only the thanks; the others
    # with the address (a «show» answer, say) are stripped.
    pressed = _pressed(update)
    if not await addresses.replace(context, result.posts, pressed, texts.done_volunteer()):
        await _edit_query_message(update, texts.done_volunteer())
    await addresses.strip(context, req, result.posts, "done", skip=pressed)
    assert result.volunteer is not None
    volunteer = result.volunteer
    await notifier.send(
        volunteer,
        lambda: (texts.hours_question(guess.minutes), keyboards.reports.hours(req.id)),
    )
    await notifier.send(
        volunteer, lambda: (texts.ask_follow_up(), keyboards.safety.follow_up(req.id))
    )
    await notifier.send(
        result.resident,
        lambda: (
            texts.resident_told_done(req, volunteer.first_name, result.resident.on_behalf_of)
            + "\n\n"
            + texts.ask_follow_up(),
            keyboards.safety.follow_up(req.id),
        ),
    )


def _pressed(update: Update) -> addresses.Spot | None:
    message = update.callback_query.message
    return (message.chat.id, message.message_id) if message is not None else None


async def show_task(update: Update, context: BotContext) -> None:
    """Show one task the volunteer holds, with its buttons (the address is remembered, to be
    stripped when the task ends)."""
    found = await act(
        update, context, lambda uow, user, data, now: requests.detail(uow, user, data.id, now)
    )
    if isinstance(found, Refused):
        return
    req, _volunteer, contact = found
    markup = keyboards.tasks.task_held(req.id) if req.status == "claimed" and contact else None
    text = texts.request_detail(req, None, contact, context.tz)
    if in_group(update):
        await answer_privately(update, context, text, markup, req, contact)
        return
    await update.callback_query.answer()
    sent = await update.effective_message.reply_text(text, reply_markup=markup)
    if contact is not None:
        await addresses.remember(context, req, (sent.chat_id, sent.message_id), current_locale())


def in_group(update: Update) -> bool:
    """Whether the button was pressed in a group chat, where others read along."""
    chat = update.effective_chat
    return chat is not None and chat.type != "private"


async def answer_privately(
    update: Update,
    context: BotContext,
    text: str,
    markup: InlineKeyboardMarkup | None,
    task: RequestView | None = None,
    contact: Contact | None = None,
) -> None:
    """Send the answer to a press in a group to the presser's own chat; the group sees
    only a toast that says nothing about the task (or how to open that chat).

    ``contact``: the answer holds this address, of ``task``: it is remembered.
    """
    query = update.callback_query
    chat_id = update.effective_user.id
    if task is not None and contact is not None:
        outcome = await addresses.deliver_to_chat(
            context, chat_id, text, markup, task, contact.person_id
        )
    else:
        outcome = await context.data.notifier.deliver_to_chat(chat_id, text, markup)
    if outcome.arrives:
        await query.answer(texts.sent_privately())
    else:
        await query.answer(texts.open_private_chat_to_see(), show_alert=True)


def register(app: Application) -> None:  # type: ignore[type-arg]
    """Task buttons (give back has its own conversation)."""
    app.add_handler(CallbackQueryHandler(claim, pattern=pattern("task", "claim")))
    app.add_handler(CallbackQueryHandler(done, pattern=pattern("task", "done")))
    app.add_handler(CallbackQueryHandler(show_task, pattern=pattern("task", "show")))
