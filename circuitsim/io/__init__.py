"""Results files: the HDF5 store (SONATA spikes), its text summary, NWB export."""

from .layout import RESULTS_SCHEMA_VERSION
from .read import Results, read_results
from .summary import results_summary
from .write import write_record, write_results

__all__ = ["RESULTS_SCHEMA_VERSION", "Results", "read_results", "results_summary", "write_record", "write_results"]
