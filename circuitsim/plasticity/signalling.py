"""The translation cascade of each pyramidal neuron: eEF2 -> BDNF -> TrkB -> mTORC1 -> synaptic protein.

SCIENCE.md stages 5-6. Every variable is relative to its value in the
healthy, drug-free circuit (1 at rest), per pyramidal neuron. Inputs, also
relative to rest:

* ``ampa`` A: the neuron's AMPA activation (its recurrent and external AMPA
  conductance, after any NBQX block),
* ``nmda_rest`` N: its resting NMDA signalling, the unblocked fraction of its
  NMDA receptors times their activation (spontaneous release keeps these
  receptors signalling at rest; ketamine blocks them).

Equations (time in hours; each variable relaxes to a target that depends
on the variable upstream, so the chain has the published delays):

    eEF2 kinase    K* = N / (1 + a_A max(A - 1, 0)) x (1 - i_eEF2K)
    p-eEF2         dp/dt = (K* - p) / tau_p
    BDNF           dB/dt = (1 + g_T max(1 - p, 0) x R_A x (1 - i_syn) x (1 - ko) - B) / tau_B,
                   R_A = A^n_A  (activity-dependent release)
    TrkB           dT/dt = ((1 + K_B) B / (B + K_B) x (1 - i_TrkB) - T) / tau_T
    mTORC1         dM/dt = (T x (1 - i_mTOR) - M) / tau_M
    protein        dS/dt = (max(1 + g_S (M - 1) x (1 - i_syn), 0) - S) / tau_S

* Resting NMDA activity keeps eEF2 kinase on; its block (ketamine) and
  strong AMPA drive switch it off, and eEF2 is dephosphorylated (Autry et
  al. 2011, Nature 475:91; Monteggia et al. 2013). p-eEF2 falls within ~30
  min: tau_p.
* Dephosphorylated eEF2 releases the translation of BDNF, and its release
  is activity-dependent: BDNF above rest needs both (Autry 2011; Lepack et
  al. 2015 for release). The constitutive level (1) is kept: the model's
  BDNF knockout (``ko``) removes the induced part only, so its rest equals
  the control's (a model choice).
* BDNF activates TrkB (saturating, half-activation K_B in units of resting
  BDNF), TrkB activates mTORC1 (phosphorylation within 30-60 min, Li et al.
  2010, Science 329:959), mTORC1 drives synaptic-protein synthesis (PSD-95,
  GluA1, synapsin up from ~2 h; ibid.).
* Interventions are fractional inhibitions in [0, 1] per step: i_eEF2K (an
  eEF2 kinase inhibitor), i_TrkB (ANA-12), i_mTOR (rapamycin), i_syn
  (anisomycin: protein synthesis, induced BDNF and synaptic protein), ko
  (BDNF knockout). NBQX acts upstream, through A.

Integration: each variable relaxes exactly towards a target held over the
step, the target taken from the upstream variable's mean over the step (the
mean of its values before and after), the inputs held over the step; stable
for any step, and at 1-min steps within 1 % of 0.1-min steps
(tests/test_signalling.py).
The parameter values and their sources: ``plasticity.signalling`` in the
config (:class:`circuitsim.config.plasticity.SignallingConfig`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

#: The state variables, in cascade order.
VARIABLES = ("p_eef2", "bdnf", "trkb", "mtorc1", "synaptic_protein")
#: The interventions the cascade knows (fraction inhibited, 0-1).
INHIBITIONS = ("eef2k", "trkb", "mtor", "synthesis", "bdnf_knockout")


@dataclass(frozen=True)
class CascadeRules:
    """Time constants (h), gains and half-activation of the cascade (see the module docstring)."""

    tau_p_eef2_h: float
    tau_bdnf_h: float
    tau_trkb_h: float
    tau_mtorc1_h: float
    tau_protein_h: float
    ampa_kinase_gain: float
    translation_gain: float
    release_exponent: float
    trkb_half_activation: float
    protein_gain: float


@dataclass
class CascadeState:
    """One value per pyramidal neuron for each variable; 1 at rest."""

    p_eef2: np.ndarray
    bdnf: np.ndarray
    trkb: np.ndarray
    mtorc1: np.ndarray
    synaptic_protein: np.ndarray

    @classmethod
    def at_rest(cls, n_neurons: int) -> CascadeState:
        return cls(*(np.ones(n_neurons) for _ in VARIABLES))

    def copy(self) -> CascadeState:
        return CascadeState(*(np.array(getattr(self, v), copy=True) for v in VARIABLES))


@dataclass(frozen=True)
class Inhibition:
    """Fraction of each link inhibited (0: none, 1: complete), scalars or per-neuron arrays."""

    eef2k: float = 0.0
    trkb: float = 0.0
    mtor: float = 0.0
    synthesis: float = 0.0
    bdnf_knockout: float = 0.0


NONE = Inhibition()


def _relax(x: np.ndarray, target: np.ndarray, dt_h: float, tau_h: float) -> np.ndarray:
    """Exact relaxation of x towards a constant target over dt: target + (x - target) exp(-dt/tau)."""
    return target + (x - target) * np.exp(-dt_h / tau_h)


def step_cascade(state: CascadeState, ampa, nmda_rest, dt_h: float, rules: CascadeRules,
                 inhibition: Inhibition = NONE) -> CascadeState:
    """The cascade after `dt_h` hours with inputs `ampa` and `nmda_rest` held (relative to rest).

    Parameters
    ----------
    state : CascadeState
        Per-neuron values at the start of the step (not modified).
    ampa, nmda_rest : float or ndarray (n_neurons,)
        Relative AMPA activation and resting NMDA signalling, 1 at rest.
    dt_h : float
        Step, hours (> 0).
    rules : CascadeRules
    inhibition : Inhibition
        Interventions active over the step.

    Returns
    -------
    CascadeState
        The new state.
    """
    a = np.asarray(ampa, dtype=float)
    nm = np.asarray(nmda_rest, dtype=float)
    i = inhibition
    kinase = nm / (1.0 + rules.ampa_kinase_gain * np.maximum(a - 1.0, 0.0)) * (1.0 - i.eef2k)
    p = _relax(state.p_eef2, kinase, dt_h, rules.tau_p_eef2_h)
    # Each target from the upstream variable's mean over the step (the mean
    # of its old and new value): second order in dt instead of first.
    p_mid = 0.5 * (state.p_eef2 + p)
    release = np.maximum(a, 0.0) ** rules.release_exponent
    induced = rules.translation_gain * np.maximum(1.0 - p_mid, 0.0) * release \
        * (1.0 - i.synthesis) * (1.0 - i.bdnf_knockout)
    b = _relax(state.bdnf, 1.0 + induced, dt_h, rules.tau_bdnf_h)
    b_mid = 0.5 * (state.bdnf + b)
    kb = rules.trkb_half_activation
    t = _relax(state.trkb, (1.0 + kb) * b_mid / (b_mid + kb) * (1.0 - i.trkb), dt_h, rules.tau_trkb_h)
    m = _relax(state.mtorc1, 0.5 * (state.trkb + t) * (1.0 - i.mtor), dt_h, rules.tau_mtorc1_h)
    # Synthesis cannot be negative: with mTORC1 or TrkB blocked the target is
    # floored at 0 and the protein decays with tau_S.
    s_target = np.maximum(1.0 + rules.protein_gain * (0.5 * (state.mtorc1 + m) - 1.0) * (1.0 - i.synthesis),
                          0.0)
    s = _relax(state.synaptic_protein, s_target, dt_h, rules.tau_protein_h)
    return CascadeState(p, b, t, m, s)
