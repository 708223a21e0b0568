"""Meeting-place reminders: sent once, in the person's language, or dropped for a reason.

Service tests run the dispatcher with a fake sender; flow tests run the scheduler's job on the
real Application and read what the person got. The clock is whatever the test says.
"""

from __future__ import annotations

import logging
from collections import Counter
from datetime import datetime, timedelta

import pytest
from sqlalchemy import select, update

from bench.reminders import FakeSender
from bot.jobs import remind
from bot.jobs.scheduler import Scheduler
from bot.services import people, reminders, signups
from bot.services.reminders import DispatchResult, NotNow, ReminderView
from bot.ui import texts
from bot.ui.callbacks import minutes
from storage.db import create_engine, create_session_factory
from storage.place_models import Activity, ActivityException, Place, Reminder, SignUp
from storage.uow import UnitOfWorkFactory
from tests.conftest import NOW, TZ

ANNA, BO, STRANGER = 101, 102, 555
TUESDAY = datetime(2026, 11, 24, 14, 0, tzinfo=TZ)
MONDAY_EVENING = datetime(2026, 11, 23, 18, 0, tzinfo=TZ)
TUESDAY_NOON = datetime(2026, 11, 24, 12, 0, tzinfo=TZ)
LINK = "https://meet.example.org/fika"
EVENING = (
    "Påminnelse: i morgon, tisdag 24 november kl. 14.00, är det «Fika och samtal» "
    "på Ekbackens bibliotek, Storgatan 3."
)
SOON = "Snart dags: «Fika och samtal» börjar kl. 14.00 på Ekbackens bibliotek, Storgatan 3."
BUTTONS = {
    "Jag kan inte komma": f"pl:nogo:1:{minutes(TUESDAY)}",
    "🔕 Inga fler påminnelser": "rem:off",
}


async def set_up(uow: UnitOfWorkFactory, capacity: int | None = None, online: bool = False):
    """Anna (Swedish) and Bo (English) live in Centrum; «Fika och samtal» is on Tuesdays."""
    async with uow() as work:
        area = await people.add_area(work, None, "Centrum", NOW)
        for tg, name in ((ANNA, "Anna"), (BO, "Bo")):
            await people.register_resident(
                work, tg, first_name=name, area_id=area.id, address="x", phone=None, now=NOW
            )
        await people.set_locale(work, BO, "en", NOW)
        place = Place(
            key="ekbacken",
            name="Ekbackens bibliotek",
            area_id=area.id,
            address=None if online else "Storgatan 3",
            online_url=LINK if online else None,
        )
        work.session.add(place)
        await work.session.flush()
        await work.places.add_activity(
            Activity(
                key="fika",
                place_id=place.id,
                title="Fika och samtal",
                category="fika",
                starts_at=TUESDAY,
                rrule="FREQ=WEEKLY;BYDAY=TU",
                signup_required=True,
                capacity=capacity,
            )
        )


async def sign_up(uow: UnitOfWorkFactory, tg: int, when: datetime = TUESDAY) -> str:
    async with uow() as work:
        return (await signups.sign_up(work, tg, 1, when, NOW, TZ)).status


async def rows(uow: UnitOfWorkFactory) -> list[Reminder]:
    async with uow() as work:
        result = await work.session.execute(select(Reminder).order_by(Reminder.id))
        return list(result.scalars())


async def run_at(h, moment: datetime) -> DispatchResult:
    """The scheduler's job, once, with the clock at ``moment``."""
    h.app.bot_data.clock = lambda: moment
    return await remind.send_due(h.app, Scheduler(h.app))


@pytest.fixture
async def uow(db_url):
    engine = create_engine(db_url)
    yield UnitOfWorkFactory(create_session_factory(engine))
    await engine.dispose()


# --- through the real Application -------------------------------------------------------


async def test_evening_and_before_reminders_go_out_once_each(harness):
    await set_up(harness.data.uow)
    await sign_up(harness.data.uow, ANNA)
    assert await run_at(harness, MONDAY_EVENING - timedelta(minutes=1)) == DispatchResult()
    assert await run_at(harness, MONDAY_EVENING) == DispatchResult(sent=1)
    assert await run_at(harness, MONDAY_EVENING) == DispatchResult()
    assert await run_at(harness, TUESDAY_NOON) == DispatchResult(sent=1)
    assert await run_at(harness, TUESDAY_NOON + timedelta(minutes=5)) == DispatchResult()
    assert harness.texts(ANNA) == [EVENING, SOON]
    assert harness.last(ANNA).callback_data() == BUTTONS
    stored = await rows(harness.data.uow)
    assert [(r.kind, r.sent_at is not None, r.dropped_at) for r in stored] == [
        ("evening", True, None),
        ("before", True, None),
    ]
    assert len({r.message_id for r in stored} - {None}) == 2


