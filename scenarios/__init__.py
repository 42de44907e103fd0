"""Ship It's built-in scenarios, workshop event decks (``decks/``) and example sweeps (``sweeps/``).

Data, not code: this folder is installed as the package ``sim.bundled`` (see the
``package-dir`` table in ``pyproject.toml``), and this file makes it a regular package so
that an editable install can import it too.  Read the files through :mod:`sim.resources`,
never by a path relative to the source tree.
"""
