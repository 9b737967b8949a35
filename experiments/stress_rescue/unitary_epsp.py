"""The model's unitary E->E EPSP: one presynaptic spike onto a pyramidal cell held at a mean potential.

    python experiments/stress_rescue/unitary_epsp.py [--scale 1] [--set key=value ...]

Integrates the pyramidal membrane equation of circuitsim/network/equations.py
for one recurrent (E->E) synapse and no drug,

    C dV/dt = -g_L (V - E_L) - g_A (V - E_e) - g_N s B(V) (V - E_e) + I_0,

with the cell held at -70, -60 and -55 mV by the constant current I_0, the
AMPA conductance jumping by ``circuit.e_to_e.g_ampa`` and decaying with
``tau_ampa``, and the NMDA gating s driven by one increment
``nmda_saturation_increment`` into its rise stage (``tau_nmda_rise``, then
``tau_nmda_decay``), B(V) the Mg2+ unblock (``receptors.mg``, ``mg_k``,
``mg_slope``). Euler steps of 1 us over 300 ms; prints the peak
depolarisation at each holding potential. ``--scale`` multiplies both
E->E conductances (what a stronger recurrent synapse would give). Issue 18,
item 5 (experiments/stress_rescue/README.md compares it with measured
unitary EPSPs).
"""

from __future__ import annotations

import argparse
import math

from circuitsim.cli import run_script
from circuitsim.config import config_from_dict


def peak_epsp_v(circuit, v_hold: float, scale: float) -> float:
    """Peak depolarisation (V) of the pyramidal cell held at `v_hold` (V) after one E->E spike."""
    cell, rc = circuit.pyramidal, circuit.receptors
    g_l, c_m, e_l, e_e = cell.g_leak_s, cell.c_m_f, cell.e_leak_v, rc.e_exc_v
    g_a, g_n = scale * circuit.e_to_e.g_ampa_s, scale * circuit.e_to_e.g_nmda_s
    i_0 = g_l * (v_hold - e_l)
    dt, v, x, s, v_max = 1e-6, v_hold, rc.nmda_saturation_increment, 0.0, v_hold
    for _ in range(int(0.3 / dt)):
        unblock = 1.0 / (1.0 + rc.mg_mm / rc.mg_k_mm * math.exp(-rc.mg_slope_per_mv * v * 1e3))
        v += dt * (-g_l * (v - e_l) - g_a * (v - e_e) - g_n * s * unblock * (v - e_e) + i_0) / c_m
        g_a -= dt * g_a / rc.tau_ampa_s
        x, s = x - dt * x / rc.tau_nmda_rise_s, s + dt * (x / rc.tau_nmda_rise_s - s / rc.tau_nmda_decay_s)
        v_max = max(v_max, v)
    return v_max - v_hold


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--scale", type=float, default=1.0, help="factor on both E->E conductances")
    ap.add_argument("--set", dest="overrides", action="append", default=[])
    ns = ap.parse_args(argv)
    circuit = config_from_dict({}, ns.overrides).circuit
    peaks = {v: peak_epsp_v(circuit, v * 1e-3, ns.scale) for v in (-70, -60, -55)}
    for v, p in peaks.items():
        print(f"E->E x{ns.scale:g}: unitary EPSP held at {v} mV: {p * 1e3:.4f} mV")
    print("RESULT " + " ".join(f"epsp_mv_at_{-v}mV={p * 1e3:.4f}" for v, p in peaks.items()) + f" scale={ns.scale:g}")
    return 0


if __name__ == "__main__":
    run_script(main)
