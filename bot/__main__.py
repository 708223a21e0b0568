"""``python -m bot``: the command line in ``bot/cli``."""

from __future__ import annotations

import sys

from bot.cli import main

__all__ = ["main"]  # the ``hjalpsam`` console script points here

if __name__ == "__main__":
    sys.exit(main())
