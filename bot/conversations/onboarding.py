"""/start: language, role, name, area; address, phone and consent for residents; areas and
kinds of help for volunteers. Coming back to /start shows the menu instead."""

from __future__ import annotations

import re
from enum import IntEnum
from typing import Any

from telegram import Update
from telegram.ext import (
    CallbackQueryHandler,
    CommandHandler,
    ConversationHandler,
    MessageHandler,
    filters,
)

from bot.context import BotContext
from bot.conversations import common, voice
from bot.handlers import screens
from bot.services import organisations, people
from bot.services.views import CATEGORIES, AreaView
from bot.telegram import timeouts
from bot.ui import keyboards, texts
from bot.ui.callbacks import decode, pattern
from bot.ui.labels import extra_code_of, label

# A phone number as people type it (also used when a coordinator asks for someone else).
PHONE = re.compile(r"^\+?[0-9][0-9 \-]{5,18}[0-9]$")


NAME = "onboarding"


class State(IntEnum):
    LANGUAGE = 0
    ROLE = 1
    NAME = 2
    AREA = 3
    ADDRESS = 4
    PHONE = 5
    CONSENT = 6
    V_AREAS = 7
    V_SKILLS = 8
    V_ORGANISATION = 9


def _answers(context: BotContext) -> dict[str, Any]:
    answers: dict[str, Any] = context.user_data.setdefault("onboarding", {})
    return answers


async def _areas(context: BotContext) -> list[AreaView]:
    async with context.uow() as uow:
        return await people.areas(uow)


# --- Questions -----------------------------------------------------------------------------


async def ask_language(update: Update, context: BotContext) -> int:
    """Greet and ask for the language."""
    await common.checkpoint(update, context, NAME, State.LANGUAGE)
    await update.effective_message.reply_text(
        texts.welcome(), reply_markup=keyboards.onboarding.languages()
    )
    return State.LANGUAGE


async def ask_role(update: Update, context: BotContext) -> int:
    """Ask whether the person wants help or wants to help."""
    await common.checkpoint(update, context, NAME, State.ROLE)
    await update.effective_message.reply_text(
        texts.ask_role(), reply_markup=keyboards.onboarding.roles()
    )
    return State.ROLE


async def ask_name(update: Update, context: BotContext) -> int:
    """Ask for the first name."""
    await common.checkpoint(update, context, NAME, State.NAME)
    await update.effective_message.reply_text(
        texts.ask_name(), reply_markup=keyboards.common.nav_only()
    )
    return State.NAME


async def ask_area(update: Update, context: BotContext) -> int:
    """Ask a resident for their area."""
    await common.checkpoint(update, context, NAME, State.AREA)
    areas = await _areas(context)
    if not areas:
        context.user_data.pop("onboarding", None)
        await update.effective_message.reply_text(
            texts.no_areas_yet(), reply_markup=keyboards.common.remove()
        )
        return common.END
    await update.effective_message.reply_text(
        texts.ask_area(_answers(context).get("name", "")),
        reply_markup=keyboards.onboarding.area_choice(areas),
    )
    return State.AREA


async def ask_address(update: Update, context: BotContext) -> int:
    """Ask a resident for the address a volunteer should come to."""
    await common.checkpoint(update, context, NAME, State.ADDRESS)
    await update.effective_message.reply_text(
        texts.ask_address(), reply_markup=keyboards.common.nav_only()
    )
    return State.ADDRESS


async def ask_phone(update: Update, context: BotContext) -> int:
    """Offer to share or write a phone number, or skip."""
    await common.checkpoint(update, context, NAME, State.PHONE)
    await update.effective_message.reply_text(
        texts.ask_phone(), reply_markup=keyboards.onboarding.phone()
    )
    return State.PHONE


async def ask_consent(update: Update, context: BotContext) -> int:
    """Explain plainly who sees the address and phone, and ask for consent."""
    await common.checkpoint(update, context, NAME, State.CONSENT)
    await update.effective_message.reply_text(
        texts.ask_consent(context.data.settings.controller_name),
        reply_markup=keyboards.onboarding.consent(),
    )
    return State.CONSENT


async def tell_more(update: Update, context: BotContext) -> int:
    """«Read more»: the whole privacy notice, then the consent question again."""
    settings = context.data.settings
    await update.effective_message.reply_text(
        texts.privacy_notice(
            settings.controller_name, settings.controller_contact, settings.retention_days
        )
    )
    return await ask_consent(update, context)


