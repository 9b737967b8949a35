"""The concentration a circuit sees during a wash-in protocol."""

from __future__ import annotations

import numpy as np

from ..config.protocol import ProtocolConfig


def epoch_bounds_s(protocol: ProtocolConfig) -> list[tuple[str, float, float, float]]:
    """(name, start_s, stop_s, target concentration in uM) of every epoch."""
    out, t = [], 0.0
    for e in protocol.epochs:
        out.append((e.name, t, t + e.duration_s, e.concentration_um))
        t += e.duration_s
    return out


def measure_windows_s(protocol: ProtocolConfig, transient_s: float, settle_fraction: float,
                      block_tau_s: float = 0.0) -> list[tuple[str, float, float, float, float]]:
    """(name, start_s, stop_s, target uM, window_start_s) of every epoch.

    The steady-state window of an epoch starts after the circuit's transient
    and, when the epoch changes the concentration, after the concentration has
    covered all but `settle_fraction` of its step
    (:meth:`ProtocolConfig.settle_times_s`; 3.0 wash_tau for 0.05), and,
    with a trapping block (`block_tau_s` = 1 / k_off), after the block has
    followed it as closely. A validated Config leaves every window non-empty.
    """
    settle = protocol.settle_times_s(settle_fraction, block_tau_s, transient_s)
    return [(name, t0, t1, c, min(t0 + transient_s + wait, t1))
            for (name, t0, t1, c), wait in zip(epoch_bounds_s(protocol), settle, strict=True)]


def concentration_trace(protocol: ProtocolConfig, dt_s: float,
                        drug: str = "ketamine") -> tuple[np.ndarray, np.ndarray]:
    """Concentration (uM) of `drug` ("ketamine" or "nbqx") sampled every `dt_s` from t = 0.

    Within an epoch the concentration relaxes from its value at the epoch start
    towards the epoch's target, C(t) = C_T + (C_0 - C_T) exp(-(t - t0)/wash_tau);
    wash_tau = 0 gives steps.

    Returns
    -------
    t_s, c_um : ndarray
        Sample times (s) and concentrations (uM).
    """
    n = int(round(protocol.duration_s / dt_s))
    t = np.arange(n) * dt_s
    c = np.zeros(n)
    if drug not in ("ketamine", "nbqx"):
        raise ValueError(f"drug: expected 'ketamine' or 'nbqx', got {drug!r}")
    targets = [e.concentration_um if drug == "ketamine" else e.nbqx_um for e in protocol.epochs]
    c_start = 0.0
    for (_name, t0, t1, _c), target in zip(epoch_bounds_s(protocol), targets, strict=True):
        sel = (t >= t0 - 1e-12) & (t < t1 - 1e-12)
        if protocol.wash_tau_s > 0:
            c[sel] = target + (c_start - target) * np.exp(-(t[sel] - t0) / protocol.wash_tau_s)
            c_start = target + (c_start - target) * np.exp(-(t1 - t0) / protocol.wash_tau_s)
        else:
            c[sel] = target
            c_start = target
    return t, c
