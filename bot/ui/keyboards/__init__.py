"""Keyboards, one module per part of the service, beside ``bot/ui/texts/<part>.py``.

``from bot.ui import keyboards`` gives ``keyboards.<part>.<keyboard>()``.
"""

from bot.ui.keyboards import (
    activity_admin,
    asking,
    broadcast,
    common,
    coordination,
    escalation,
    onboarding,
    place_admin,
    places,
    preferences,
    privacy,
    proxies,
    reminders,
    reports,
    safety,
    tasks,
    voice,
    volunteers,
)

__all__ = [
    "activity_admin",
    "asking",
    "broadcast",
    "common",
    "coordination",
    "escalation",
    "onboarding",
    "place_admin",
    "places",
    "preferences",
    "privacy",
    "proxies",
    "reminders",
    "reports",
    "safety",
    "tasks",
    "voice",
    "volunteers",
]