async def ask_volunteer_areas(update: Update, context: BotContext) -> int:
    """Let a volunteer tick the areas they can help in."""
    await common.checkpoint(update, context, NAME, State.V_AREAS)
    areas = await _areas(context)
    if not areas:
        context.user_data.pop("onboarding", None)
        await update.effective_message.reply_text(
            texts.no_areas_yet(), reply_markup=keyboards.common.remove()
        )
        return common.END
    chosen = [str(a) for a in _answers(context).get("v_areas", [])]
    await update.effective_message.reply_text(
        texts.ask_volunteer_areas(_answers(context).get("name", "")),
        reply_markup=keyboards.onboarding.multi_select(
            keyboards.onboarding.area_options(areas), chosen
        ),
    )
    return State.V_AREAS


async def ask_volunteer_skills(update: Update, context: BotContext) -> int:
    """Let a volunteer tick the kinds of help they give."""
    await common.checkpoint(update, context, NAME, State.V_SKILLS)
    await update.effective_message.reply_text(
        texts.ask_volunteer_skills(),
        reply_markup=keyboards.onboarding.multi_select(
            keyboards.onboarding.skill_options(), _answers(context).get("skills", [])
        ),
    )
    return State.V_SKILLS


async def _organisations(context: BotContext) -> dict[str, str]:
    async with context.uow() as uow:
        return {str(o.id): o.name for o in await organisations.choices(uow)}


async def ask_organisation(update: Update, context: BotContext) -> int:
    """Ask which organisation the volunteer belongs to (it is the one that vets them)."""
    await common.checkpoint(update, context, NAME, State.V_ORGANISATION)
    names = list((await _organisations(context)).values())
    await update.effective_message.reply_text(
        texts.ask_organisation(),
        reply_markup=keyboards.common.choose([*names, label("organisation.none")]),
    )
    return State.V_ORGANISATION


async def got_organisation(update: Update, context: BotContext) -> int:
    """Keep the organisation (or none), then sign the volunteer up."""
    message = update.effective_message
    if common.pressed(message, "back"):
        return await ask_volunteer_skills(update, context)
    choice = extra_code_of(message.text, await _organisations(context))
    if choice is None and common.pressed(message, "organisation.none") is None:
        return await common.reprompt(ask_organisation)(update, context)
    _answers(context)["organisation"] = int(choice) if choice else None
    return await _finish_volunteer(update, context)


# --- Answers -------------------------------------------------------------------------------


async def start(update: Update, context: BotContext) -> int:
    """Show the menu to someone known; start onboarding for someone new."""
    found = await screens.person(update, context)
    if found is not None and found.onboarded:
        await screens.show_menu(update, context)
        return common.END
    context.user_data.pop("onboarding", None)
    return await ask_language(update, context)


async def got_language(update: Update, context: BotContext) -> int:
    """Store the chosen language and speak it from now on."""
    choice = common.pressed(update.effective_message, "lang.sv", "lang.en")
    if choice is None:
        return await common.reprompt(ask_language)(update, context)
    locale = choice.removeprefix("lang.")
    user_id = update.effective_user.id
    async with context.uow() as uow:
        await people.set_locale(uow, user_id, locale, context.now())
        person = await people.ensure(
            uow, user_id, context.now(), context.data.settings.coordinator_ids
        )
    context.data.locales[user_id] = locale
    context.data.catalogs.activate(locale)
    if "coordinator" in person.roles:
        _answers(context)["role"] = "coordinator"
        return await ask_name(update, context)
    return await ask_role(update, context)


async def got_role(update: Update, context: BotContext) -> int:
    """Remember whether they want help or want to help."""
    choice = common.pressed(update.effective_message, "role.resident", "role.volunteer", "back")
    if choice is None:
        return await common.reprompt(ask_role)(update, context)
    if choice == "back":
        return await ask_language(update, context)
    if not await _areas(context):
        # Say it now, not after three more questions.
        context.user_data.pop("onboarding", None)
        await update.effective_message.reply_text(
            texts.no_areas_yet(), reply_markup=keyboards.common.remove()
        )
        return common.END
    _answers(context)["role"] = choice.removeprefix("role.")
    return await ask_name(update, context)


async def got_name(update: Update, context: BotContext) -> int:
    """Store the first name, then ask the next question for the role."""
    if common.pressed(update.effective_message, "back"):
        role = _answers(context).get("role")
        return await (ask_language if role == "coordinator" else ask_role)(update, context)
    name = await common.read_text(update, context, context.data.settings.name_max_chars)
    if name is None:
        return await ask_name(update, context)
    if not any(ch.isalpha() for ch in name):
        return await common.reprompt(ask_name)(update, context)
    answers = _answers(context)
    answers["name"] = " ".join(name.split())
    if answers.get("role") == "coordinator":
        return await _finish_coordinator(update, context)
    if answers.get("role") == "volunteer":
        return await ask_volunteer_areas(update, context)
    return await ask_area(update, context)


