"""What each validation row can tell: constructed, calibrated or predicted.

A row that passes says little unless one knows why it could pass:

``constructed``
    True by the model's structure: it checks the code, not the science
    (the potency ratio of the enantiomers is the ratio of the affinities
    the model was given).
``calibrated``
    A parameter was fitted to it: it checks that the fit still holds.
``predicted``
    Nothing was fitted to it: the only rows that test the model.

:data:`KIND_RULES` gives, for every signature the suite measures, its kind
and the reason (for a calibrated row: the parameter fitted to it; for a
constructed row: the structure that makes it true; for a predicted row:
what the band comes from, and ``direction only`` where the source that
could be read gives no size). :func:`classify` applies them; a signature no
rule names is an error, so a new row cannot enter the table without a kind.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

KINDS = ("predicted", "calibrated", "constructed")


@dataclass(frozen=True)
class KindRule:
    """Signatures whose name matches `pattern` (``re.search``) are of `kind`, for `basis`."""

    pattern: str
    kind: str
    basis: str


KIND_RULES: tuple[KindRule, ...] = (
    # ---- the circuit at fixed concentrations (docs/calibration.md)
    KindRule(r"^1 inverted U: .*sub-anaesthetic", "calibrated",
             "circuit conductances (e_to_i, i_to_e, external NMDA) fitted to pyramidal >= +40 % and "
             "glutamate >= +30 % at 0.8 uM (docs/calibration.md); glutamate equals the pyramidal rate "
             "in steady state by construction (network/glutamate.py)"),
    KindRule(r"^1 inverted U: .*anaesthetic", "calibrated",
             "external pyramidal NMDA and adaptation b_w fitted to 'below baseline at 10 uM' "
             "(docs/calibration.md)"),
    KindRule(r"^2 interneurons first", "calibrated",
             "a calibration target (docs/calibration.md); the wash-in time constant was chosen so that "
             "the order holds (docs/model.md, protocol.wash_tau)"),
    KindRule(r"^1 unbound plasma ketamine at half pyramidal NMDA block", "predicted",
             "IC50 from recombinant receptors in vitro (Kotermanski & Johnson 2009) through the "
             "plasma-equivalent convention and human fu; nothing fitted to the in-vivo occupancy. "
             "Band: the 95 % CI of Shaffer et al. 2014 (rat, abstract read)"),
    KindRule(r"^1 rat dose series: .* after 200 mg/kg", "calibrated",
             "the circuit was fitted to fall below baseline at anaesthetic concentrations, a target taken "
             "from this dose (docs/calibration.md)"),
    KindRule(r"^1 rat dose series", "predicted",
             "nothing fitted to the dose series; rat PK preset scaled from the human one (not fitted to "
             "rat data, docs/pharmacokinetics.md). Direction only: Moghaddam et al. 1997 (abstract read); "
             "+-10 % counts as no change (model choice)"),
    # ---- exposure
    KindRule(r"^6 S- vs R-ketamine potency", "constructed",
             "the ratio of the affinities given (ki_r / ki_s = 1.4 / 0.3; one site, Hill law on the "
             "combined occupancy): checks that they reach the recorded block intact"),
    KindRule(r"^6 intranasal exposure", "constructed",
             "F is an input of the PK (dosing bioavailability); checks that the solver conserves it"),
    KindRule(r"^6 human plasma .* after 10 mg i\.v\.", "predicted",
             "human preset: CL, Vss from Kamp et al. 2020, V1 fitted to the 185 ng/mL infusion peak "
             "(Zarate 2006); nothing fitted to a bolus. Band: geometric mean x/÷ GSD^(2/sqrt(n))"),
    KindRule(r"hit and run: plasma below 5 %", "constructed",
             "the PK alone (terminal half-life from the preset's CL and volumes)"),
    # ---- minutes to hours
    KindRule(r"^7 dissociation: peak lag", "constructed",
             "dissociation is a function of the effect-site concentration (ke0 half-life 1 min)"),
    KindRule(r"^7 dissociation: below 10 %", "calibrated",
             "pharmacology.dissociation.hill_n: the smallest integer that passes this row"),
    KindRule(r"^7 dopamine: peak lag", "constructed",
             "the circuit is sampled at each effective concentration (adiabatic coupling, "
             "docs/timeline.md), and the dopamine response rises with concentration at clinical levels"),
    # ---- days
    KindRule(r"hit and run: spines at day .* above the dose", "calibrated",
             "with the spine preset, the spinogenic program's decay (tau_decay 3 d) was chosen so that density "
             "stays up for up to 2 weeks, Phoumthipphavong et al. 2016's statement this row checks "
             "(docs/plasticity.md, Persistence); its size could not be read"),
    KindRule(r"spine increase at 24 h \(over vehicle\)", "calibrated",
             "plasticity.spinogenesis.gain (preset mouse_frontal_imaged) fitted to the 5 rescue share "
             "at 24 h, of which this rise is the numerator"),
    KindRule(r": abolishes the 24-h increase", "constructed",
             "the intervention removes a node on the only path from the surge to spine formation"),
    KindRule(r": glutamate surge intact", "constructed",
             "the intervention acts downstream of the circuit, and nothing feeds back within hours"),
    KindRule(r": raises spines without the drug", "constructed",
             "the eEF2 kinase inhibitor acts on the node through which the drug raises synaptic protein"),
    KindRule(r"^5 stress: spine density lost", "calibrated",
             "plasticity.spines.stress_elimination_gain (0.43 in the preset mouse_frontal_imaged) fitted to "
             "-16 % after 21 days (Radley et al. 2004; experiments/calibration/stress_loss.py)"),
    KindRule(r"^5 rescue: 24-h gain on stressed minus unstressed", "predicted",
             "nothing fitted to it. Direction only: Moda-Sava et al. 2019 (abstract read: the rescue "
             "restores the spines stress removed; no size read)"),
    KindRule(r"^5 rescue share: ", "calibrated",
             "plasticity.spinogenesis.gain (34 in the preset) fitted to half of the loss at 24 h "
             "(experiments/calibration/rescue.py, default circuit, seed 1)"),
    KindRule(r"^5 rescue sites: ", "constructed",
             "plasticity.spines.site_bias > 0 (a model choice, preset mouse_frontal_imaged) makes new "
             "spines prefer slots that lost a spine: enrichment above chance is built in, its size "
             "follows from the bias and the memory. Moda-Sava et al. 2019 (abstract read: selective)"),
    KindRule(r"^7 spines track the cascade", "predicted",
             "nothing fitted to it (cascade time constants from their own sources, docs/plasticity.md). "
             "Direction only: Li et al. 2010 (abstract read: synaptic proteins first, spines by 24 h)"),
    # ---- the lasting mark (issue 18)
    KindRule(r"^18 formation window: ", "calibrated",
             "the spinogenic program's time constants (tau_rise 12 h, tau_decay 3 d) were chosen for these "
             "windows (plasticity.spinogenesis, docs/plasticity.md)"),
    KindRule(r"^18 repeated doses: elimination", "predicted",
             "nothing fitted to it: elimination is not a term of the spinogenic program (formation only), "
             "the spine rates are calibrated on the saline turnover. Pryazhnikov et al. 2018 (abstract)"),
    KindRule(r"^18 repeated doses: ", "calibrated",
             "the spinogenic program's time constants were chosen for the published windows, this one "
             "among them (docs/plasticity.md)"),
    KindRule(r"^18 imaging: spine density at day", "calibrated",
             "the spinogenic program's decay (tau_decay 3 d) was chosen so that density stays up for up to "
             "2 weeks, the abstract's statement this row checks"),
    KindRule(r"^18 imaging: ", "predicted",
             "nothing fitted to the drug group: the spine rates are calibrated on the saline turnover, the "
             "program's gain on the stress rescue; bands from the released per-dendrite data (mean +- 2 SE, "
             "experiments/imaging_schedule/released_data.py) or the abstract's direction"),
    # ---- adolescent vulnerability (issue 19)
    KindRule(r"^19 adolescence: ", "predicted",
             "nothing fitted to the adolescent results: the damage's gain and recovery on adult mice given two "
             "doses (Behrens et al. 2008), the maturation speed on the vehicle's course (Caballero et al. "
             "2014), the NMDA dependence from Wang & Gao 2009 (experiments/adolescent_vulnerability/"
             "calibrate.py). Direction only: the papers' sizes could not be read (legends, abstracts)"),
    KindRule(r"^19 adult exposure: ", "constructed",
             "adult E->I synapses are stable by construction (no open critical period: no maturation for the "
             "NMDA gate or the damage to withhold); the PV phenotype the damage lowers is a readout, not fed "
             "to the circuit"),
)


def classify(name: str) -> KindRule:
    """The rule of the signature called `name` (the first that matches).

    Raises
    ------
    ValueError
        If no rule names it: every row of the table needs a kind.
    """
    for rule in KIND_RULES:
        if re.search(rule.pattern, name):
            return rule
    raise ValueError(f"validation row {name!r} has no kind: add a rule to circuitsim.validation.kinds.KIND_RULES")
