"""Sweeps: any config key over a grid, zip or random draws; local or Dask workers; resumable."""

from .run import SweepOutcome, read_index, run_sweep
from .spec import Point, Sweep, build_sweep, load_sweep

__all__ = ["Point", "Sweep", "SweepOutcome", "build_sweep", "load_sweep", "read_index", "run_sweep"]
