"""The subcommands of ``shipit`` that :mod:`sim.cli` composes, one module each.

Each module has an ``add_*_parser`` (the shape of a :data:`sim.clibase.Extension`) and a
``cmd_*`` handler that returns the exit status, like :mod:`sim.sweep.cli`,
:mod:`sim.analysis.cli` and :mod:`sim.workshop.cli`:

* :mod:`.run` -- ``run``: one scenario or saved game, its scorecard and documents;
* :mod:`.compare` -- ``compare``: variants on common random numbers, side by side;
* :mod:`.catalogue` -- ``validate``, ``scenarios``, ``practices`` and ``schema``: what
  there is to simulate and how to write it;
* :mod:`.bench` -- ``bench``: simulation speed;
* :mod:`.output` -- what ``run`` and ``compare`` share: the console, the comparison
  table, progress bars, JSON text and the charts directory.
"""
