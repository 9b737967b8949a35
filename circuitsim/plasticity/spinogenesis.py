"""A slow spinogenic program: formation kept up for days after a burst of synaptic-protein synthesis.

Issue 18, item 3. In vivo imaging sees the extra spine formation after one
dose of ketamine *late* and *long*: not at 3-6 h but at 12-24 h after the
dose (Moda-Sava et al. 2019), formation up and density higher for up to two
weeks with elimination unchanged (Phoumthipphavong et al. 2016), and after
five daily doses formation up at 72-132 h but not at 6-24 h (Pryazhnikov et
al. 2018). The synaptic protein of the cascade
(:mod:`circuitsim.plasticity.signalling`) rises from ~2 h and is back within
about a day, so formation that follows it directly is early and brief. Here
the protein's excess drives, per pyramidal neuron, a two-stage slow
process whose output multiplies the formation rate only:

    u   = max(S - 1, 0)                      (S: synaptic protein, 1 at rest)
    dZ/dt = (u - Z) / tau_rise               (induction)
    dG/dt = (Z - G) / tau_decay              (the program; 0 at rest)
    formation x (1 + gain G)                 (elimination untouched)

Two stages make the onset late (G grows as t^2 at first, after the protein's
own delay) and the decay slow (tau_decay). Every blocker of the cascade
(rapamycin, ANA-12, anisomycin, NBQX, BDNF knockout) removes u and so the
program; the program does not say which molecules carry it (a model choice;
candidates are discussed in docs/plasticity.md). Time in hours; each stage
relaxes exactly towards its input's mean over the step, as the cascade does.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class ProgramRules:
    """Time constants (h) and gain of the program (see the module docstring)."""

    tau_rise_h: float
    tau_decay_h: float
    gain: float


@dataclass
class ProgramState:
    """Induction Z and program G per pyramidal neuron (0 at rest)."""

    induction: np.ndarray
    program: np.ndarray

    @classmethod
    def at_rest(cls, n_neurons: int) -> ProgramState:
        return cls(np.zeros(n_neurons), np.zeros(n_neurons))

    def copy(self) -> ProgramState:
        return ProgramState(self.induction.copy(), self.program.copy())


def _relax(x: np.ndarray, target: np.ndarray, dt_h: float, tau_h: float) -> np.ndarray:
    return target + (x - target) * np.exp(-dt_h / tau_h)


def step_program(state: ProgramState, protein_mid, dt_h: float, rules: ProgramRules) -> ProgramState:
    """The program after `dt_h` hours, with `protein_mid` the synaptic protein's mean over the step.

    Parameters
    ----------
    state : ProgramState
        Per-neuron values at the start of the step (not modified).
    protein_mid : ndarray (n_neurons,)
        Synaptic protein relative to rest, its mean over the step.
    dt_h : float
        Step, hours (> 0).
    rules : ProgramRules
    """
    u = np.maximum(np.asarray(protein_mid, dtype=float) - 1.0, 0.0)
    z = _relax(state.induction, u, dt_h, rules.tau_rise_h)
    g = _relax(state.program, 0.5 * (state.induction + z), dt_h, rules.tau_decay_h)
    return ProgramState(z, g)


def formation_factor(old: ProgramState, new: ProgramState, rules: ProgramRules) -> np.ndarray:
    """The factor on each neuron's formation rate over a step: 1 + gain x (the program's mean over it)."""
    return 1.0 + rules.gain * 0.5 * (old.program + new.program)
