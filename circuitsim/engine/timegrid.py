"""The slow stage's time axis: its step boundaries, and the key of the state a run reaches at its first dose."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import math

import numpy as np

from ..config.schema import Config
from ..network.standalone import resolve_threads
from .rules import inhibition
from .sessions import lead_h

_H_PER_D = 24.0
_S_PER_H = 3600.0


def time_grid_h(config: Config) -> np.ndarray:
    """Step boundaries (h): imaging's lead (:func:`.sessions.lead_h`), stress history, drug's window, days after."""
    p = config.plasticity
    slow = p.slow_step_s / _S_PER_H
    fast = p.acute_step_s / _S_PER_H
    horizon = config.timeline.horizon_s / _S_PER_H
    end = p.days_after * _H_PER_D
    stress = p.stress.duration_s / _S_PER_H if p.stress is not None else 0.0
    lead = lead_h(config)
    parts = []
    if lead > 0:
        parts.append(np.linspace(-stress - lead, -stress, int(math.ceil(lead / slow - 1e-9)) + 1)[:-1])
    if stress > 0:
        parts.append(np.linspace(-stress, 0.0, int(math.ceil(stress / slow - 1e-9)) + 1)[:-1])
    window = min(horizon, end)
    parts.append(np.linspace(0.0, window, int(math.ceil(window / fast - 1e-9)) + 1))
    if end > window:
        parts.append(np.linspace(window, end, int(math.ceil((end - window) / slow - 1e-9)) + 1)[1:])
    return np.concatenate(parts)


def pre_dose_key(config: Config, grid: np.ndarray, kernel) -> str:
    """What determines a run up to its first dose (the drug and what follows it do not).

    The circuit checks before the dose are part of that state, so the code
    target and the thread count (their spike trains depend on them) are part
    of the key although they are run options.
    """
    data = config.science_dict()
    for key in ("dosing", "timeline"):  # the drug and its window come after the dose
        data.pop(key, None)
    plast = data["plasticity"]
    for key in ("arms", "days_after", "sample_every", "interventions"):
        plast.pop(key, None)
    pre = [float(t) for t in grid if t <= 0.0]
    # Interventions enter as the inhibitions applied at each step before the dose.
    applied = [dataclasses.astuple(inhibition(config, 0.5 * (a + b))) for a, b in zip(pre[:-1], pre[1:], strict=True)]
    blob = json.dumps({"config": data, "grid": pre, "inhibitions": applied,
                       "codegen_target": config.codegen_target, "threads": resolve_threads(config.threads),
                       "kernel": getattr(kernel, "__name__", str(kernel))}, sort_keys=True, default=str)
    return hashlib.sha256(blob.encode()).hexdigest()
