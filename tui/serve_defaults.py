"""Defaults of ``shipit serve``, apart from :mod:`tui.serve` so the launcher can show them.

:mod:`tui.serve` imports aiohttp and textual-serve (about 0.24 s), so only serving
imports it; the launcher and the server both read these.
"""

from __future__ import annotations

DEFAULT_HOST = "127.0.0.1"
"""Loopback only: other machines need ``--host`` (and, better, ``--token``)."""

DEFAULT_PORT = 8000
"""TCP port the game is served on."""

DEFAULT_MAX_SESSIONS = 8
"""Games running at once (each browser tab is a game process of about 45-75 MB)."""

MAX_SESSIONS_LIMIT = 1000
"""Largest ``--max-sessions`` accepted."""

DEFAULT_SAVES = "saved-games"
"""Folder (relative to where ``shipit serve`` runs) that served games are saved in."""
