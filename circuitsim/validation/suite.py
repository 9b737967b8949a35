"""``circuitsim validate``: SCIENCE.md's signatures, each measured from results files.

The suite runs fourteen experiments (packaged configs) and measures every
signature from the files they write (epochs, binned traces, the timeline,
the slow stage), never from the engine's internals:

=====================  ==============================  ==============================
experiment             config                          signatures
=====================  ==============================  ==============================
wash-in                ``default``, the calibration    1 inverted U, 2 interneurons
                       protocol (0.8 and 10 uM)        first, occupancy potency
enantiomers            ``enantiomers``                 6 S- vs R-ketamine potency
nasal esketamine       ``esketamine_nasal``            6 exposure scaled by F
human i.v. bolus       ``clinical_infusion``, 10 mg    6 plasma at 2 min
                       i.v. bolus, 1 h
rat dose series        ``rodent_ip`` at 10, 20, 30,    1 glutamate over 0-2 h against
                       50, 200 mg/kg, 3 h              Moghaddam et al. 1997
clinical infusion      ``clinical_infusion``           7 dissociation, dopamine track
                                                       concentration (minutes)
stress and rescue      ``stress_ketamine_7d`` as a     3 hit and run, 4 blockers,
                       mouse study (10 mg/kg i.p., 7   5 stress then rescue (its share
                       days; arms, without its NBQX    at 24 h, where it lands), 7
                       arm)                            spines track the cascade, 18
                                                       formation windows
single-dose imaging    ``phoumthipphavong_2016``       18 imaged turnover against the
                                                       released data
repeated-dose imaging  ``pryazhnikov_2018``            18 formation windows of 5 doses
adolescent             ``adolescent_ketamine``         19 E->PV synapses, IPSC
vulnerability                                          frequency and excitability in
                                                       adulthood; the adult arm
=====================  ==============================  ==============================

Every row has a kind (:mod:`circuitsim.validation.kinds`): ``constructed``,
``calibrated`` or ``predicted``; only the predicted rows test the model, and
the exit status of ``circuitsim validate`` follows them alone
(:func:`exit_status`).

The NBQX arm of ``stress_ketamine_7d`` (an 11-h human NBQX infusion that no
study ran) is left out of the suite: its rows would count a model
extrapolation as a confirmation of Maeng et al. 2008.

Scale. By default the circuit is reduced to 1000 pyramidal cells and 250
interneurons with connection probabilities scaled up (x4) so that every
neuron keeps the calibrated circuit's number of inputs (400 from each
population; the VTA's cortical input likewise): "reduced but faithful".
``full=True`` runs the configs as they are (4000 + 1000 cells) over 5 seeds;
a signature passes only if it passes for every seed.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ..analysis.calibration import REDUCED_CIRCUIT, calibration_protocol
from ..analysis.signatures import Signature
from ..config.schema import Config
from ..io.read import Results, read_results
from . import imaging as I
from . import measures as M
from .kinds import KINDS, classify


@dataclass(frozen=True)
class Experiment:
    """One run of the suite: a packaged config, extra overrides, the measures it feeds."""

    name: str
    config: str
    overrides: tuple[str, ...]
    measure: Callable[[Results], list[Signature]]
    #: Arms (``plasticity.arms``, by name) left out of the run.
    drop_arms: tuple[str, ...] = ()

    def config_for(self, sets: list[str]) -> Config:
        """The experiment's config with `sets` applied and its dropped arms removed."""
        from ..config import load_config

        cfg = load_config(self.config, sets)
        if not self.drop_arms:
            return cfg
        missing = set(self.drop_arms) - {a.name for a in cfg.plasticity.arms}
        if missing:
            raise ValueError(f"validation experiment {self.name!r}: no arm named {sorted(missing)}")
        arms = [a for a in cfg.plasticity.arms if a.name not in self.drop_arms]
        return cfg.model_copy(update={"plasticity": cfg.plasticity.model_copy(update={"arms": arms})})


def _wash_in(res: Results) -> list[Signature]:
    return M.inverted_u(res) + M.interneurons_first(res) + M.occupancy_potency(res)


def rat_dose(dose_mg_kg: float) -> tuple[str, ...]:
    """Overrides of ``rodent_ip`` for one dose of the rat series: 3 h at 1-min steps, the VTA off."""
    return (f"dosing.doses.0.amount={dose_mg_kg:g} mg/kg", "timeline.horizon=3 h", "timeline.dt=1 min",
            "timeline.monitoring=2 h", "circuit.vta.enabled=false", f"output.name=rat_ip_{dose_mg_kg:g}")


#: The stress experiment as the rodent studies ran it (Li et al. 2010, Autry et al. 2011,
#: Moda-Sava et al. 2019): mouse, 10 mg/kg i.p.; 7 days after the dose.
MOUSE_RESCUE = ("dosing.species=mouse",
                "dosing.doses=[{amount: 10 mg/kg, route: intraperitoneal, drug: racemic}]",
                "plasticity.days_after=7 d", "output.name=stress_rescue_mouse")


def _stress_rescue(res: Results) -> list[Signature]:
    return M.days_signatures(res) + I.formation_windows(res)


#: A 10 mg racemic i.v. bolus (70 kg), the first hour at 1-min steps.
HUMAN_BOLUS = ("dosing.doses=[{amount: 10 mg, route: iv_bolus, drug: racemic}]", "timeline.horizon=1 h",
               "timeline.dt=1 min", "timeline.monitoring=1 h", "circuit.vta.enabled=false",
               "output.name=human_bolus")


