"""Text cells that a spreadsheet must not run, and back.

A cell starting with ``= + - @``, a tab or a carriage return is a formula to Excel and
LibreOffice (``=HYPERLINK(…)`` in a name runs when the file is opened). Such a cell is written
with a single quote in front, as OWASP advises; the spreadsheet then shows it as text. A cell
that already starts with quotes before one of those characters gets one more, so
:func:`restore` can take exactly one away and every text comes back as it was.
Numbers are not text cells: callers pass them as they are ("-5" stays a number).
"""

from __future__ import annotations

DANGEROUS = ("=", "+", "-", "@", "\t", "\r")


def _looks_like_formula(cell: str) -> bool:
    return cell.lstrip("'").startswith(DANGEROUS)


def neutralise(cell: str) -> str:
    """The text as a cell no spreadsheet runs."""
    return "'" + cell if _looks_like_formula(cell) else cell


def restore(cell: str) -> str:
    """The text :func:`neutralise` was given (other cells are left as they are)."""
    return cell[1:] if cell.startswith("'") and _looks_like_formula(cell) else cell
