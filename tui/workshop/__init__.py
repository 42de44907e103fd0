"""Workshop screens: the facilitator console and the team client (see :mod:`sim.workshop`)."""
