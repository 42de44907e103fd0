"""``python -m sim.sweep SPEC --out DIR ...``: the ``shipit sweep`` command on its own."""

import sys

from sim.sweep.cli import main

sys.exit(main())
