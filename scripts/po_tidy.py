"""Put the first line of every wrapped msgid/msgstr on its keyword's line.

`pybabel update` writes a wrapped string as `msgstr ""` followed by its lines. That is valid,
but simple readers (and our before-stop checklist) take `msgstr ""` for an empty translation.
Both forms mean the same to gettext and Babel. Run by `make update`.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

WRAPPED = re.compile(r'^((?:msgid|msgid_plural|msgstr(?:\[\d+\])?) )""\n(")', re.M)


def tidy(path: Path) -> bool:
    """Rewrite one catalogue in place; True when it changed."""
    text = path.read_text(encoding="utf-8")
    header, sep, body = text.partition("\n\n")  # keep the header entry as Babel writes it
    new = header + sep + WRAPPED.sub(r"\1\2", body)
    if new != text:
        path.write_text(new, encoding="utf-8")
    return new != text


if __name__ == "__main__":
    roots = [Path(p) for p in sys.argv[1:]] or [Path("locales")]
    for root in roots:
        for po in sorted(root.rglob("*.po")):
            if tidy(po):
                print(f"tidied {po}")
