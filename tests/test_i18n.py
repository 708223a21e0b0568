"""The catalogues are complete, consistent and in step with the code.

Every msgid is English; Swedish users read the msgstr. A missing or broken translation shows
a person English in the middle of a Swedish conversation, or crashes ``str.format``.
"""

from __future__ import annotations

from pathlib import Path
from string import Formatter
from typing import Any

import pytest
from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
LOCALES_DIR = ROOT / "locales"
POT = LOCALES_DIR / "messages.pot"
LOCALES = ("sv", "en")
KEYWORDS: dict[str, Any] = {"_": None, "N_": None, "ngettext": (1, 2)}


def _read(path: Path, locale: str | None = None) -> Catalog:
    with path.open("rb") as handle:
        return read_po(handle, locale=locale)


def _catalog(locale: str) -> Catalog:
    return _read(LOCALES_DIR / locale / "LC_MESSAGES" / "messages.po", locale)


def _messages(catalog: Catalog) -> list[Any]:
    """Every real entry (not the header)."""
    return [m for m in catalog if m.id]


def _key(msgid: str | tuple[str, ...]) -> str:
    """The singular msgid, which is what gettext looks up."""
    return msgid[0] if isinstance(msgid, (tuple, list)) else msgid


def _fields(text: str) -> set[str]:
    """The {placeholders} a str.format template uses."""
    return {name for _lit, name, _spec, _conv in Formatter().parse(text) if name is not None}


@pytest.fixture(scope="module", params=LOCALES)
def locale_catalog(request: pytest.FixtureRequest) -> tuple[str, Catalog]:
    return request.param, _catalog(request.param)


def test_catalogues_are_not_empty(locale_catalog: tuple[str, Catalog]) -> None:
    _locale, catalog = locale_catalog
    assert len(_messages(catalog)) > 100


def test_every_msgid_has_a_translation(locale_catalog: tuple[str, Catalog]) -> None:
    locale, catalog = locale_catalog
    missing = []
    for message in _messages(catalog):
        strings = (
            message.string if isinstance(message.string, (tuple, list)) else (message.string,)
        )
        if not strings or any(not s or not s.strip() for s in strings):
            missing.append(_key(message.id))
    assert missing == [], f"untranslated in {locale}: {missing}"


def test_no_fuzzy_entries(locale_catalog: tuple[str, Catalog]) -> None:
    locale, catalog = locale_catalog
    fuzzy = [_key(m.id) for m in _messages(catalog) if m.fuzzy]
    assert fuzzy == [], f"fuzzy in {locale}: {fuzzy}"


def test_catalogue_header_is_not_fuzzy(locale_catalog: tuple[str, Catalog]) -> None:
    """``pybabel compile`` (``make compile``) skips a whole catalogue whose header is fuzzy."""
    locale, catalog = locale_catalog
    assert not catalog.fuzzy, (
        f"locales/{locale}/LC_MESSAGES/messages.po has '#, fuzzy' on its header; "
        "pybabel compile skips it"
    )


def test_placeholders_match_the_msgid(locale_catalog: tuple[str, Catalog]) -> None:
    locale, catalog = locale_catalog
    wrong = []
    for message in _messages(catalog):
        if isinstance(message.id, (tuple, list)):
            singular, plural = message.id[0], message.id[1]
            strings = list(message.string)
            # Form 0 is the singular; every other form goes with the plural msgid.
            pairs = [(singular, strings[0])] + [(plural, s) for s in strings[1:]]
        else:
            pairs = [(message.id, message.string)]
        for msgid, msgstr in pairs:
            try:
                expected, got = _fields(msgid), _fields(msgstr)
            except ValueError as error:  # an unbalanced brace
                wrong.append((msgid, f"cannot parse: {error}"))
                continue
            if expected != got:
                wrong.append((msgid, f"{sorted(expected)} != {sorted(got)}"))
    assert wrong == [], f"placeholders differ in {locale}: {wrong}"


def test_translations_format_without_error(locale_catalog: tuple[str, Catalog]) -> None:
    """What the code does with each translation: ``.format(**fields)`` must not raise."""
    _locale, catalog = locale_catalog
    for message in _messages(catalog):
        strings = (
            message.string if isinstance(message.string, (tuple, list)) else (message.string,)
        )
        ids = message.id if isinstance(message.id, (tuple, list)) else (message.id,)
        fields = {name: "X" for msgid in ids for name in _fields(msgid)}
        for text in strings:
            if fields:
                text.format(**fields)


def test_every_template_msgid_is_in_both_catalogues() -> None:
    template = {_key(m.id) for m in _messages(_read(POT))}
    assert template, "locales/messages.pot is empty"
    for locale in LOCALES:
        have = {_key(m.id) for m in _messages(_catalog(locale))}
        missing = sorted(template - have)
        assert missing == [], f"in messages.pot but not in {locale}: {missing}"


def test_catalogues_have_nothing_the_template_lacks() -> None:
    """Old msgids left in a catalogue are dead weight (``make update`` drops them)."""
    template = {_key(m.id) for m in _messages(_read(POT))}
    for locale in LOCALES:
        have = {_key(m.id) for m in _messages(_catalog(locale))}
        assert sorted(have - template) == [], f"obsolete msgids in {locale}"


def test_plural_entries_agree_with_the_template() -> None:
    template = {_key(m.id): m.id for m in _messages(_read(POT))}
    for locale in LOCALES:
        for message in _messages(_catalog(locale)):
            assert isinstance(message.id, (tuple, list)) == isinstance(
                template.get(_key(message.id)), (tuple, list)
            ), _key(message.id)


def test_code_has_no_msgid_missing_from_the_template() -> None:
    """Re-extract from bot/: a new or changed text needs ``make update``."""
    extracted = {
        _key(message): f"{filename}:{lineno}"
        for filename, lineno, message, _comments, _context in extract_from_dir(
            str(ROOT / "bot"), method_map=[("**.py", "python")], keywords=KEYWORDS
        )
    }
    assert len(extracted) > 100
    template = {_key(m.id) for m in _messages(_read(POT))}
    missing = {msgid: where for msgid, where in extracted.items() if msgid not in template}
    assert missing == {}, f"run `make update`; not in messages.pot: {missing}"


def test_template_has_no_msgid_the_code_no_longer_uses() -> None:
    extracted = {
        _key(message)
        for _f, _l, message, _c, _ctx in extract_from_dir(
            str(ROOT / "bot"), method_map=[("**.py", "python")], keywords=KEYWORDS
        )
    }
    template = {_key(m.id) for m in _messages(_read(POT))}
    assert sorted(template - extracted) == []
