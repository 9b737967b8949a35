"""The arms of a plasticity experiment: the same experiment with an arm's overrides, and its role.

Each arm (``plasticity.arms``) is the experiment without its arms, with the
arm's ``set`` overrides applied; it runs the whole slow stage with its
circuit sampled at the dose and at the end only. Its role (control,
vehicle, blocker, mimic) comes from its config (:func:`arm_role`) and tells
the signatures what to compare it with.
"""

from __future__ import annotations

from dataclasses import replace

from ..config import config_from_dict, drugs
from ..config.schema import Config
from ..errors import UserInputError
from ..network.sample import ProgressFn
from .slow import DaysResult, ExperimentCache, run_days


def arm_role(config) -> tuple[str, tuple[str, ...]]:
    """The role of an arm from its config, and the blockers it carries.

    Returns
    -------
    (role, blockers)
        role: ``control``, ``vehicle``, ``blocker``, ``mimic`` or ``other``;
        blockers: intervention kinds, plus ``nbqx`` for an NBQX dose.
    """
    doses = config.dosing.doses if config.dosing is not None else []
    # Any positive body weight: only whether an amount is zero matters here.
    ketamine = any(not drugs.is_nbqx(d.drug) and d.amount_mg(1.0) > 0 for d in doses)
    nbqx = any(drugs.is_nbqx(d.drug) and d.amount_mg(1.0) > 0 for d in doses)
    plast = config.plasticity
    kinds = tuple(sorted({i.kind for i in plast.interventions if i.inhibition > 0}))
    blockers = kinds + (("nbqx",) if nbqx else ())
    stress = plast.stress is not None
    if not ketamine and not blockers:
        return ("vehicle" if stress else "control"), ()
    if not ketamine and kinds == ("eef2k_inhibitor",) and not nbqx:
        return "mimic", blockers
    if ketamine and blockers:
        return "blocker", blockers
    return "other", blockers



def arm_configs(config: Config) -> dict[str, Config]:
    """The config of each arm: the experiment without its arms, with the arm's overrides.

    Raises
    ------
    UserInputError
        Naming the arm (``plasticity.arms.<k>``) and the bad override.
    """
    out = {}
    for k, arm in enumerate(config.plasticity.arms):
        data = config.model_dump(mode="json", by_alias=True)  # YAML keys, as the overrides name them
        data["plasticity"]["arms"] = []
        try:
            out[arm.name] = config_from_dict(data, arm.set)
        except UserInputError as exc:
            raise UserInputError(f"plasticity.arms.{k}.set ({arm.name}): {exc}") from None
        if out[arm.name].dosing is None:
            raise UserInputError(f"plasticity.arms.{k}.set ({arm.name}): an arm needs a dosing section")
    return out


def run_arms(config: Config, progress: ProgressFn | None = None,
             cache: ExperimentCache | None = None) -> dict[str, DaysResult]:
    """Every arm of `config`, each with its circuit sampled at the dose and at the end only.

    With ``plasticity.circuit_probe`` or ``plasticity.interneuron_wiring``,
    every ``plasticity.sample_every`` as the experiment (their readouts are
    compared over days).

    `cache`: the experiment's (:class:`~circuitsim.engine.slow.ExperimentCache`),
    so that arms share the healthy pool and the stress history with it.
    """
    own = cache is None
    cache = ExperimentCache() if own else cache
    out = {}
    try:
        for name, cfg in arm_configs(config).items():
            once = cfg  # with the circuit probe or E->I agents: sampled as the experiment (every sample_every)
            if cfg.plasticity.circuit_probe is None and cfg.plasticity.interneuron_wiring is None:
                once = cfg.model_copy(update={"plasticity": cfg.plasticity.model_copy(
                    update={"sample_every_s": cfg.plasticity.days_after_s})})
            role, blockers = arm_role(cfg)
            out[name] = replace(run_days(once, progress, with_timeline=False, cache=cache),
                                role=role, blockers=blockers)
    finally:
        if own:
            cache.close()
    return out
