"""Running experiments end to end."""

from .run import results_path, run_experiment

__all__ = ["results_path", "run_experiment"]
