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

AMPA block by NBQX (competitive antagonist)
    b_AMPA = C^n / (C^n + IC50^n) on every AMPA conductance, the same in every
    population (NBQX does not distinguish the AMPA subunits the way ketamine
    distinguishes NMDA subunits). IC50 0.15 uM (Sheardown et al. 1990,
    Science 247:571), Hill slope 1 (assumption: one competitive site).

The Mg2+ block is Jahr & Stevens (1990):
    B(V) = 1 / (1 + [Mg2+] exp(-0.062 V/mV) / 3.57 mM).

These NumPy functions are the reference the Brian2 equations are tested
against. They have no defaults: every number is a config field
(``circuit.receptors``, ``pharmacology.*``; circuitsim/config/circuit.py and
pharmacology.py hold the values and their sources).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from ..errors import UserInputError


def mg_unblock(v_mv, mg_mm: float, k_mm: float, slope_per_mv: float):
    """Fraction of NMDA channels free of Mg2+ at membrane potential `v_mv` (mV).

    `mg_mm`, `k_mm`, `slope_per_mv`: config ``circuit.receptors.mg``,
    ``mg_k`` and ``mg_slope_per_mv``.
    """
    return 1.0 / (1.0 + (mg_mm / k_mm) * np.exp(-slope_per_mv * np.asarray(v_mv, dtype=float)))


def hill_block(c_um, ic50_um: float, n: float):
    """Equilibrium fraction of NMDA receptors blocked at concentration `c_um` (uM).

    `n`: the Hill coefficient (config ``pharmacology.hill.hill_n``).
    """
    c = np.asarray(c_um, dtype=float)
    if np.any(c < 0):
        raise ValueError("concentration must be non-negative")
    x = (c / ic50_um) ** n
    return x / (1.0 + x)


def ampa_block(c_nbqx_um, ic50_um: float, n: float):
    """Fraction of AMPA conductance blocked by NBQX at brain concentration `c_nbqx_um` (uM).

    `ic50_um`, `n`: config ``pharmacology.nbqx.ic50`` and ``hill_n``.
    """
    return hill_block(c_nbqx_um, ic50_um, n)


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


# ------------------------------------------------------------ enantiomers
# Ki_S, Ki_R below: the enantiomers' NMDA-receptor affinities, config
# ``pharmacology.enantiomers.ki_s`` and ``ki_r``.


def racemic_ic50_um(ki_s_um: float, ki_r_um: float) -> float:
    """Concentration of racemic ketamine that occupies half the sites: 2 / (1/Ki_S + 1/Ki_R).

    With S = R = C/2 the competitive occupancy x = S/Ki_S + R/Ki_R equals 1
    at this C (0.494 uM for Ebert et al.'s 0.3 and 1.4 uM).
    """
    if not (ki_s_um > 0 and ki_r_um > 0):
        raise UserInputError(f"ki: expected positive affinities in uM, got Ki_S={ki_s_um!r}, Ki_R={ki_r_um!r}")
    return 2.0 / (1.0 / ki_s_um + 1.0 / ki_r_um)


def racemic_equivalent_um(s_um: Any, r_um: Any, ki_s_um: float, ki_r_um: float) -> np.ndarray:
    """The racemic concentration that occupies the NMDA site as much as S and R together.

    Both enantiomers bind the same channel site, so they compete: the
    occupancy is governed by x = S/Ki_S + R/Ki_R. Racemic ketamine at C has
    x = C / IC50_rac with IC50_rac = :func:`racemic_ic50_um`; hence
    C_eq = IC50_rac (S/Ki_S + R/Ki_R). Any block model calibrated on racemic
    ketamine (Hill IC50s, trapping k_on) takes C_eq in place of C.
    """
    s = np.asarray(s_um, dtype=float)
    r = np.asarray(r_um, dtype=float)
    if np.any(s < 0) or np.any(r < 0):
        raise UserInputError("concentration: expected non-negative S and R concentrations in uM, got a negative value")
    return racemic_ic50_um(ki_s_um, ki_r_um) * (s / ki_s_um + r / ki_r_um)


