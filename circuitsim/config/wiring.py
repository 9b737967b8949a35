"""Config of the E->I synapses as agents: their adolescent maturation and the damage that withholds it.

Embedded as ``plasticity.interneuron_wiring`` (absent: the calibrated E->I
synapses, weight 1 each, no agents). The science, with every source and
what is a model choice, is in docs/plasticity.md, "Interneuron wiring";
the values below say where they come from in one line each.
"""

from __future__ import annotations

from pydantic import Field

from .base import ConfigModel
from .fields import Quantity
from .spines import SpineConfig
from .units import RATE, TIME

_DAY_S = 86400.0


class InterneuronDamageConfig(ConfigModel):
    """A slow damage of the interneurons driven by their NMDA-receptor hypofunction (Behrens et al. 2007, 2008).

    dD/dt = gain h(t) - D / tau, h = max(1 - X_I, 0) the missing share of
    the interneurons' NMDA-receptor activation X_I (relative to rest). D
    stands for the NADPH-oxidase superoxide that ketamine raises in
    interneurons and that removes their PV/GAD67 phenotype (Behrens et al.
    2007, Science 318:1645, abstract); its readout is the phenotype
    1 / (1 + D). While the adolescent critical period is open, D also
    withholds the maturation of E->I synapses (formation x 1 / (1 + D)).
    """

    # Damage per day of full NMDA-receptor hypofunction. Calibrated
    # (experiments/adolescent_vulnerability/calibrate.py, reduced circuit,
    # seed 1: 18.33) so that an adult mouse given 30 mg/kg i.p. on 2
    # consecutive days has half of its PV phenotype 24 h after the second
    # dose: two doses gave "a pronounced decrease" of PV and GAD67, one
    # none (Behrens et al. 2008, J Neurosci 28:13957, results text; the %
    # values are plotted only, not readable here: "half" is the
    # calibration choice).
    gain_per_s: Quantity(RATE, ge="0 /d", le="1000 /d") = Field("18.3 /d", alias="gain")
    # Recovery: "a slow increase ... at 3 d after the second ketamine
    # injection" (ibid., Fig. 1 legend) and values "remained significantly
    # below saline controls 10 d after the last ketamine injection" (ibid.,
    # results text), read as P <= 0.85 at 10 d (two s.d. of the saline
    # group, PV 160.6 +- 13.3): 20.8 d (calibrate.py).
    tau_s: Quantity(TIME, gt="0 s", le="3650 d") = Field("20.8 d", alias="tau")

    @property
    def gain_per_d(self) -> float:
        return self.gain_per_s * _DAY_S

    @property
    def tau_d(self) -> float:
        return self.tau_s / _DAY_S


class InterneuronWiringConfig(ConfigModel):
    """E->I synapses as agents (circuitsim.plasticity.wiring), whose volumes set the circuit's E->I weights.

    A pool of potential E->I synapses (slots) run by the spine kernel with
    its own rules (`synapses`). In an adult they turn over as slowly as
    adult spines and are stable. In an adolescent (``plasticity.age``) they
    start below the adult number and mature towards it while the critical
    period is open (c(t) of ``plasticity.age``), on a clock that runs
    1 + (maturation_speed - 1) c(t) times as fast; their formation needs
    the interneurons' own NMDA-receptor activation X_I,
    g = 1 - nmda_dependence c(t) (1 - min(X_I, 1)), and is withheld by the
    damage D (x 1 / (1 + D)). What is missing when the period closes stays
    missing for as long as adult turnover takes to refill it.
    """

    # Turnover and sizes of the E->I synapses: the adult spine kernel's
    # defaults (about 5 % of synapses turned over in 2 weeks, Zuo et al.
    # 2005, Neuron 46:181, adult cortex; no turnover of E->PV synapses could
    # be read: model choice). Its ``slots_per_synapse``: potential E->I
    # synapses per synapse of the calibrated circuit.
    synapses: SpineConfig = SpineConfig()
    # E->I synapses at the opening of the period (P28 in the packaged
    # experiment) over the adult number. Glutamatergic drive onto
    # PV/fast-spiking cells is low at P25-35 and adult-like by P45-55 (rat,
    # Caballero et al. 2014, Brain Struct Funct 219:395, abstract; the
    # values are not readable): 0.6 is a model choice.
    juvenile_fraction: float = Field(0.6, gt=0.0, le=1.0)
    # How much faster the clock of the E->I synapses runs at the opening of
    # the period. Calibrated (experiments/adolescent_vulnerability/calibrate.py)
    # so that the vehicle's E->I synapses are within 5 % of the adult number
    # 27 days after P28 (P55, "adult-like by P45-55", Caballero et al. 2014):
    # 12.9 (reduced circuit, seed 1).
    maturation_speed: float = Field(12.9, ge=1.0, le=1000.0)
    # Share of formation that needs the interneurons' NMDA receptors while
    # the period is open: "In juvenile animals, most (73%) of the FS cells
    # demonstrated both AMPA and NMDA currents" (Wang & Gao 2009,
    # Neuropsychopharmacology, doi:10.1038/npp.2009.20, abstract).
    nmda_dependence: float = Field(0.73, ge=0.0, le=1.0)
    # The damage process; null: none.
    damage: InterneuronDamageConfig | None = InterneuronDamageConfig()
