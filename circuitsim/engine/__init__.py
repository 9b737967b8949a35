"""The engine: one experiment from its config to a typed record (no files, no figures)."""

from .run import SimulatedRun, check_runnable, simulate

__all__ = ["SimulatedRun", "check_runnable", "simulate"]
