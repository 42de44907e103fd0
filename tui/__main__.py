"""``python -m tui [SCENARIO] [--seed N] [--replay FILE]``: play Ship It in this terminal."""

from __future__ import annotations

import sys

from .launcher import play_main

if __name__ == "__main__":
    sys.exit(play_main())
