"""The holder's messages with the resident's address: remembered when they go out, stripped
when the task ends in any way (done, given back, cancelled, expired, the holder stopped, the
resident or the holder erased).

A message the holder got is edited down to what, when and how it ended; an edit Telegram does
not take now waits in the outbound queue as an edit. A message with the address still waiting
in the queue carries its task and the resident, and is dropped there when the task ends
(``requests._ending``); once the queue sends it, it is remembered like the others.
"""

from __future__ import annotations

from telegram import InlineKeyboardMarkup

from bot.context import BotContext
from bot.i18n import current_locale
from bot.services import requests
from bot.services.views import PostRef, Recipient, RequestView
from bot.telegram.sender import Outcome, Render
from bot.ui import texts

# A message in a chat: (chat id, message id).
Spot = tuple[int, int]


async def deliver(
    context: BotContext, to: Recipient, render: Render, req: RequestView, about: int | None
) -> Outcome:
    """Send the holder a message with the resident's (``about``) address, and remember it."""
    outcome = await context.data.notifier.deliver(to, render, about=about, task=req.id)
    if outcome.message is not None:
        spot = (outcome.message.chat_id, outcome.message.message_id)
        await remember(context, req, spot, to.locale)
    return outcome


async def deliver_to_chat(
    context: BotContext,
    chat_id: int,
    text: str,
    markup: InlineKeyboardMarkup | None,
    req: RequestView,
    about: int | None,
) -> Outcome:
    """``deliver`` for a text rendered already (in the reader's language)."""
    outcome = await context.data.notifier.deliver_to_chat(
        chat_id, text, markup, about=about, task=req.id
    )
    if outcome.message is not None:
        await remember(context, req, (chat_id, outcome.message.message_id), current_locale())
    return outcome


async def remember(context: BotContext, req: RequestView, spot: Spot, locale: str | None) -> None:
    """Remember a message with the address that went to the holder; if the task ended
    meanwhile, strip it at once. ``locale``: its reader's."""
    async with context.uow() as uow:
        held = await requests.record_address(uow, req.id, *spot)
    if not held:
        await strip(context, req, [PostRef(*spot, locale, "address")], "ended")


async def replace(context: BotContext, posts: list[PostRef], spot: Spot | None, text: str) -> bool:
    """If ``spot`` is one of the messages with the address, replace its text (queued if
    Telegram fails for now); False if it is not one of them."""
    if spot not in {(p.chat_id, p.message_id) for p in posts if p.kind == "address"}:
        return False
    assert spot is not None
    await context.data.notifier.amend(*spot, text)
    return True


async def strip(
    context: BotContext,
    req: RequestView,
    posts: list[PostRef],
    end: str,
    skip: Spot | None = None,
) -> None:
    """Edit each message with the address among ``posts`` down to what, when and how the task
    ended (``end``, see ``texts.address_removed``); ``skip``: one that was edited already."""
    data = context.data
    for post in posts:
        if post.kind != "address" or (post.chat_id, post.message_id) == skip:
            continue
        with data.catalogs.use(post.locale or data.settings.default_locale):
            text = texts.address_removed(post.request or req, context.tz, end)
        await data.notifier.amend(post.chat_id, post.message_id, text)


async def strip_for_erasure(context: BotContext, posts: list[PostRef]) -> None:
    """Strip the messages ``requests.address_posts_of`` found for a person being erased."""
    for post in posts:
        if post.request is not None:
            await strip(context, post.request, [post], "ended")