EXPERIMENTS = (
    Experiment("wash-in", "default", (*calibration_protocol(), "output.figures=false"), _wash_in),
    Experiment("enantiomers", "enantiomers", ("output.figures=false",), M.enantiomer_potency),
    Experiment("nasal esketamine", "esketamine_nasal", ("output.figures=false",), M.nasal_bioavailability),
    Experiment("human i.v. bolus", "clinical_infusion", ("output.figures=false", *HUMAN_BOLUS), M.human_bolus),
    Experiment("clinical infusion", "clinical_infusion", ("output.figures=false",), M.dissociation_tracks),
    *(Experiment(f"rat {dose:g} mg/kg i.p.", "rodent_ip", ("output.figures=false", *rat_dose(dose)), M.rat_dose_series)
      for dose in M.MOGHADDAM_DIRECTIONS),
    Experiment("stress and rescue", "stress_ketamine_7d", ("output.figures=false", "circuit.vta.enabled=false",
                                                           *MOUSE_RESCUE),
               _stress_rescue, drop_arms=("+ NBQX",)),
    Experiment("single-dose imaging", "phoumthipphavong_2016", ("output.figures=false", "circuit.vta.enabled=false"),
               I.single_dose_imaging),
    Experiment("repeated-dose imaging", "pryazhnikov_2018", ("output.figures=false", "circuit.vta.enabled=false"),
               I.repeated_dose_windows),
    Experiment("adolescent vulnerability", "adolescent_ketamine", ("output.figures=false", "circuit.vta.enabled=false"),
               M.adolescence),
)


@dataclass
class Row:
    """One signature over the seeds run: every value, the band, source, kind and verdict."""

    name: str
    values: list[float]
    unit: str
    target: str
    source: str
    passed: bool
    kind: str = "predicted"
    #: Why the row has its kind (:data:`circuitsim.validation.kinds.KIND_RULES`).
    basis: str = ""
    seeds: list[int] = field(default_factory=list)


def run_validation(out_dir: str | os.PathLike, *, full: bool = False, seeds: tuple[int, ...] | None = None,
                   experiments: tuple[Experiment, ...] = EXPERIMENTS,
                   report: Callable[[str], None] | None = None) -> list[Row]:
    """Run the suite into `out_dir` (one folder per seed) and measure every signature from the files.

    Parameters
    ----------
    out_dir : path
        Where the results files go (``seed-<n>/<config>.h5``).
    full : bool
        Default scale (the configs as they are) instead of the reduced circuit.
    seeds : tuple of int, optional
        Default ``(1,)``, or ``(1, 2, 3, 4, 5)`` with `full`.
    report : callable, optional
        Called with a line of text before each run.
    """
    from ..runner import run_experiment

    seeds = seeds or ((1, 2, 3, 4, 5) if full else (1,))
    rows: dict[str, Row] = {}
    for seed in seeds:
        folder = Path(out_dir) / f"seed-{seed}"
        for exp in experiments:
            # Reduced: a quarter of the cells at four times the connection
            # probability, so every neuron keeps its number of inputs.
            sets = [*([] if full else REDUCED_CIRCUIT), *exp.overrides, f"seed={seed}"]
            if report is not None:
                report(f"seed {seed}: {exp.name} ({exp.config}{'' if full else ', reduced circuit'})")
            path = run_experiment(exp.config_for(sets), folder, progress=False, figures=False)
            for s in exp.measure(read_results(path)):
                if s.name not in rows:
                    rule = classify(s.name)
                    rows[s.name] = Row(s.name, [], s.unit, s.target, s.source, True, rule.kind, rule.basis)
                row = rows[s.name]
                row.values.append(float(s.measured))
                row.seeds.append(seed)
                row.passed = row.passed and bool(s.passed)
    return list(rows.values())


def format_table(rows: list[Row]) -> str:
    """The validation table and the counts per kind.

    Measured: the value (one seed), or mean +- SD over the seeds (sample SD)
    with the range.
    """
    head = f"{'kind':<11} {'signature':<62} {'measured':>26} {'unit':<16} {'target':<22} {'result':<6} source"
    lines = [head]
    for r in rows:
        v = np.asarray(r.values, float)
        measured = (f"{v.mean():.3g}" if v.size == 1 else
                    f"{v.mean():.3g} +- {v.std(ddof=1):.2g} ({v.min():.3g} to {v.max():.3g})")
        lines.append(f"{r.kind:<11} {r.name[:62]:<62} {measured:>26} {r.unit[:16]:<16} {r.target[:22]:<22} "
                     f"{'pass' if r.passed else 'FAIL':<6} {r.source}")
    lines.append("")
    for kind in KINDS:
        of_kind = [r for r in rows if r.kind == kind]
        lines.append(f"{kind}: {sum(r.passed for r in of_kind)} of {len(of_kind)} pass")
    n_pass = sum(r.passed for r in rows)
    lines.append(f"{n_pass} of {len(rows)} signatures pass; the exit status follows the "
                 f"{sum(r.kind == 'predicted' for r in rows)} predicted rows")
    return "\n".join(lines)


def exit_status(rows: list[Row]) -> int:
    """0 if there are predicted rows and every one passes, else 1 (calibrated and constructed rows do not count)."""
    predicted = [r for r in rows if r.kind == "predicted"]
    return 0 if predicted and all(r.passed for r in predicted) else 1