async def test_each_person_reads_the_reminder_in_their_own_language(harness):
    await set_up(harness.data.uow)
    await sign_up(harness.data.uow, ANNA)
    await sign_up(harness.data.uow, BO)
    assert await run_at(harness, MONDAY_EVENING) == DispatchResult(sent=2)
    assert harness.texts(ANNA) == [EVENING]
    assert harness.texts(BO) == [
        "Reminder: tomorrow, Tuesday 24 November at 14:00, it is «Fika och samtal» "
        "at Ekbackens bibliotek, Storgatan 3."
    ]
    assert list(harness.last(BO).callback_data()) == ["I cannot come", "🔕 No more reminders"]


async def test_online_activity_gets_the_link_instead_of_an_address(harness):
    await set_up(harness.data.uow, online=True)
    await sign_up(harness.data.uow, ANNA)
    await run_at(harness, MONDAY_EVENING)
    await run_at(harness, TUESDAY_NOON)
    assert harness.texts(ANNA) == [
        "Påminnelse: i morgon, tisdag 24 november kl. 14.00, är det «Fika och samtal» "
        f"på nätet. Här är länken: {LINK}",
        f"Snart dags: «Fika och samtal» börjar kl. 14.00. Här är länken: {LINK}",
    ]


async def test_too_late_reminders_are_dropped_and_logged(harness, caplog):
    await set_up(harness.data.uow)
    await sign_up(harness.data.uow, ANNA)
    caplog.set_level(logging.INFO, logger="bot.services.reminders")
    assert await run_at(harness, TUESDAY - timedelta(minutes=15)) == DispatchResult(dropped=2)
    assert await run_at(harness, TUESDAY - timedelta(minutes=10)) == DispatchResult()
    assert harness.request.sent(ANNA) == []
    assert [r.getMessage() for r in caplog.records if "dropped" in r.getMessage()] == [
        "reminder 1 dropped: stale",
        "reminder 2 dropped: stale",
    ]
    assert all(r.dropped_at and not r.sent_at for r in await rows(harness.data.uow))


async def test_the_evening_reminder_gives_way_once_the_later_one_is_due(harness):
    await set_up(harness.data.uow)
    await sign_up(harness.data.uow, ANNA)
    # The bot was down from Monday afternoon until Tuesday 12.30.
    assert await run_at(harness, TUESDAY_NOON + timedelta(minutes=30)) == DispatchResult(
        sent=1, dropped=1
    )
    assert harness.texts(ANNA) == [SOON]


async def test_the_button_turns_reminders_off_and_on_again(harness):
    await set_up(harness.data.uow)
    await sign_up(harness.data.uow, ANNA)
    await harness.press(ANNA, "rem:off")
    assert harness.texts(ANNA) == [
        "Okej, du får inga fler påminnelser om mötesplatser. Du kan slå på dem igen när du vill."
    ]
    assert harness.last(ANNA).callback_data() == {"🔔 Slå på påminnelser igen": "rem:on"}
    assert await run_at(harness, MONDAY_EVENING) == DispatchResult(dropped=1)
    await harness.press(ANNA, "rem:on")
    assert harness.last(ANNA).text == (
        "Bra, nu får du påminnelser igen: kvällen före, och en stund innan det börjar."
    )
    assert await run_at(harness, TUESDAY_NOON) == DispatchResult(sent=1)
    assert harness.last(ANNA).text == SOON


async def test_the_command_shows_the_setting_with_a_switch(harness):
    await set_up(harness.data.uow)
    await harness.send(ANNA, "/paminnelser")
    assert harness.last(ANNA).text == (
        "Påminnelser är på. Du får ett meddelande kvällen före, och en stund innan det du "
        "anmält dig till börjar."
    )
    assert harness.last(ANNA).callback_data() == {"🔕 Inga fler påminnelser": "rem:off"}
    await harness.press(ANNA, "rem:off")
    await harness.send(ANNA, "/reminders")
    assert harness.last(ANNA).text == (
        "Påminnelser är av. Du får inga påminnelser om mötesplatser."
    )
    assert harness.last(ANNA).callback_data() == {"🔔 Slå på påminnelser igen": "rem:on"}
    async with harness.uow() as work:
        assert (await work.people.by_telegram_id(ANNA)).reminders_off