async def got_area(update: Update, context: BotContext) -> int:
    """Store the resident's area."""
    if common.pressed(update.effective_message, "back"):
        return await ask_name(update, context)
    areas = await _areas(context)
    code = extra_code_of(update.effective_message.text, {str(a.id): a.name for a in areas})
    if code is None:
        return await common.reprompt(ask_area)(update, context)
    _answers(context)["area_id"] = int(code)
    return await ask_address(update, context)


async def got_address(update: Update, context: BotContext) -> int:
    """Store the address a volunteer should come to."""
    if common.pressed(update.effective_message, "back"):
        return await ask_area(update, context)
    address = await common.read_text(update, context, context.data.settings.address_max_chars)
    if address is None:
        return await ask_address(update, context)
    if len(address) < 3:
        return await common.reprompt(ask_address)(update, context)
    _answers(context)["address"] = address
    return await ask_phone(update, context)


async def got_phone(update: Update, context: BotContext) -> int:
    """Store a shared or written phone number, or none."""
    message = update.effective_message
    choice = common.pressed(message, "back", "skip")
    if choice == "back":
        return await ask_address(update, context)
    if choice == "skip":
        _answers(context)["phone"] = None
        return await ask_consent(update, context)
    if message.contact is not None:
        if message.contact.user_id not in (None, update.effective_user.id):
            # Someone else's card from the address book: ask for their own number.
            await message.reply_text(texts.own_number_please())
            return await ask_phone(update, context)
        _answers(context)["phone"] = message.contact.phone_number
        return await ask_consent(update, context)
    text = await common.read_text(update, context, 40)
    if text is None:
        return await ask_phone(update, context)
    if not PHONE.match(text):
        await message.reply_text(texts.phone_not_understood())
        return await ask_phone(update, context)
    _answers(context)["phone"] = text
    return await ask_consent(update, context)


async def got_consent(update: Update, context: BotContext) -> int:
    """Finish a resident's sign-up on consent; keep nothing without it."""
    choice = common.pressed(
        update.effective_message, "consent.yes", "consent.no", "consent.more", "back"
    )
    if choice is None:
        return await common.reprompt(ask_consent)(update, context)
    if choice == "back":
        return await ask_phone(update, context)
    if choice == "consent.more":
        return await tell_more(update, context)
    if choice == "consent.no":
        context.user_data.pop("onboarding", None)
        await update.effective_message.reply_text(
            texts.no_consent(), reply_markup=keyboards.common.remove()
        )
        return common.END
    answers = _answers(context)
    async with context.uow() as uow:
        person = await people.register_resident(
            uow,
            update.effective_user.id,
            first_name=answers["name"],
            area_id=answers["area_id"],
            address=answers["address"],
            phone=answers.get("phone"),
            now=context.now(),
        )
    context.user_data.pop("onboarding", None)
    await common.finish(update, context, NAME)
    await update.effective_message.reply_text(
        texts.resident_ready(answers["name"]), reply_markup=keyboards.common.main_menu(person)
    )
    return common.END


async def toggled(update: Update, context: BotContext) -> int:
    """Tick or untick an area or a kind of help, or move on with «Done»."""
    query = update.callback_query
    data = decode(query.data)
    answers = _answers(context)
    state = State.V_SKILLS if "skills_step" in answers else State.V_AREAS
    if data is None:
        await query.answer(texts.stale_button())
        return state
    if data.action == "cancel":
        await query.answer()
        return await cancel(update, context)
    if data.action == "back":
        await query.answer()
        return await _back_from_select(update, context, state)
    if data.action == "done":
        return await _select_done(update, context, state)
    key, valid = (
        ("v_areas", {str(a.id) for a in await _areas(context)})
        if state == State.V_AREAS
        else ("skills", set(CATEGORIES))
    )
    if (data.action == "area") != (state == State.V_AREAS) or data.arg not in valid:
        await query.answer(texts.stale_button())
        return state
    chosen = set(map(str, answers.get(key, [])))
    chosen ^= {data.arg}
    answers[key] = sorted(chosen)
    # Saved before the tick shows: a restart must not lose a tick the person has seen.
    await common.checkpoint(update, context, NAME, state)
    await query.answer()
    options = (
        keyboards.onboarding.area_options(await _areas(context))
        if state == State.V_AREAS
        else keyboards.onboarding.skill_options()
    )
    await query.edit_message_reply_markup(keyboards.onboarding.multi_select(options, chosen))
    return state


async def _back_from_select(update: Update, context: BotContext, state: State) -> int:
    answers = _answers(context)
    if state == State.V_SKILLS:
        answers.pop("skills_step", None)
        return await ask_volunteer_areas(update, context)
    return await ask_name(update, context)


