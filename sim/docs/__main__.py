"""``python -m sim.docs [--check]``: regenerate the reference docs, or check they are current."""

import sys

from .generate import main

sys.exit(main())
