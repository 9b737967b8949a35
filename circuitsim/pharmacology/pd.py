"""Pharmacodynamics: from drug concentration to NMDA-receptor block.

Two block models (selected by ``pharmacology.block_model``):

Hill (equilibrium)
    b = C^n / (C^n + IC50^n), with a population-specific IC50 standing for the
    NMDA subunit mix (Kotermanski & Johnson 2009: with 1 mM Mg2+ at -66 mV,
    GluN2A/2B ~5 uM, GluN2C/2D ~1-3 uM).

Trapping (use-dependent open-channel block)
    db/dt = k_on C o(t) (1 - b) - k_off b, with o(t) the open fraction of the
    cell's NMDA channels (glutamate-bound gating times Mg2+ unblock). Ketamine
    can only enter an open channel (MacDonald et al. 1991; Orser et al. 1997),
    so cells whose channels open more (tonically driven, depolarised
    interneurons) accumulate more block. At constant C and o:
    b_ss = k_on C o / (k_on C o + k_off); relaxation rate k_on C o + k_off.

The Mg2+ block is Jahr & Stevens (1990):
    B(V) = 1 / (1 + [Mg2+] exp(-0.062 V/mV) / 3.57 mM).

These NumPy functions are the reference the Brian2 equations are tested
against.
"""

from __future__ import annotations

import numpy as np


def mg_unblock(v_mv, mg_mm: float = 1.0, k_mm: float = 3.57, slope_per_mv: float = 0.062):
    """Fraction of NMDA channels free of Mg2+ at membrane potential `v_mv` (mV)."""
    return 1.0 / (1.0 + (mg_mm / k_mm) * np.exp(-slope_per_mv * np.asarray(v_mv, dtype=float)))


def hill_block(c_um, ic50_um: float, n: float = 1.0):
    """Equilibrium fraction of NMDA receptors blocked at concentration `c_um` (uM)."""
    c = np.asarray(c_um, dtype=float)
    if np.any(c < 0):
        raise ValueError("concentration must be non-negative")
    x = (c / ic50_um) ** n
    return x / (1.0 + x)


def trapping_steady_state(c_um, open_fraction, k_on_per_um_s: float, k_off_hz: float):
    """Steady-state block of the trapping model at constant C and open fraction."""
    r = k_on_per_um_s * np.asarray(c_um, dtype=float) * np.asarray(open_fraction, dtype=float)
    return r / (r + k_off_hz)


def trapping_step(b, c_um, open_fraction, k_on_per_um_s: float, k_off_hz: float, dt_s: float):
    """Advance the trapping block exactly over `dt_s` at constant C and o."""
    r = k_on_per_um_s * np.asarray(c_um, dtype=float) * np.asarray(open_fraction, dtype=float)
    lam = r + k_off_hz
    b_inf = r / lam
    return b_inf + (np.asarray(b, dtype=float) - b_inf) * np.exp(-lam * dt_s)
