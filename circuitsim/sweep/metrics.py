"""The key metrics of one sweep point, read from its results file, and its record beside it.

Metrics by kind of run (all from the file, never from the engine):

* bath protocol: the last epoch's measures (``rate_pyramidal_hz``,
  ``rate_interneuron_hz``, ``glutamate_rel``, ``block_pyramidal``,
  ``block_interneuron``, ``dopamine_rel``, ``concentration_um``) and the
  baseline epoch's rates (``baseline_rate_pyramidal_hz``,
  ``baseline_rate_interneuron_hz``);
* dosing timeline: ``peak_glutamate_rel``, ``max_rate_pyramidal_hz``,
  ``min_rate_interneuron_hz``, ``peak_plasma_ng_ml``;
* plasticity: also ``spine_density_24h`` and ``spine_density_end``
  (relative to healthy) and ``signatures_passed`` / ``signatures_total``.

The record adds the wall times: ``wall_s`` (the whole point in its worker),
``sim_s`` (the circuit simulation itself, ``wall_run_s`` of the
provenance) and ``overhead_s`` = wall_s - sim_s (building, compiling,
writing, analysis: what a sweep should keep small).
"""

from __future__ import annotations

import json
import math
import os
from pathlib import Path
from typing import Any

import numpy as np

from ..atomic import write_text_atomic
from ..io import read_results
from ..io.read import Results


def _finite(x: Any) -> float:
    x = float(x)
    return x if math.isfinite(x) else float("nan")


def point_metrics(res: Results) -> dict[str, float]:
    """The key metrics of a results file read back (see the module docstring)."""
    out: dict[str, float] = {}
    tl = res.timeline
    if tl is None:
        last = res.epochs[-1]
        for key in ("concentration_um", "rate_pyramidal_hz", "rate_interneuron_hz", "glutamate_rel",
                    "block_pyramidal", "block_interneuron", "dopamine_rel"):
            out[key] = _finite(getattr(last, key))
        base = res.epoch(res.baseline_epoch)
        out["baseline_rate_pyramidal_hz"] = _finite(base.rate_pyramidal_hz)
        out["baseline_rate_interneuron_hz"] = _finite(base.rate_interneuron_hz)
        return out
    t = np.asarray(tl["time_h"], float)
    after = t >= 0
    out["peak_glutamate_rel"] = _finite(np.nanmax(tl["glutamate_rel"][after]))
    out["max_rate_pyramidal_hz"] = _finite(np.nanmax(tl["rate_pyramidal_hz"][after]))
    out["min_rate_interneuron_hz"] = _finite(np.nanmin(tl["rate_interneuron_hz"][after]))
    out["peak_plasma_ng_ml"] = _finite(np.nanmax(tl["plasma_ng_ml"][after]))
    if "spine_density_rel" in tl:
        d = np.asarray(tl["spine_density_rel"], float)
        out["spine_density_24h"] = _finite(np.interp(24.0, t, d))
        out["spine_density_end"] = _finite(d[-1])
        sigs = res.days.get("signatures", [])
        out["signatures_passed"] = float(sum(s.passed for s in sigs))
        out["signatures_total"] = float(len(sigs))
    return out


def point_record(path: str | os.PathLike, wall_s: float) -> dict[str, Any]:
    """What the index keeps of a finished point: file, wall times and metrics."""
    res = read_results(path)
    sim_s = float(res.provenance.get("wall_run_s", float("nan")))
    return {"status": "done", "path": Path(path).name, "wall_s": float(wall_s), "sim_s": sim_s,
            "overhead_s": float(wall_s) - sim_s, "metrics": point_metrics(res)}


def write_record(path: str | os.PathLike, record: dict[str, Any]) -> None:
    """Write `record` as JSON atomically (temporary file, fsync, rename)."""
    write_text_atomic(path, json.dumps(record, indent=1, allow_nan=True))
