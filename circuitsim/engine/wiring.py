"""What the E->I agents add to a run: their series over days, and the inhibition a drug-free check measures.

With ``plasticity.interneuron_wiring`` the slow stage records, per step,
the E->I synapses present over the healthy adult number, the
interneurons' damage and PV phenotype and their NMDA-receptor activation
(:data:`WIRING_SERIES`); and every drug-free check measures what a slice
recording of the papers measures (:data:`WIRING_UNITS`): the frequency of
spontaneous IPSCs onto pyramidal cells, from the interneurons' spikes and
the circuit's I->E connections (each spike of a presynaptic interneuron is
one IPSC in each of its targets; every I->E synapse releases, a model
choice), and the E->I synapses and weight of the circuit checked.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from ..config.schema import Config
from ..network.build import i_to_e_pairs
from ..network.inputs import CircuitSpec, SynapseWeights
from ..network.sample import FastSample
from ..plasticity.pool import CircuitPool
from ..plasticity.wiring import WiringState, phenotype

#: The slow-stage series of the E->I agents and their units.
WIRING_SERIES = {"e_to_i_synapses_rel": "1", "e_to_i_weight_rel": "1", "interneuron_damage": "1",
                 "pv_phenotype": "1", "nmda_interneuron": "1"}

#: The E->I agents' columns of a check (WiringMeasures attribute -> unit).
WIRING_UNITS = {"ipsc_frequency_hz": "Hz", "e_to_i_synapses_rel": "1", "e_to_i_weight_rel": "1",
                "pv_phenotype": "1"}


@dataclass(frozen=True)
class WiringMeasures:
    """The inhibitory side of one check (docs/results.md, ``/plasticity/checks``).

    ``ipsc_frequency_hz``: mean over pyramidal cells of the summed rates of
    their presynaptic interneurons over the measured window;
    ``e_to_i_synapses_rel`` and ``e_to_i_weight_rel``: E->I synapses present
    and their total weight over the healthy adult pool's; ``pv_phenotype``:
    1 / (1 + D^n) at the check.
    """

    ipsc_frequency_hz: float
    e_to_i_synapses_rel: float
    e_to_i_weight_rel: float
    pv_phenotype: float

    @classmethod
    def missing(cls) -> WiringMeasures:
        return cls(*(float("nan"),) * 4)


def circuit_weights(cp: CircuitPool, wiring: WiringState | None) -> np.ndarray | SynapseWeights:
    """The weights the agents set: the E->E array alone without E->I agents (the key of earlier caches)."""
    if wiring is None:
        return cp.synapse_weights()
    return SynapseWeights(e_to_e=cp.synapse_weights(), e_to_i=wiring.cp.synapse_weights())


def ipsc_frequency_hz(config: Config, sample: FastSample, window: tuple[float, float]) -> float:
    """Spontaneous IPSC frequency onto pyramidal cells over `window` (s, s): mean of sum_j nu_j over I->E inputs."""
    t, ids = sample.spikes["interneuron"]
    n_i, n_e = sample.n_cells["interneuron"], sample.n_cells["pyramidal"]
    sel = (t >= window[0]) & (t < window[1])
    rates = np.bincount(ids[sel].astype(np.int64), minlength=n_i) / max(window[1] - window[0], 1e-12)
    pre, post = i_to_e_pairs(CircuitSpec.of(config))
    per_cell = np.bincount(post, weights=rates[pre], minlength=n_e)
    return float(per_cell.mean())


def agent_measures(wiring: WiringState) -> WiringMeasures:
    """The E->I agents' measures that need no circuit (the IPSC frequency NaN, :func:`wiring_measures` fills it)."""
    return WiringMeasures(ipsc_frequency_hz=float("nan"), e_to_i_synapses_rel=wiring.synapses_rel,
                          e_to_i_weight_rel=wiring.weight_rel, pv_phenotype=float(phenotype(wiring.damage)))


def wiring_measures(config: Config, sample: FastSample, window: tuple[float, float],
                    agents: WiringMeasures) -> WiringMeasures:
    """`agents` (:func:`agent_measures`) with the IPSC frequency of a check of `sample` over `window`."""
    return replace(agents, ipsc_frequency_hz=ipsc_frequency_hz(config, sample, window))
