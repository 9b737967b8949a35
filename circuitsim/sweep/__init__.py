"""Sweeps: any config key over a grid, zip or random draws; local or Dask workers; resumable."""

from .index import read_index
from .run import run_sweep
from .spec import Point, Sweep, build_sweep, load_sweep
from .state import SweepOutcome

__all__ = ["Point", "Sweep", "SweepOutcome", "build_sweep", "load_sweep", "read_index", "run_sweep"]
