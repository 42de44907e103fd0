"""``python -m sim.validation``: regenerate ``docs/validation.md``."""

from .page import main

raise SystemExit(main())