async def test_someone_who_has_not_started_is_asked_to_start_first(harness):
    with harness.data.catalogs.use("sv"):
        start_first = texts.start_first()
    await harness.send(STRANGER, "/paminnelser")
    assert harness.texts(STRANGER) == [start_first]
    await harness.press(STRANGER, "rem:off")
    assert harness.alerts()[-1] == start_first
    async with harness.uow() as work:
        stranger = await work.people.by_telegram_id(STRANGER)
        assert stranger is None or not stranger.reminders_off


async def test_a_person_who_blocked_the_bot_is_tried_once_then_left_alone(harness):
    await set_up(harness.data.uow)
    await sign_up(harness.data.uow, ANNA)
    harness.request.blocked.add(ANNA)
    assert await run_at(harness, MONDAY_EVENING) == DispatchResult(failed=1)
    assert await run_at(harness, MONDAY_EVENING) == DispatchResult()
    assert await run_at(harness, TUESDAY_NOON) == DispatchResult(dropped=1)
    assert len(harness.request.sent(ANNA)) == 1  # the one attempt
    async with harness.uow() as work:
        assert (await work.people.by_telegram_id(ANNA)).unreachable
    assert all(r.dropped_at and not r.sent_at for r in await rows(harness.data.uow))


async def test_whoever_moves_up_from_the_waiting_list_gets_the_reminders(harness):
    await set_up(harness.data.uow, capacity=1)
    assert await sign_up(harness.data.uow, ANNA) == "confirmed"
    assert await sign_up(harness.data.uow, BO) == "waiting"
    async with harness.uow() as work:
        await signups.cancel(work, ANNA, 1, TUESDAY, NOW, TZ)
    assert await run_at(harness, MONDAY_EVENING) == DispatchResult(sent=1)
    assert harness.request.sent(ANNA) == []
    assert harness.texts(BO)[0].startswith("Reminder: tomorrow, Tuesday 24 November")


# --- the service on its own -------------------------------------------------------------


async def _cancel_date(work):
    work.session.add(ActivityException(activity_id=1, occurs_at=TUESDAY))


async def _cancel_activity(work):
    await work.session.execute(update(Activity).values(cancelled=True))


async def _cancel_seat(work):
    await signups.cancel(work, ANNA, 1, TUESDAY, NOW, TZ)


async def _seat_marked_cancelled(work):
    # As a coordinator's tool might do it, without removing the planned reminders.
    await work.session.execute(update(SignUp).values(status="cancelled"))


@pytest.mark.parametrize(
    ("change", "dropped"),
    [
        (_cancel_date, 2),
        (_cancel_activity, 2),
        (_cancel_seat, 0),
        (_seat_marked_cancelled, 2),
    ],
)
async def test_cancelled_dates_activities_and_seats_get_no_reminder(uow, change, dropped):
    await set_up(uow)
    await sign_up(uow, ANNA)
    async with uow() as work:
        await change(work)
    sender = FakeSender()
    first = await reminders.dispatch(uow, sender, MONDAY_EVENING, TZ)
    second = await reminders.dispatch(uow, sender, TUESDAY_NOON, TZ)
    assert first + second == DispatchResult(dropped=dropped)
    assert sender.sends == Counter()


async def test_telegram_asking_to_wait_leaves_the_rest_for_the_next_run(uow):
    await set_up(uow)
    await sign_up(uow, ANNA)
    await sign_up(uow, BO)

    async def busy(view: ReminderView) -> int | None:
        raise NotNow()

    assert await reminders.dispatch(uow, busy, MONDAY_EVENING, TZ) == DispatchResult()
    sender = FakeSender()
    assert await reminders.dispatch(uow, sender, MONDAY_EVENING, TZ) == DispatchResult(sent=2)


async def test_a_send_that_fails_is_closed_not_retried(uow):
    await set_up(uow)
    await sign_up(uow, ANNA)
    calls = []

    async def broken(view: ReminderView) -> int | None:
        calls.append(view.id)
        if len(calls) == 1:
            return None
        raise RuntimeError("boom")

    await sign_up(uow, BO)
    assert await reminders.dispatch(uow, broken, MONDAY_EVENING, TZ) == DispatchResult(failed=2)
    assert await reminders.dispatch(uow, broken, MONDAY_EVENING, TZ) == DispatchResult()
    assert len(calls) == 2
