"""At start the bot sets its commands and description in Swedish, English and by default."""

from __future__ import annotations

import json

from bot.telegram.announce import announce


def _calls(h, method):
    return {c.params.get("language_code"): c.params for c in h.request.calls if c.method == method}


async def test_commands_and_descriptions_in_each_language(harness):
    h = harness
    await announce(h.app)
    commands = _calls(h, "setMyCommands")
    assert set(commands) == {None, "sv", "en"}

    def listed(locale):
        raw = commands[locale]["commands"]
        items = json.loads(raw) if isinstance(raw, str) else raw
        return [(c["command"], c["description"]) for c in items]

    assert listed("sv")[:3] == [
        ("start", "Visa menyn"),
        ("mina", "Mina förfrågningar eller uppdrag"),
        ("motesplats", "Hitta en mötesplats"),
    ]
    assert listed("en")[0] == ("start", "Show the menu")
    assert listed(None) == listed("sv")  # Swedish is the default for everyone else
    descriptions = _calls(h, "setMyDescription")
    assert descriptions["sv"]["description"].startswith("Hjälpsam ger äldre kontakt med")
    assert "112" in descriptions["en"]["description"]
    short = _calls(h, "setMyShortDescription")
    assert short["sv"]["short_description"] == (
        "Hjälp i vardagen från volontärer, och mötesplatser nära dig."
    )
