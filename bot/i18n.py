"""Locale per person: a ContextVar translator, gettext helpers and Swedish-style dates.

Catalogues are read from ``locales/<lang>/LC_MESSAGES/messages.po`` and compiled in memory
at start, so nobody has to run ``pybabel compile`` to run the bot.
"""

from __future__ import annotations

import functools
import gettext
import io
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date, datetime, tzinfo
from pathlib import Path

from babel.dates import format_date, format_datetime
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

LOCALES = ("sv", "en")
DOMAIN = "messages"
LOCALES_DIR = Path(__file__).resolve().parent.parent / "locales"

_translator: ContextVar[gettext.NullTranslations | None] = ContextVar(
    "hjalpsam_translator", default=None
)
_IDENTITY = gettext.NullTranslations()
_locale: ContextVar[str] = ContextVar("hjalpsam_locale", default="sv")


def _(message: str) -> str:
    """Translate a message into the current person's language."""
    return (_translator.get() or _IDENTITY).gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    """Translate a message whose form depends on a count."""
    return (_translator.get() or _IDENTITY).ngettext(singular, plural, n)


def N_(message: str) -> str:
    """Mark a module-level constant for extraction; translate it later with ``_()``."""
    return message


def current_locale() -> str:
    """The locale in force for this update or recipient."""
    return _locale.get()


@functools.lru_cache(maxsize=8)
def _compiled(po_path: Path, locale: str, _mtime_ns: int) -> bytes:
    """The .po file compiled to .mo bytes: once per file version and process (reading the
    catalogues is the slowest part of building an application; tests build hundreds)."""
    with po_path.open("rb") as handle:
        catalog = read_po(handle, locale=locale)
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    return buffer.getvalue()


class Catalogs:
    """All translations, loaded once at start and held by the application."""

    def __init__(self, default_locale: str = "sv", directory: Path = LOCALES_DIR) -> None:
        self.default = default_locale
        self._by_locale: dict[str, gettext.NullTranslations] = {}
        for locale in LOCALES:
            po_path = directory / locale / "LC_MESSAGES" / f"{DOMAIN}.po"
            compiled = _compiled(po_path, locale, po_path.stat().st_mtime_ns)
            self._by_locale[locale] = gettext.GNUTranslations(io.BytesIO(compiled))

    def normalise(self, locale: str | None) -> str:
        """Map any language code (e.g. Telegram's ``sv-SE``) to one we have."""
        code = (locale or "").split("-")[0].split("_")[0].lower()
        return code if code in self._by_locale else self.default

    def activate(self, locale: str | None) -> str:
        """Make ``locale`` current for the rest of this task; return the locale used."""
        chosen = self.normalise(locale)
        _translator.set(self._by_locale[chosen])
        _locale.set(chosen)
        return chosen

    @contextmanager
    def use(self, locale: str | None) -> Iterator[str]:
        """Speak ``locale`` inside the block (for messages to other people), then restore."""
        chosen = self.normalise(locale)
        token_t = _translator.set(self._by_locale[chosen])
        token_l = _locale.set(chosen)
        try:
            yield chosen
        finally:
            _translator.reset(token_t)
            _locale.reset(token_l)


def _babel_locale() -> str:
    return "sv_SE" if current_locale() == "sv" else "en_GB"


def format_day(day: date) -> str:
    """E.g. "tisdag 24 november"."""
    return format_date(day, "EEEE d MMMM", locale=_babel_locale())


def format_date_long(day: date) -> str:
    """E.g. "3 mars 2027": a date that may be in another year."""
    return format_date(day, "d MMMM y", locale=_babel_locale())


def format_day_short(day: date) -> str:
    """E.g. "tis 24 nov" for a button."""
    return format_date(day, "EEEE d MMM", locale=_babel_locale())


def format_clock(moment: datetime, tz: tzinfo) -> str:
    """E.g. "kl. 14.00" in Swedish, "at 14:00" in English."""
    # The pattern itself is translated: Swedish writes "kl. 14.00".
    pattern = _("'at' HH:mm")
    return format_datetime(moment, pattern, tzinfo=tz, locale=_babel_locale())
