"""Reply-keyboard labels and the one helper that reads a pressed (or typed) label back.

Routing never depends on language: a label is compared with its translation in the person's
own locale, and also forgivingly (no emoji, any case), so typing "avbryt" works too.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from telegram import Message
from telegram.ext.filters import MessageFilter

from bot.i18n import N_, _

LABELS: dict[str, str] = {
    "back": N_("⬅️ Back"),
    "cancel": N_("✖️ Cancel"),
    "skip": N_("Skip"),
    "yes": N_("✅ Yes"),
    "no": N_("No"),
    "send": N_("✅ Send"),
    "retype": N_("✏️ No, I will write it again"),
    "choose": N_("✏️ No, I will choose"),
    "continue": N_("▶️ Continue"),
    "restart": N_("🔄 Start over"),
    "lang.sv": N_("Svenska"),
    "lang.en": N_("English"),
    "role.resident": N_("🙋 I want help"),
    "role.volunteer": N_("🤝 I want to help"),
    "consent.yes": N_("✅ Yes, that is fine"),
    "consent.no": N_("No, thank you"),
    "consent.more": N_("📄 Read more"),
    "phone.share": N_("📞 Share my number"),
    "organisation.none": N_("None of them"),
    "menu.ask": N_("🙋 Ask for help"),
    "menu.mine": N_("📋 My requests"),
    "menu.tasks": N_("📋 My tasks"),
    "menu.pause": N_("⏸ Pause tasks"),
    "menu.resume": N_("▶️ Start tasks again"),
    "menu.places": N_("☕ Find a meeting place"),
    "menu.places_admin": N_("🗂 Meeting places"),
    "menu.broadcast": N_("📣 Send to many"),
    "menu.proxy": N_("📝 Ask for someone"),
    "menu.report": N_("📊 Report"),
    "menu.help": N_("❓ Help"),
    "menu.pending": N_("🧾 Volunteers waiting"),
    "menu.area": N_("➕ Add area"),
    "cat.shopping": N_("🛒 Shopping"),
    "cat.pharmacy": N_("💊 Pharmacy"),
    "cat.company": N_("🚶 Walk and company"),
    "cat.escort": N_("🚗 Ride and escort"),
    "cat.digital": N_("📱 Digital help"),
    "cat.home": N_("🔧 Practical help at home"),
    "cat.phone": N_("☎️ Phone friend"),
    "cat.other": N_("💬 Something else"),
    "find.near": N_("📍 Near me"),
    "find.area": N_("🏘 In my area"),
    "find.today": N_("📅 Today"),
    "find.week": N_("🗓 This week"),
    "find.kind": N_("🎨 Choose a kind"),
    "find.mine": N_("📌 Where I am going"),
    "act.fika": N_("☕ Coffee and a chat"),
    "act.exercise": N_("🤸 Exercise"),
    "act.culture": N_("🎭 Culture"),
    "act.study": N_("📚 Study circle"),
    "act.digital": N_("💻 Digital"),
    "act.music": N_("🎵 Singing and music"),
    "act.food": N_("🍲 Food"),
    "when.today": N_("Today"),
    "when.tomorrow": N_("Tomorrow"),
    "when.pick": N_("📅 Choose a day"),
    "when.none": N_("No rush"),
    "part.morning": N_("Morning"),
    "part.afternoon": N_("Afternoon"),
    "part.evening": N_("Evening"),
    "part.any": N_("Any time that day"),
}


# Words people type for the two buttons that must always work, in either language.
TYPED: dict[str, tuple[str, ...]] = {
    "cancel": ("avbryt", "cancel", "stopp", "stop", "sluta"),
    "back": ("tillbaka", "back", "bakåt"),
}


def label(code: str) -> str:
    """The label of a button in the current person's language."""
    return _(LABELS[code])


def _fold(text: str) -> str:
    return re.sub(r"[^\w]+", " ", text.casefold()).strip()


def code_of(text: str | None, codes: Iterable[str]) -> str | None:
    """Which of ``codes`` this pressed or typed text means, or None."""
    if not text or len(text) > 100:
        return None
    codes = list(codes)
    for code in codes:
        if text.strip() == label(code):
            return code
    folded = _fold(text)
    if not folded:
        return None
    for code in codes:
        if folded == _fold(label(code)) or folded in TYPED.get(code, ()):
            return code
    return None


def extra_code_of(text: str | None, options: dict[str, str]) -> str | None:
    """Like ``code_of`` for labels made at run time (area names, days): {code: label}."""
    if not text or len(text) > 100:
        return None
    folded = _fold(text)
    for code, shown in options.items():
        if text.strip() == shown or (folded and folded == _fold(shown)):
            return code
    return None


class LabelFilter(MessageFilter):
    """Matches a message whose text is one of the given buttons in the sender's language."""

    def __init__(self, *codes: str) -> None:
        super().__init__(name=f"LabelFilter{codes}")
        self.codes = codes

    def filter(self, message: Message) -> bool:
        return code_of(message.text, self.codes) is not None