async def _select_done(update: Update, context: BotContext, state: State) -> int:
    query = update.callback_query
    answers = _answers(context)
    if not answers.get("v_areas" if state == State.V_AREAS else "skills"):
        await query.answer(texts.choose_at_least_one(), show_alert=True)
        return state
    await query.answer()
    if state == State.V_AREAS:
        answers["skills_step"] = True
        return await ask_volunteer_skills(update, context)
    if await _organisations(context):
        return await ask_organisation(update, context)
    return await _finish_volunteer(update, context)


async def _finish_volunteer(update: Update, context: BotContext) -> int:
    answers = _answers(context)
    async with context.uow() as uow:
        person, stored = await people.register_volunteer(
            uow,
            update.effective_user.id,
            first_name=answers["name"],
            area_ids=[int(a) for a in answers["v_areas"]],
            skills=answers["skills"],
            now=context.now(),
            organisation_id=answers.get("organisation"),
        )
        coordinators = await organisations.to_tell(uow, stored)
    context.user_data.pop("onboarding", None)
    await common.finish(update, context, NAME)
    await update.effective_message.reply_text(
        texts.volunteer_waiting(answers["name"]), reply_markup=keyboards.common.main_menu(person)
    )
    for coordinator in coordinators:
        await context.data.notifier.send(
            coordinator, lambda: (texts.new_volunteer_waiting(answers["name"]), None)
        )
    return common.END


async def _finish_coordinator(update: Update, context: BotContext) -> int:
    name = _answers(context)["name"]
    async with context.uow() as uow:
        person = await people.register_coordinator(
            uow, update.effective_user.id, first_name=name, now=context.now()
        )
        has_areas = bool(await people.areas(uow))
    context.user_data.pop("onboarding", None)
    await common.finish(update, context, NAME)
    text = texts.coordinator_ready(name)
    if not has_areas:
        text += "\n\n" + texts.coordinator_no_areas()
    await update.effective_message.reply_text(
        text, reply_markup=keyboards.common.main_menu(person)
    )
    return common.END


async def select_text(update: Update, context: BotContext) -> int:
    """Back or Cancel typed while ticking; anything else re-shows the choices."""
    answers = _answers(context)
    state = State.V_SKILLS if "skills_step" in answers else State.V_AREAS
    if common.pressed(update.effective_message, "back"):
        return await _back_from_select(update, context, state)
    ask = ask_volunteer_skills if state == State.V_SKILLS else ask_volunteer_areas
    return await common.reprompt(ask)(update, context)


async def cancel(update: Update, context: BotContext) -> int:
    """Stop onboarding; nothing half-done is kept."""
    context.user_data.pop("onboarding", None)
    await update.effective_message.reply_text(
        texts.onboarding_cancelled(), reply_markup=keyboards.common.remove()
    )
    return common.END


def build(timeout_s: float | None) -> ConversationHandler[BotContext]:
    """The onboarding conversation."""
    return ConversationHandler(
        entry_points=[CommandHandler("start", start)],
        states={
            State.LANGUAGE: common.text_step(got_language, ask_language, cancel),
            State.ROLE: common.text_step(got_role, ask_role, cancel),
            State.NAME: common.text_step(got_name, ask_name, cancel),
            State.AREA: common.text_step(got_area, ask_area, cancel),
            State.ADDRESS: common.text_step(got_address, ask_address, cancel),
            State.PHONE: [
                MessageHandler(filters.CONTACT, got_phone),
                *common.text_step(got_phone, ask_phone, cancel),
            ],
            State.CONSENT: common.text_step(got_consent, ask_consent, cancel),
            State.V_AREAS: [
                *common.cancel_handlers(cancel),
                CallbackQueryHandler(toggled, pattern=pattern("ob")),
                MessageHandler(filters.TEXT & ~filters.COMMAND, select_text),
                *voice.handlers(select_text, ask_volunteer_areas),
                *common.catch_all(ask_volunteer_areas),
            ],
            State.V_SKILLS: [
                *common.cancel_handlers(cancel),
                CallbackQueryHandler(toggled, pattern=pattern("ob")),
                MessageHandler(filters.TEXT & ~filters.COMMAND, select_text),
                *voice.handlers(select_text, ask_volunteer_skills),
                *common.catch_all(ask_volunteer_skills),
            ],
            State.V_ORGANISATION: common.text_step(got_organisation, ask_organisation, cancel),
            ConversationHandler.TIMEOUT: common.timeout_handlers(
                texts.onboarding_paused, forget="onboarding"
            ),
        },
        fallbacks=[
            CommandHandler("start", start),
            *common.cancel_handlers(cancel),
            # After a restart its timeout is armed again (it also forgets an address given
            # without consent).
            timeouts.resume_handler(),
        ],
        name=NAME,
        persistent=True,
        allow_reentry=True,
        conversation_timeout=timeout_s,
    )
