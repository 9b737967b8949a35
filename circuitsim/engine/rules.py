"""The slow stage's rules from the config: the cascade's, the spinogenic program's, the interventions'
inhibitions, the neurons' stress."""

from __future__ import annotations

import numpy as np

from ..config.plasticity import INTERVENTION_TARGET
from ..config.schema import Config
from ..plasticity import signalling as sig
from ..plasticity import spinogenesis as sg
from ..seeds import rng

_S_PER_H = 3600.0


def cascade_rules(config: Config) -> sig.CascadeRules:
    """The cascade's rules from ``plasticity.signalling`` (time constants in h)."""
    s = config.plasticity.signalling
    return sig.CascadeRules(
        tau_p_eef2_h=s.tau_p_eef2_s / _S_PER_H, tau_bdnf_h=s.tau_bdnf_s / _S_PER_H,
        tau_trkb_h=s.tau_trkb_s / _S_PER_H, tau_mtorc1_h=s.tau_mtorc1_s / _S_PER_H,
        tau_protein_h=s.tau_protein_s / _S_PER_H, ampa_kinase_gain=s.ampa_kinase_gain,
        translation_gain=s.translation_gain, release_exponent=s.release_exponent,
        trkb_half_activation=s.trkb_half_activation, protein_gain=s.protein_gain)


def program_rules(config: Config) -> sg.ProgramRules | None:
    """The spinogenic program's rules from ``plasticity.spinogenesis`` (None without it)."""
    s = config.plasticity.spinogenesis
    if s is None:
        return None
    return sg.ProgramRules(tau_rise_h=s.tau_rise_s / _S_PER_H, tau_decay_h=s.tau_decay_s / _S_PER_H, gain=s.gain)


def inhibition(config: Config, t_h: float) -> sig.Inhibition:
    """The interventions' inhibition of each link of the cascade at time `t_h` (h)."""
    values = dict.fromkeys(sig.INHIBITIONS, 0.0)
    for iv in config.plasticity.interventions:
        t0 = iv.start_s / _S_PER_H
        if t0 <= t_h < t0 + iv.duration_s / _S_PER_H:
            key = INTERVENTION_TARGET[iv.kind]
            values[key] = max(values[key], iv.inhibition)
    return sig.Inhibition(**values)


def stress_levels(config: Config, n_neurons: int) -> tuple[np.ndarray, np.ndarray]:
    """(susceptible, stress level) per pyramidal neuron during the stress history (zeros without one).

    Susceptibility is drawn from the seed's ``"stress.susceptibility"`` stream.
    """
    stress = config.plasticity.stress
    if stress is None:
        return np.zeros(n_neurons, dtype=bool), np.zeros(n_neurons)
    susceptible = rng(config.seed, "stress.susceptibility").random(n_neurons) < stress.susceptible
    return susceptible, np.where(susceptible, stress.level, 0.0)