def channel_site_equivalent_um(s_um: Any, r_um: Any, ki_s_um: float, ki_r_um: float,
                               others: Sequence[tuple[Any, float]] = ()) -> np.ndarray:
    """The racemic-ketamine concentration that occupies the NMDA channel site as all blockers together.

    Every blocker of the channel site competes for it (single-site
    competition), so the occupancy is governed by the sum of each
    component's concentration over its affinity:
    x = S/Ki_S + R/Ki_R + sum_k C_k/Ki_k, with each Ki on the scale of
    ketamine's (displacement of [3H]MK-801; the drug files'
    ``targets.nmda.ki``). As in :func:`racemic_equivalent_um`, the
    equivalent is IC50_rac x. `others`: (concentration in uM, Ki in uM) of
    each other component. With none it is :func:`racemic_equivalent_um`.
    """
    eq = racemic_equivalent_um(s_um, r_um, ki_s_um, ki_r_um)
    if not others:
        return eq
    ic50 = racemic_ic50_um(ki_s_um, ki_r_um)
    for c_um, ki_um in others:
        c = np.asarray(c_um, dtype=float)
        if np.any(c < 0):
            raise UserInputError("concentration: expected non-negative concentrations in uM, got a negative value")
        eq = eq + ic50 * c / ki_um
    return eq


def population_affinities_um(ic50_um: float, ki_s_um: float, ki_r_um: float) -> tuple[float, float]:
    """(Ki_S, Ki_R) of a population whose racemic IC50 is `ic50_um`.

    Ebert et al.'s binding constants are scaled by IC50 / IC50_rac, which
    keeps their S:R ratio (4.7) and makes racemic ketamine block the
    population with exactly its configured IC50 (which stands for its subunit
    mix and the Mg2+ block: Kotermanski & Johnson 2009).
    """
    scale = ic50_um / racemic_ic50_um(ki_s_um, ki_r_um)
    return ki_s_um * scale, ki_r_um * scale


def enantiomer_block(s_um: Any, r_um: Any, ic50_um: float, hill_n: float,
                     ki_s_um: float, ki_r_um: float) -> np.ndarray:
    """Fraction of a population's NMDA receptors blocked by S- and R-ketamine together.

    With the population's affinities K_S, K_R (:func:`population_affinities_um`)
    and n = 1 this is single-site competition::

        b = (S/K_S + R/K_R) / (1 + S/K_S + R/K_R)

    For n != 1 the Hill law is applied to the summed occupancy x = S/K_S +
    R/K_R (b = x^n / (1 + x^n)), i.e. ``hill_block(C_eq, ic50_um, n)``. For
    racemic ketamine (S = R = C/2) it equals ``pd.hill_block(C, ic50_um, n)``.

    Parameters
    ----------
    s_um, r_um : array_like
        Brain (effect-site) concentrations of S- and R-ketamine (uM).
    ic50_um : float
        The population's IC50 for racemic ketamine (config
        ``pharmacology.hill.ic50_pyramidal`` / ``ic50_interneuron``).
    hill_n : float
        Hill coefficient (config ``pharmacology.hill.hill_n``).
    ki_s_um, ki_r_um : float
        The enantiomers' affinities (config ``pharmacology.enantiomers``).
    """
    return hill_block(racemic_equivalent_um(s_um, r_um, ki_s_um, ki_r_um), ic50_um, hill_n)


def block_by_population(s_um: Any, r_um: Any, ic50_um: Mapping[str, float], hill_n: float,
                        ki_s_um: float, ki_r_um: float) -> dict[str, np.ndarray]:
    """:func:`enantiomer_block` for each population of ``ic50_um`` (name -> racemic IC50 in uM).

    Example: ``block_by_population(res.brain_s_um, res.brain_r_um,
    {"pyramidal": hill.ic50_pyramidal_um, "interneuron": hill.ic50_interneuron_um},
    hill.hill_n, ki.ki_s_um, ki.ki_r_um)`` with ``hill = config.pharmacology.hill`` and
    ``ki = config.pharmacology.enantiomers``.
    """
    return {name: enantiomer_block(s_um, r_um, ic50, hill_n, ki_s_um, ki_r_um)
            for name, ic50 in ic50_um.items()}
