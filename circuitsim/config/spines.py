"""Config of the spine agents: turnover, growth and site memory of the slots of a pool.

Used by ``plasticity.spines`` (the E->E spines) and by
``plasticity.interneuron_wiring.synapses`` (the E->I synapses, the same
kernel family). Units as everywhere: strings with units in YAML, SI-named
floats once loaded.
"""

from __future__ import annotations

from pydantic import Field

from .base import ConfigModel
from .fields import Quantity
from .units import RATE, TIME

_DAY_S = 86400.0


class SpineConfig(ConfigModel):
    """Spine agents on every potential E->E synapse (circuitsim.plasticity.spines).

    Volumes are relative to the healthy mean spine target (1); time in days.
    """

    # Slots per synapse of the calibrated circuit: the pool of potential
    # synapses is this many times circuit.e_to_e.p. 2 leaves room for the
    # spine gain after ketamine and bounds the cost of the Brian2 synapses
    # built over the pool (a calibration choice; cortical "filling
    # fractions" of potential synapses are ~0.1-0.3, Stepanyants et al.
    # 2002, Neuron 34:275, which would make the pool 3-10x larger).
    slots_per_synapse: float = Field(2.0, ge=1.0, le=10.0)
    # Formation rate per empty slot at rest, /day: with the elimination
    # below it gives ~55 % occupancy and a turnover of ~1.5 % of spines per
    # day (formed = eliminated), within the few % per day of adult mouse
    # cortex (Holtmaat et al. 2005, Neuron 45:279; Zuo et al. 2005, Nature
    # 436:261). Calibration choice. Held in 1/s, as every RATE
    # (``k_form_per_d`` gives it per day).
    k_form_per_s: Quantity(RATE, gt="0 /d", le="1000 /d") = Field("0.02 /d", alias="k_form")
    # Formation x max(1 + gain (synaptic protein - 1), 0): "formation rate
    # grows with the neuron's synaptic protein" (issue 4). Calibrated so that
    # the protein rise after a dose gives the spine gain at 24 h
    # (docs/plasticity.md).
    protein_formation_gain: float = Field(10.0, ge=0, le=1000)
    # Elimination hazard of a spine of volume 0, /day; it falls as
    # v_half / (v + v_half): small new spines (0.3) are lost at ~0.27 /d,
    # most within days (transient spines live <= 4 days, Holtmaat 2005).
    # Held in 1/s (``k_elim_per_d`` gives it per day).
    k_elim_per_s: Quantity(RATE, gt="0 /d", le="1000 /d") = Field("0.6 /d", alias="k_elim")
    v_half: float = Field(0.25, gt=0, le=10)
    # Stable (persistent) spines: hazard x 0.03, ~0.4 %/day at volume 1
    # (3-5 % of spines turned over in 2 weeks in adult cortex, Zuo 2005).
    stable_factor: float = Field(0.03, gt=0, le=1)
    # A spine becomes stable when at least t_stable old and v_stable large
    # (new spines that survive ~4 days persist, Holtmaat 2005; calibration
    # choice for the volume).
    t_stable_s: Quantity(TIME, ge="0 s", le="36500 d") = Field("4 d", alias="t_stable")
    v_stable: float = Field(0.7, ge=0, le=10)
    # New spines are small (thin spines/filopodia, about a third of mature
    # volume) and grow towards their target over about a day (Knott et al.
    # 2006, Nat Neurosci 9:1117: new spines bear synapses after 15-19 h).
    v_new: float = Field(0.3, gt=0, le=10)
    tau_volume_s: Quantity(TIME, gt="0 s", le="365 d") = Field("12 h", alias="tau_volume")
    # Log-normal spread of spine sizes (s.d. of log volume; spine head
    # volumes are log-normal, Loewenstein et al. 2011, J Neurosci 31:9481).
    sigma_size: float = Field(0.5, ge=0, le=3)
    # Target volume x (1 + gain (synaptic protein - 1)): more PSD proteins,
    # larger spines (calibration choice).
    protein_volume_gain: float = Field(0.5, ge=0, le=10)
    # Stress: elimination x (1 + gain S), target volume / (1 + gain S), with
    # S the neuron's stress level (calibration: 21 days give the -16 %
    # apical spine density and smaller spines of Radley et al. 2004/2008).
    stress_elimination_gain: float = Field(4.0, ge=0, le=100)
    stress_shrink_gain: float = Field(0.3, ge=0, le=100)
    # Steady state before anything happens: the pool is grown from empty
    # at rest for this long (stable spines turn over in ~250 days).
    burn_in_s: Quantity(TIME, gt="0 s", le="36500 d") = Field("400 d", alias="burn_in")
    # Numerical choice: after a burn-in in 1-d steps, 7 days at rest in the
    # experiment's 2-h steps moved the density by at most 0.06 % (default
    # circuit, seed 1; docs/model.md, "The slow stage").
    burn_in_step_s: Quantity(TIME, gt="0 s", le="365 d") = Field("1 d", alias="burn_in_step")
    # Site memory (issue 18, item 4): a slot that lost a spine is taken by a
    # new spine with weight 1 + site_bias exp(-(time since the loss) /
    # site_memory) against 1 for any other empty slot. Model choice, not a
    # measured number: Moda-Sava et al. 2019 (abstract) say ketamine
    # "selectively rescu[es] eliminated spines" but give no distance or time
    # that could be read here; 0 (the default) switches it off.
    site_bias: float = Field(0.0, ge=0, le=100)
    site_memory_s: Quantity(TIME, gt="0 s", le="3650 d") = Field("30 d", alias="site_memory")

    @property
    def k_form_per_d(self) -> float:
        """Formation rate per empty slot at rest, per day."""
        return self.k_form_per_s * _DAY_S

    @property
    def site_memory_d(self) -> float:
        """How long a slot remembers a lost spine (e-folding), days."""
        return self.site_memory_s / _DAY_S

    @property
    def k_elim_per_d(self) -> float:
        """Elimination hazard of a spine of volume 0, per day."""
        return self.k_elim_per_s * _DAY_S
