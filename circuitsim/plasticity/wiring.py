"""E->I synapses as agents: adult-stable, maturing in adolescence on the interneurons' NMDA receptors.

The rules of :class:`circuitsim.config.wiring.InterneuronWiringConfig`
(its docstring gives them with their sources). The E->I synapses of the
circuit are a slot pool grouped by interneuron, stepped by the spine kernel
(:func:`circuitsim.plasticity.spines.step_numba` or its NumPy reference:
same counter-based random numbers, bit-identical) with their own rules;
each synapse's volume times the pool's scale is its weight in the circuit.

Per step, for the interneuron population (X_I its NMDA-receptor
activation relative to rest, c the openness of the critical period of
``plasticity.age``, D the damage):

* the kernel runs on the wiring clock, the integral of
  1 + (maturation_speed - 1) c(t): fast while the period is open, adult
  after it;
* formation is scaled by g (1 - c (1 - P(D))), with
  g = 1 - nmda_dependence c (1 - min(X_I, 1)) and P(D) = 1 / (1 + D^n)
  the PV phenotype (:func:`phenotype`);
* the damage follows dD/dt = gain max(1 - X_I, 0) - D / tau
  (:func:`step_damage`, exact over a step of constant input).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import numpy as np

from ..config.plasticity import AgeConfig
from ..config.schema import Config
from ..config.wiring import InterneuronWiringConfig
from ..seeds import int_seed, rng
from . import spines as sp
from .pool import CircuitPool, grow_pool, spine_rules

#: Steepness n of the phenotype's loss with damage, P = 1 / (1 + D^n): one
#: 30 mg/kg dose left adult PV cells unchanged at 24 h, two on consecutive
#: days gave "a pronounced decrease" (Behrens et al. 2008, J Neurosci
#: 28:13957, results text). With D = 1 after two doses (the damage gain's
#: calibration), n = 4 keeps one dose (D about 0.5) above 0.9 (model choice).
PHENOTYPE_HILL = 4.0

#: Random streams of the E->I agents (name under the master seed).
WIRING_STREAMS = ("wiring.burn_in", "wiring.juvenile", "wiring.experiment")


def wiring_streams(config: Config) -> tuple[str, ...]:
    """The streams a run of `config` draws from: the juvenile thinning only in an adolescent that starts thinned."""
    young = config.plasticity.age.adolescent and _wiring(config).juvenile_fraction < 1.0
    return tuple(s for s in WIRING_STREAMS if young or s != "wiring.juvenile")


def phenotype(damage) -> np.ndarray:
    """The PV phenotype (PV/GAD67 expression, 1 healthy) left by damage `damage`: 1 / (1 + D^n)."""
    d = np.maximum(np.asarray(damage, dtype=float), 0.0)
    return 1.0 / (1.0 + d**PHENOTYPE_HILL)


def step_damage(damage: float, hypofunction: float, dt_d: float, gain_per_d: float, tau_d: float) -> float:
    """The damage after `dt_d` days of constant NMDA-receptor hypofunction `hypofunction` (exact)."""
    steady = gain_per_d * hypofunction * tau_d
    return float(steady + (damage - steady) * np.exp(-dt_d / tau_d))


def hypofunction(x_i: float) -> float:
    """The missing share of the interneurons' NMDA-receptor activation: max(1 - X_I, 0)."""
    return max(1.0 - float(x_i), 0.0)


@dataclass
class WiringState:
    """The E->I pool of one run and its damage; the healthy adult pool's synapses and weight as reference."""

    cp: CircuitPool
    damage: float
    adult_present: float
    adult_weight: float
    #: The kernel's rules (``interneuron_wiring.synapses``) and the seed of the run's steps.
    rules: sp.SpineRules
    seed: int

    def copy(self) -> WiringState:
        return dataclasses.replace(self, cp=self.cp.copy())

    @property
    def synapses_rel(self) -> float:
        """Present E->I synapses over the healthy adult number."""
        return float(self.cp.pool.present.sum()) / max(self.adult_present, 1.0)

    @property
    def weight_rel(self) -> float:
        """Total E->I weight over the healthy adult pool's (the calibrated circuit's)."""
        return float(self.cp.slot_weights().sum()) / max(self.adult_weight, 1e-12)


