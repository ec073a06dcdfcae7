"""A complete camera simulated in-process: snapshots, PTZ, presets, motion, metrics."""

from drivers.simulated.driver import SimulatedDriver
from drivers.simulated.settings import SimulatedSettings

__all__ = ["SimulatedDriver", "SimulatedSettings"]
