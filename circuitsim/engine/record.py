"""One record per run: what the results file holds, as typed data (``read(write(r)) == r``).

The engine makes it from what it simulated (:func:`circuitsim.engine.records.to_record`),
the analysis annotates it (:func:`circuitsim.analysis.annotate.annotate`:
the signatures), io writes it and reads it back
(:func:`circuitsim.io.write_record`, :func:`circuitsim.io.read_results`,
whose :class:`~circuitsim.io.Results` is a RunRecord with its path). Every
array is held as the file stores it (spike times in ms sorted by time,
epoch bounds in ms, float32 spine snapshots), so that writing changes
nothing and reading gives back an equal record.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, fields
from functools import cached_property
from typing import Any

import numpy as np

from ..config import Config, config_from_dict
from .measures import EpochMeasures

#: Per-epoch columns (besides name, start_ms, stop_ms, window_start_ms) and their units.
EPOCH_UNITS = {
    "concentration_um": "uM",
    "rate_pyramidal_hz": "Hz",
    "rate_interneuron_hz": "Hz",
    "cv_pyramidal": "1",
    "cv_interneuron": "1",
    "glutamate_rel": "1",
    "block_pyramidal": "1",
    "block_interneuron": "1",
    "rate_vta_dopamine_hz": "Hz",
    "rate_vta_gaba_hz": "Hz",
    "dopamine_rel": "1",
    "nbqx_um": "uM",
    "block_ampa": "1",
}
#: Epoch bounds, ms.
EPOCH_TIMES = ("start_ms", "stop_ms", "window_start_ms")


#: Unit and factor from the SI value of each recorded variable to the report's (SONATA reports: mV, nS, pA).
REPORT_UNITS = {"v": ("mV", 1e3), "g_ampa": ("nS", 1e9), "g_nmda": ("nS", 1e9), "g_gaba": ("nS", 1e9),
                "block": ("1", 1.0), "open_frac": ("1", 1.0), "mg_unblock": ("1", 1.0), "w_adapt": ("pA", 1e12)}


def same(a: Any, b: Any) -> bool:
    """Deep equality of record contents: mappings by key (any order), arrays by dtype kind, shape and values (NaN equal to NaN)."""
    if isinstance(a, dict) or isinstance(b, dict):  # HDF5 lists a group's members by name
        return (isinstance(a, dict) and isinstance(b, dict) and set(a) == set(b)
                and all(same(a[k], b[k]) for k in a))
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        a, b = np.asarray(a), np.asarray(b)
        if a.shape != b.shape or a.dtype.kind != b.dtype.kind:
            return False
        return bool(np.array_equal(a, b, equal_nan=a.dtype.kind in "fc"))
    if isinstance(a, list | tuple) or isinstance(b, list | tuple):
        return (isinstance(a, list | tuple) and isinstance(b, list | tuple) and len(a) == len(b)
                and all(same(x, y) for x, y in zip(a, b, strict=True)))
    if isinstance(a, float) and isinstance(b, float) and math.isnan(a) and math.isnan(b):
        return True
    return type(a) is type(b) and a == b


@dataclass(frozen=True, eq=False)
class RunRecord:
    """What one run recorded, as the results file holds it (docs/results.md).

    Attributes
    ----------
    config_text : str
        The full resolved config (YAML).
    provenance : dict
        Versions, every random stream's seed, host, start/end time (ISO 8601 UTC), wall times (s).
    spikes : dict
        population -> (times in ms, float64; 0-based node ids, uint64), sorted by time, ties by id.
    n_cells : dict
        population -> number of cells.
    time_ms : ndarray
        Start of each analysis bin (ms).
    timeseries, units : dict
        name -> trace on `time_ms`; name -> unit string (``"1"`` for dimensionless).
    epoch_table : dict
        The ``/epochs`` columns: ``name`` (list of str), bounds in ms
        (:data:`EPOCH_TIMES`) and the measures of :data:`EPOCH_UNITS`; as
        :class:`EpochMeasures` in :attr:`epochs`.
    baseline_epoch : str
        Name of the reference epoch.
    timeline, timeline_units, timeline_info : dict
        A dosing experiment's ``/timeline`` series, their units, and the
        rest of the group (``monitoring_h``, ``cache_hit``, ``doses``,
        ``sampling``); None / empty for a bath protocol.
    days : dict
        A plasticity experiment's ``/spines``, ``/plasticity`` (checks,
        signatures) and ``/arms``; empty otherwise.
    reports : dict
        The recorded cell variables (``recording``): variable -> population
        -> (node ids as uint64, step in ms, values as float32 (times, cells)
        in :data:`REPORT_UNITS`); empty without. Written as SONATA soma
        reports beside the results file.
    """

    config_text: str
    provenance: dict[str, Any]
    spikes: dict[str, tuple[np.ndarray, np.ndarray]]
    n_cells: dict[str, int]
    time_ms: np.ndarray
    timeseries: dict[str, np.ndarray]
    units: dict[str, str]
    epoch_table: dict[str, Any]
    baseline_epoch: str
    timeline: dict[str, np.ndarray] | None = None
    timeline_units: dict[str, str] = field(default_factory=dict)
    timeline_info: dict[str, Any] = field(default_factory=dict)
    days: dict[str, Any] = field(default_factory=dict)
    reports: dict[str, dict[str, tuple]] = field(default_factory=dict)

    def __eq__(self, other: object) -> bool:
        """Equal contents (the fields of RunRecord; a read-back file's path is not content)."""
        if not isinstance(other, RunRecord):
            return NotImplemented
        return all(same(getattr(self, f.name), getattr(other, f.name)) for f in fields(RunRecord))

    __hash__ = None  # mutable contents (arrays)

    @cached_property
    def epochs(self) -> tuple[EpochMeasures, ...]:
        """Per-epoch measures (times in s, from the stored ms)."""
        t = self.epoch_table
        return tuple(
            EpochMeasures(name=n, start_s=float(t["start_ms"][k]) / 1e3, stop_s=float(t["stop_ms"][k]) / 1e3,
                          window_start_s=float(t["window_start_ms"][k]) / 1e3,
                          **{c: float(t[c][k]) for c in EPOCH_UNITS})
            for k, n in enumerate(t["name"]))

    def epoch(self, name: str) -> EpochMeasures:
        """The measures of the epoch called `name`."""
        for e in self.epochs:
            if e.name == name:
                return e
        raise KeyError(name)

    @property
    def source(self) -> str:
        """How messages name where the record came from."""
        return "the record"

    @cached_property
    def config(self) -> Config:
        """The run's config, validated by the current schema.

        Raises
        ------
        UserInputError
            If the stored config no longer validates (a file from an older schema).
        """
        import yaml

        from ..errors import UserInputError

        try:
            data = yaml.safe_load(self.config_text)
        except yaml.YAMLError:
            raise UserInputError(f"results: {self.source} holds an unreadable /config") from None
        try:
            return config_from_dict(data if isinstance(data, dict) else {})
        except UserInputError as exc:
            raise UserInputError(f"results: the config stored in {self.source} does not validate: {exc}") from None