def e_to_i_pool(config: Config, kernel=sp.step_numba, memo: dict | None = None) -> WiringState:
    """The E->I synapses at the start of a run: the healthy adult pool, thinned to the juvenile number in an adolescent.

    The adult pool is grown at rest (:func:`~circuitsim.plasticity.pool.grow_pool`,
    stream ``"wiring.burn_in"``); in an adolescent each present synapse is
    kept with probability ``juvenile_fraction`` (stream ``"wiring.juvenile"``).
    `memo` (owned by the caller) keeps the grown adult pool for the arms.
    """
    from ..network.build import e_to_i_pairs
    from ..network.inputs import CircuitSpec

    wiring = _wiring(config)
    key = ("e_to_i", config.seed, config.circuit.pyramidal.n, config.circuit.interneuron.n,
           config.circuit.e_to_i.p, wiring.synapses.model_dump_json(), getattr(kernel, "__name__", str(kernel)))
    memo = {} if memo is None else memo
    if key not in memo:
        pre, post = e_to_i_pairs(CircuitSpec.of(config))
        memo[key] = grow_pool(pre, post, config.circuit.interneuron.n, wiring.synapses,
                              int_seed(config.seed, "wiring.burn_in"), kernel)
    cp = memo[key].copy()
    adult, adult_weight = float(cp.pool.present.sum()), float(cp.slot_weights().sum())
    if config.plasticity.age.adolescent and wiring.juvenile_fraction < 1.0:
        present = np.flatnonzero(cp.pool.present)
        drop = present[rng(config.seed, "wiring.juvenile").random(len(present)) >= wiring.juvenile_fraction]
        cp.pool.remove(drop)
    return WiringState(cp=cp, damage=0.0, adult_present=adult, adult_weight=adult_weight,
                       rules=spine_rules(wiring.synapses), seed=int_seed(config.seed, "wiring.experiment"))


def wiring_clock(age: AgeConfig, wiring: InterneuronWiringConfig, t_d):
    """The wiring clock at times `t_d` (days from the first dose): the integral of 1 + (speed - 1) c(t)."""
    return age.clock_d(t_d, wiring.maturation_speed)


def formation_scale(age: AgeConfig, wiring: InterneuronWiringConfig, t_mid_d: float, x_i: float,
                    damage: float) -> float:
    """Formation factor of the E->I synapses at `t_mid_d`: g (1 - c (1 - P(D))); 1 in an adult."""
    c = float(age.openness(t_mid_d))
    gate = 1.0 - wiring.nmda_dependence * c * (1.0 - min(float(x_i), 1.0))
    return gate * (1.0 - c * (1.0 - float(phenotype(damage))))


def step_wiring(state: WiringState, config: Config, t0_d: float, t1_d: float, step: int, x_i: float,
                kernel=sp.step_numba) -> tuple[np.ndarray, np.ndarray]:
    """Advance the E->I synapses and the damage from `t0_d` to `t1_d` with the interneurons' activation `x_i`.

    The damage is advanced first and its midpoint value withholds formation
    over the step. Returns (formed, eliminated) per interneuron.
    """
    wiring, age = _wiring(config), config.plasticity.age
    d0 = state.damage
    if wiring.damage is not None:
        state.damage = step_damage(d0, hypofunction(x_i), t1_d - t0_d, wiring.damage.gain_per_d,
                                   wiring.damage.tau_d)
    scale = formation_scale(age, wiring, 0.5 * (t0_d + t1_d), x_i, 0.5 * (d0 + state.damage))
    s0, s1 = (float(s) for s in wiring_clock(age, wiring, np.array([t0_d, t1_d])))
    n = state.cp.pool.n_neurons
    return kernel(state.cp.pool, s0, s1 - s0, step, np.ones(n), np.zeros(n), state.rules, state.seed,
                  np.full(n, scale) if scale != 1.0 else None)


def _wiring(config: Config) -> InterneuronWiringConfig:
    wiring = None if config.plasticity is None else config.plasticity.interneuron_wiring
    if wiring is None:
        raise ValueError("E->I agents need plasticity.interneuron_wiring")
    return wiring
