"""Ship It, the game: a Textual UI over :mod:`sim.game` (``shipit play`` / ``python -m tui``)."""
