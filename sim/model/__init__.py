"""The delivery-organisation model: SimPy processes, pools, policies and live commands."""

from .commands import Command, InjectIncident, ResizePool, SetPractice
from .simulation import Simulation, commands_from_log, replay

__all__ = [
    "Command",
    "InjectIncident",
    "ResizePool",
    "SetPractice",
    "Simulation",
    "commands_from_log",
    "replay",
]
