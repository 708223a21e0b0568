"""Texts for coordinators: vetting, areas, groups; and the command line."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from bot.i18n import _, format_day
from bot.services.views import PendingVolunteer, RequestView
from bot.ui.texts.common import category, when


def new_volunteer_waiting(name: str) -> str:
    return _(
        "A new volunteer is waiting for approval: {name}. Press «Volunteers waiting»."
    ).format(name=name)


def pending_none() -> str:
    return _("No volunteers are waiting for approval.")


def pending_card(vol: PendingVolunteer, tz: ZoneInfo) -> str:
    return _("{name}\nAreas: {areas}\nCan help with: {skills}\nSigned up: {day}").format(
        name=vol.first_name,
        areas=", ".join(vol.areas),
        skills=", ".join(category(s) for s in vol.skills),
        day=format_day(vol.since.astimezone(tz).date()),
    )


def vetting_note() -> str:
    return _(
        "Approve only when you have done the check (for example the extract from the "
        "police records). We store only that the check was done, by whom and when – "
        "never what the extract says."
    )


def approved_coordinator(name: str) -> str:
    return _("{name} is approved. Thank you!").format(name=name)


def declined_coordinator(name: str) -> str:
    return _("{name} is turned down. They have been told kindly.").format(name=name)


def approved_volunteer(name: str) -> str:
    return _(
        "Welcome as a volunteer, {name}! 🎉 You are approved. New tasks in your areas "
        "will come here."
    ).format(name=name)


def declined_volunteer(name: str) -> str:
    return _(
        "Thank you for wanting to help, {name}. Right now we cannot take you on as a "
        "volunteer. You are welcome to contact the coordinator if you have questions."
    ).format(name=name)


def already_decided() -> str:
    return _("This volunteer has already been handled.")


def ask_area_name() -> str:
    return _("What is the new area called?")


def area_added(name: str) -> str:
    return _("The area {name} is added.").format(name=name)


def area_exists(name: str) -> str:
    return _("There is already an area called {name}. Write another name.").format(name=name)


def unclaimed_alert(req: RequestView, tz: ZoneInfo) -> str:
    return _(
        "No volunteer gives this help in {area} yet: {category}, {when}. Please look for someone."
    ).format(area=req.area, category=category(req.category).lower(), when=when(req.when, tz))


def group_linked() -> str:
    return _("This group is now linked. New tasks will be posted here.")


def group_unlinked() -> str:
    return _("This group is no longer linked.")


def group_only() -> str:
    return _("Write this command in the volunteers' group chat.")


def cli_bad_token(problem: str) -> str:
    """Shown on the command line; English and Swedish are both in the catalogue."""
    if problem == "missing":
        return _(
            "No bot token. Get one from @BotFather in Telegram (send /newbot), then set "
            "HJALPSAM_TELEGRAM_TOKEN=... in the environment or in a .env file."
        )
    return _(
        "The bot token does not look right. Copy it again from @BotFather "
        "(it looks like 123456789:ABC...), and set HJALPSAM_TELEGRAM_TOKEN."
    )


def cli_token_rejected() -> str:
    return _(
        "Telegram does not accept this bot token. Copy it again from @BotFather "
        "(send /mybots, choose the bot, then «API Token»), and set HJALPSAM_TELEGRAM_TOKEN."
    )


def cli_unreachable(url: str) -> str:
    return _(
        "Cannot reach Telegram at {url}. Check the network connection, or "
        "HJALPSAM_TELEGRAM_API_URL if you use your own Bot API server."
    ).format(url=url)


def cli_cannot_read(path: str) -> str:
    return _("Cannot read {path}. Is it a CSV file in UTF-8?").format(path=path)


def cli_rows_unit() -> str:
    return _("rows")


def cli_bad_row(line: int, reason: str) -> str:
    return _("Line {line}: {reason}").format(line=line, reason=reason)


def cli_import_done(rows: int, places: int, activities: int, bad: int) -> str:
    return _(
        "Read {rows} rows: {places} new places, {activities} new activities, {bad} rows with "
        "problems (listed above). Rows already known were updated."
    ).format(rows=rows, places=places, activities=activities, bad=bad)


def cli_coordinator_added(telegram_id: int) -> str:
    return _("{telegram_id} is now a coordinator.").format(telegram_id=telegram_id)


def cli_area_exists(name: str) -> str:
    return _("There is already an area called {name}.").format(name=name)


def cli_database_ready() -> str:
    return _("The database is up to date.")


def cli_database_created(path: str) -> str:
    return _("There was no database yet, so a new one was made: {path}").format(path=path)


def cli_schema_behind() -> str:
    return _(
        "The database is not up to date with this version of Hjälpsam. "
        "Run «hjalpsam db upgrade» first."
    )


def cli_schema_ahead() -> str:
    return _(
        "The database belongs to a newer version of Hjälpsam than this one. "
        "Install the newer version."
    )


def cli_export_done(rows: int, feeds: int, where: str) -> str:
    return _("Wrote {rows} rows to places.csv and {feeds} calendar files to {where}.").format(
        rows=rows, feeds=feeds, where=where
    )


def cli_standby() -> str:
    return _(
        "Another Hjälpsam is running on this database. This one waits as a standby and takes "
        "over if the other one stops."
    )


def cli_already_running() -> str:
    return _(
        "Hjälpsam is already running on this database. SQLite allows only one at a time: stop "
        "the other one first, or use PostgreSQL if you want a standby."
    )
