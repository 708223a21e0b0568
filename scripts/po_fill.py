"""Extract, update the catalogues and fill in translations, under a lock.

    .venv/bin/python scripts/po_fill.py new.json

``new.json`` maps each new msgid to its translations: ``{"msgid": {"sv": "…", "en": "…"}}``,
or for a plural msgid lists of forms: ``{"sv": ["…", "…"], "en": ["…", "…"]}``. Several people
(or helpers) adding texts at once take turns on ``locales/.lock``, so no run overwrites
another's; msgids already translated keep their translation unless the file gives one.
"""

from __future__ import annotations

import fcntl
import json
import subprocess
import sys
from pathlib import Path

from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
LOCALES = ROOT / "locales"


def _fill(locale: str, new: dict[str, dict[str, object]]) -> list[str]:
    path = LOCALES / locale / "LC_MESSAGES" / "messages.po"
    with path.open("rb") as f:
        catalog = read_po(f, locale=locale)
    missing: list[str] = []
    if not any(locale in by_locale for by_locale in new.values()):
        return missing
    for msgid, by_locale in new.items():
        if locale not in by_locale:
            continue
        key = msgid
        message = catalog.get(key)
        if message is None:
            plurals = (m for m in catalog if isinstance(m.id, tuple) and m.id[0] == msgid)
            plural = next(plurals, None)
            if plural is None:
                missing.append(msgid)
                continue
            message = plural
        value = by_locale[locale]
        new = tuple(value) if isinstance(value, list) else str(value)
        if message.string and message.string != new:
            # Two texts may share an English msgid: say so, so nobody overwrites one unseen.
            print(f"{locale}: replaced the translation of {msgid!r}", file=sys.stderr)
        message.string = new
    with path.open("wb") as f:
        write_po(f, catalog, width=99, omit_header=False, ignore_obsolete=True)
    return missing


def main(argv: list[str]) -> int:
    new: dict[str, dict[str, object]] = {}
    for name in argv:
        new.update(json.loads(Path(name).read_text(encoding="utf-8")))
    with (LOCALES / ".lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        subprocess.run(["make", "-s", "update"], cwd=ROOT, check=True, capture_output=True)
        missing = sorted({m for loc in ("sv", "en") for m in _fill(loc, new)})
        subprocess.run([sys.executable, "scripts/po_tidy.py", "locales"], cwd=ROOT, check=True)
    for msgid in missing:
        print(f"not in the template (is it in the code?): {msgid!r}", file=sys.stderr)
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
