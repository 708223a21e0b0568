"""Texts of /ombud: the residents without Telegram a municipal coordinator can erase."""

from __future__ import annotations

from bot.i18n import _, ngettext


def proxies_title(count: int) -> str:
    if not count:
        return _("There are no residents without Telegram.")
    return ngettext(
        "Residents without Telegram, entered by a coordinator ({count}). Press a name to erase "
        "everything about them.",
        "Residents without Telegram, entered by a coordinator ({count}). Press a name to erase "
        "everything about them.",
        count,
    ).format(count=count)


def confirm_erase_proxy(name: str) -> str:
    return _(
        "Erase everything about {name}? Requests that are still open are cancelled, and a "
        "volunteer who took one is told. It cannot be undone."
    ).format(name=name)


def proxy_erased(name: str) -> str:
    return _("Everything about {name} is erased.").format(name=name)


def proxy_kept() -> str:
    return _("Nothing was erased.")
