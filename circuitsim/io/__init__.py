"""Results files: the HDF5 store (SONATA spikes) and its text summary."""

from .results import RESULTS_SCHEMA_VERSION, Results, read_results, write_results
from .summary import results_summary

__all__ = ["RESULTS_SCHEMA_VERSION", "Results", "read_results", "results_summary", "write_results"]
