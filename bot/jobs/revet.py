"""Re-vetting: coordinators are reminded a month before a volunteer's approval runs out, and
a volunteer whose approval ran out is paused until a coordinator renews it.

Decided from the profile rows (``vetted_at``, ``revet_reminded_at``, ``vetting``), so a run
after downtime, or two runs at once, tell each thing once.
"""

from __future__ import annotations

from typing import Any

from telegram.ext import Application

from bot.jobs.scheduler import Job, Scheduler
from bot.services import vetting
from bot.services.vetting import RevetNotice
from bot.telegram.sender import Notifier
from bot.ui import keyboards, texts


async def check_due(app: Application[Any, Any, Any, Any, Any, Any], scheduler: Scheduler) -> int:
    """Tell what is due; returns how many volunteers it was about."""
    data = app.bot_data
    months = data.settings.vetting_valid_months
    async with data.uow() as uow:
        notices = await vetting.revet_due(uow, data.clock(), months, data.tz)
    for notice in notices:
        await _tell(data.notifier, notice)
    return len(notices)


async def _tell(notifier: Notifier, notice: RevetNotice) -> None:
    name, due, pid = notice.volunteer.first_name, notice.due, notice.volunteer.person_id
    if notice.lapsed:
        await notifier.send(notice.volunteer, lambda: (texts.vetting_lapsed_volunteer(name), None))
    say = texts.vetting_lapsed_coordinator if notice.lapsed else texts.revet_reminder
    for coordinator in notice.coordinators:
        await notifier.send(
            coordinator,
            lambda: (say(name, due), keyboards.volunteers.show_volunteer(pid, name)),
        )


# Idempotent and about dates, so once an hour is plenty.
JOB = Job("revet", check_due, lambda s: 3600.0)
