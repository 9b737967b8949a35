"""Pharmacokinetics: from a dosing schedule to plasma and brain concentrations.

The model (per enantiomer; racemic ketamine is half S, half R)::

    depot       dA_d/dt = -ka A_d                                    (extravascular doses)
    central     dA_1/dt =  ka A_d + r(t) - (CL + Q) A_1 / V1 + Q A_2 / V2
    peripheral  dA_2/dt =  Q A_1 / V1 - Q A_2 / V2
    effect site dC_e/dt =  ke0 (A_1 / V1 - C_e)

    plasma C_p = A_1 / V1;  brain C_b = K_b C_e;  brain tissue = K_t C_b

An extravascular dose D puts F D into the depot; an i.v. bolus puts D into the
central compartment; an i.v. infusion adds r = D / T to the central
compartment for its duration T. The unabsorbed fraction (1 - F) never enters.

Solution. The system is linear with constant coefficients, dx/dt = A x + b r,
and A has four real, negative, distinct eigenvalues -ka, -alpha, -beta, -ke0
(alpha, beta are the distribution and terminal rates of the two-compartment
disposition). With A = -V diag(lambda) V^-1 every dose contributes, at a time
tau after it starts,

    bolus x0:      x(tau) = V [exp(-lambda tau) * V^-1 x0]
    infusion r, T: x(tau) = V [(1 - exp(-lambda min(tau, T))) / lambda
                               * exp(-lambda max(tau - T, 0)) * V^-1 b r]

and the doses add (linear PK). This is exact (no time step), stiff-safe (only
decaying exponentials are evaluated, with ``expm1`` near zero) and vectorised
over the time grid, so weeks of twice-weekly dosing evaluate in milliseconds.
If ka or ke0 coincides with another eigenvalue (a defective matrix), it is
moved apart by a relative 1e-6, which changes concentrations by about 1e-6.

Units: amounts in mg, volumes in L, clearances in L/h, times in h inside this
module; concentrations are returned in ng/mL (1 mg/L = 1000 ng/mL) and uM
(ketamine base, MW 237.7 g/mol: 1 uM = 237.7 ng/mL). Dose amounts are taken
as given ("0.5 mg/kg" means 0.5 mg of drug per kg); the human preset
reproduces the published figures with the doses as quoted by their authors.

Volumes and clearances scale linearly with body weight from each species'
reference weight (70 kg for humans: the "per 70 kg" figures of Kamp et al.
2020); rate constants therefore do not depend on body weight.

The parameter models are in :mod:`circuitsim.config.compound` (derived
quantities in :mod:`circuitsim.pharmacology.parameters`), the species and
drug presets in :mod:`circuitsim.pharmacology.presets`, read from the drug
files of :mod:`circuitsim.config.drugs` (the
derivation of every preset number, and the figures the human preset
produces, are in docs/pharmacokinetics.md), the schedules in
:mod:`circuitsim.pharmacology.schedules`.

The enantiomers' competition at the NMDA receptor (pharmacodynamics) is in
:mod:`circuitsim.pharmacology.pd`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..config import drugs
from ..config.compound import CompoundPK, SpeciesPK
from ..config.dosing import INTRAVENOUS, Dose
from ..config.drugs import Drug
from ..errors import UserInputError
from .exposure import ComponentExposure, PKResult, frozen
from .parameters import Disposition, Enantiomer, resolve_body_weight, route_absorption
from .presets import ENANTIOMER_FRACTIONS, nbqx_pk, species_pk
from .schedules import Schedule, as_schedule


# --------------------------------------------------------------------- disposition
def disposition(
    species: str | CompoundPK = "human",
    body_weight_kg: float | None = None,
    enantiomer: Enantiomer | None = None,
) -> Disposition:
    """The disposition of `enantiomer` (None: racemic ketamine as a whole).

    Volumes and clearances scale linearly with body weight from the species'
    reference weight.
    """
    sp = species_pk(species)
    scale = resolve_body_weight(sp, body_weight_kg) / sp.reference_weight_kg
    if enantiomer is None:
        cl = sp.cl_l_per_h
    elif enantiomer in ("S", "R") and isinstance(sp, SpeciesPK):
        cl = sp.enantiomer_clearances_l_per_h()[0 if enantiomer == "S" else 1]
    else:
        raise UserInputError(f"enantiomer: expected 'S', 'R' or None, got {enantiomer!r}")
    return Disposition(cl * scale, sp.v1_l * scale, sp.q_l_per_h * scale, sp.v2_l * scale)


# ----------------------------------------------------------------- closed form
@dataclass(frozen=True)
class _Modes:
    """A = -V diag(rates) V^-1 for the state (depot mg, central mg, peripheral mg, C_e mg/L)."""

    rates: np.ndarray
    v: np.ndarray
    v_inv: np.ndarray


_SEPARATION = 1e-6


def _apart(rate: float, others: Iterable[float]) -> float:
    """`rate`, moved up by relative steps of 1e-6 until no other eigenvalue is that close."""
    others = tuple(others)
    for _ in range(16):
        if all(abs(rate - o) > _SEPARATION * max(rate, o) for o in others):
            return rate
        rate *= 1.0 + 2.0 * _SEPARATION
    return rate


def _system_matrix(d: Disposition, ka_per_h: float, ke0_per_h: float) -> np.ndarray:
    k10, k12, k21 = d.cl_l_per_h / d.v1_l, d.q_l_per_h / d.v1_l, d.q_l_per_h / d.v2_l
    return np.array([
        [-ka_per_h, 0.0, 0.0, 0.0],
        [ka_per_h, -(k10 + k12), k21, 0.0],
        [0.0, k12, -k21, 0.0],
        [0.0, ke0_per_h / d.v1_l, 0.0, -ke0_per_h],
    ])


def _modes(d: Disposition, ka_per_h: float, ke0_per_h: float) -> _Modes:
    alpha, beta = d.rates_per_h()
    ke0 = _apart(ke0_per_h, (alpha, beta))
    ka = _apart(ka_per_h, (alpha, beta, ke0))
    eigval, v = np.linalg.eig(_system_matrix(d, ka, ke0))
    if np.max(np.abs(np.imag(eigval))) > 1e-9 * np.max(np.abs(eigval)):
        raise RuntimeError("two-compartment system matrix has complex eigenvalues")  # cannot happen
    v = np.real(v)
    return _Modes(rates=-np.real(eigval), v=v, v_inv=np.linalg.inv(v))


def _add_bolus_response(out: np.ndarray, m: _Modes, x0: np.ndarray, tau: np.ndarray) -> None:
    """Add to `out` (n, 4) the state at times `tau` >= 0 after an impulse that sets the state to `x0`."""
    z = np.multiply.outer(tau, -m.rates)
    np.exp(z, out=z)
    z *= m.v_inv @ x0
    out += z @ m.v.T


def _add_infusion_response(out: np.ndarray, m: _Modes, rate_mg_per_h: float, duration_h: float,
                           tau: np.ndarray) -> None:
    """Add to `out` (n, 4) the state at times `tau` >= 0 after the start of a zero-order infusion into the central compartment."""
    lam = m.rates
    w = m.v_inv @ np.array([0.0, rate_mg_per_h, 0.0, 0.0])
    # (1 - exp(-lam s)) / lam over the infused time s = min(tau, T), written
    # with expm1 so that small lam * s stays exact; then free decay after T.
    z = -np.expm1(np.multiply.outer(np.minimum(tau, duration_h), -lam)) / lam
    z *= np.exp(np.multiply.outer(np.maximum(tau - duration_h, 0.0), -lam))
    z *= w
    out += z @ m.v.T


def _time_grid(time_h: Any) -> np.ndarray:
    try:
        t = np.asarray(time_h, dtype=float)
    except (TypeError, ValueError):
        raise UserInputError(f"time_h: expected a 1-D array of times in hours, got {time_h!r}") from None
    if t.ndim != 1 or t.size == 0 or not np.all(np.isfinite(t)):
        raise UserInputError(
            f"time_h: expected a non-empty 1-D array of finite times in hours, got shape {t.shape}")
    return t


#: The components of ketamine and NBQX, always in a body state; the
#: components of other drugs (:func:`component_key`) join when dosed.
COMPONENTS = ("S", "R", "NBQX")


def component_key(drug: Drug, component: str) -> str:
    """The name of a component of a drug other than ketamine and NBQX: the drug's, or ``<drug>_<component>``."""
    return drug.name if len(drug.components) == 1 else f"{drug.name}_{component}"


def _dose_compound(dose: Dose, sp: CompoundPK, nbqx: CompoundPK | None
                   ) -> tuple[CompoundPK, tuple[tuple[str, float, Enantiomer | None], ...]]:
    """(parameters, ((component key, fraction of the dose, enantiomer or None), ...)) of `dose`.

    The enantiomer (S, R) selects its own clearance for a drug with
    ketamine's two enantiomers (:class:`~circuitsim.config.compound.SpeciesPK`).
    """
    drug, form = drugs.resolve(dose.drug)
    if drug == drugs.ketamine():
        return sp, tuple((c, f, c) for c, f in zip(("S", "R"), ENANTIOMER_FRACTIONS[form], strict=True))
    if drug == drugs.nbqx():
        return (nbqx_pk(sp) if nbqx is None else nbqx), (("NBQX", 1.0, None),)
    return drug.species_pk(sp.name), tuple(
        (component_key(drug, c), f, c if drug.is_ketamine_like else None)
        for c, f in drug.forms[form].items())


def body_state(
    schedule: Schedule | Dose | Sequence[Dose],
    time_h: Any,
    species: str | SpeciesPK = "human",
    body_weight_kg: float | None = None,
    nbqx: CompoundPK | None = None,
) -> dict[str, np.ndarray]:
    """Amounts and effect-site concentration of each component over time.

    `nbqx` is the NBQX preset to use (default: the species', :func:`nbqx_pk`).
    A drug other than ketamine and NBQX takes its parameters for the
    species of that name from its drug file (:mod:`circuitsim.config.drugs`).

    Returns
    -------
    dict
        ``"S"``, ``"R"`` (the ketamine enantiomers), ``"NBQX"`` and the
        components of any other drug dosed (:func:`component_key`): arrays
        (n_times, 4) of depot (mg), central (mg), peripheral (mg) amounts and
        the effect-site concentration (mg/L, plasma-equivalent, before
        ``brain_plasma_ratio``).
    """
    sched = as_schedule(schedule)
    sp = species_pk(species)
    w = resolve_body_weight(sp, body_weight_kg)
    t = _time_grid(time_h)
    # Work on the sorted grid, so that the times after a dose are one slice.
    order = np.argsort(t, kind="stable")
    ts = t[order]
    state = {c: np.zeros((t.size, 4)) for c in COMPONENTS}
    cache: dict[tuple[str, float], _Modes] = {}
    for dose in sched.doses:
        compound, parts = _dose_compound(dose, sp, nbqx)
        if dose.route in INTRAVENOUS:
            # The depot mode is not excited by an i.v. dose; any ka distinct
            # from the other eigenvalues serves.
            f, ka = 1.0, next((a.ka_per_h for a in compound.routes.values()), 1.0)
        else:
            f, ka = route_absorption(dose, compound)
        amount = dose.amount_mg(w)
        first = int(np.searchsorted(ts, dose.start_h, side="left"))
        if first == ts.size or amount == 0.0:
            continue
        tau = ts[first:] - dose.start_h
        for component, fraction, enantiomer in parts:
            if fraction == 0.0:
                continue
            key = (component, ka)
            if key not in cache:
                cache[key] = _modes(disposition(compound, w, enantiomer), ka, compound.ke0_per_h)
            if component not in state:
                state[component] = np.zeros((t.size, 4))
            m, mg, out = cache[key], fraction * amount, state[component][first:]
            if dose.route == "iv_infusion":
                _add_infusion_response(out, m, mg / dose.duration_h, dose.duration_h, tau)
            elif dose.route == "iv_bolus":
                _add_bolus_response(out, m, np.array([0.0, mg, 0.0, 0.0]), tau)
            else:
                _add_bolus_response(out, m, np.array([f * mg, 0.0, 0.0, 0.0]), tau)
    unsorted = np.empty_like(order)
    unsorted[order] = np.arange(order.size)
    return {c: a[unsorted] for c, a in state.items()}


def simulate_pk(
    schedule: Schedule | Dose | Sequence[Dose],
    time_h: Any,
    species: str | SpeciesPK = "human",
    body_weight_kg: float | None = None,
) -> PKResult:
    """Plasma and brain concentrations of S- and R-ketamine (and NBQX) on a time grid.

    Parameters
    ----------
    schedule : Schedule, Dose or sequence of Dose
        What is given, how and when (times from 0 h).
    time_h : array_like
        Times (h) at which to evaluate; any order, negative times give 0.
    species : str or SpeciesPK
        "human", "rat", "mouse", or a custom parameter set.
    body_weight_kg : float, optional
        Defaults to the species' reference weight (70, 0.25, 0.02 kg).

    Returns
    -------
    PKResult
        ng/mL per enantiomer, plasma and brain; uM through its properties.

    Raises
    ------
    UserInputError
        A one-line message naming the bad parameter (unknown species, route
        without parameters, bad weight or time grid).
    """
    sp = species_pk(species)
    w = resolve_body_weight(sp, body_weight_kg)
    t = _time_grid(time_h)
    state = body_state(schedule, t, sp, w)
    v1 = disposition(sp, w).v1_l
    has_nbqx = any(drugs.is_nbqx(d.drug) for d in as_schedule(schedule).doses)
    nb = nbqx_pk(sp) if has_nbqx else None
    mg_per_l_to_ng_ml = 1000.0

    def conc(x: np.ndarray) -> np.ndarray:
        # Concentrations are non-negative; the modal sum can leave round-off
        # of ~1e-16 of the dose's scale either side of 0 where there is no
        # drug yet (e.g. at the instant of an extravascular dose).
        return frozen(np.maximum(x * mg_per_l_to_ng_ml, 0.0))

    others = []
    for drug, component in _other_components(as_schedule(schedule)):
        x, dpk = state[component_key(drug, component)], drug.species_pk(sp.name)
        nmda = drug.targets.nmda
        others.append(ComponentExposure(
            drug=drug.name, component=component, key=component_key(drug, component),
            molar_mass_g_per_mol=drug.molar_mass_g_per_mol,
            nmda_ki_um=None if nmda is None else nmda.ki_um[component],
            plasma_ng_ml=conc(x[:, 1] / disposition(dpk, w).v1_l),
            brain_ng_ml=conc(dpk.brain_plasma_ratio * x[:, 3]),
            nmda_subunit_ic50_um=None if nmda is None else nmda.subunit_ic50_um))
    return PKResult(
        time_h=frozen(t),
        plasma_s_ng_ml=conc(state["S"][:, 1] / v1),
        plasma_r_ng_ml=conc(state["R"][:, 1] / v1),
        brain_s_ng_ml=conc(sp.brain_plasma_ratio * state["S"][:, 3]),
        brain_r_ng_ml=conc(sp.brain_plasma_ratio * state["R"][:, 3]),
        brain_tissue_ratio=sp.brain_tissue_ratio,
        species=sp.name,
        body_weight_kg=w,
        plasma_nbqx_ng_ml=conc(state["NBQX"][:, 1] / disposition(nb, w).v1_l) if nb else None,
        brain_nbqx_ng_ml=conc(nb.brain_plasma_ratio * state["NBQX"][:, 3]) if nb else None,
        others=tuple(others),
    )


def _other_components(schedule: Schedule) -> list[tuple[Drug, str]]:
    """(drug, component) of every drug other than ketamine and NBQX that `schedule` doses, in order."""
    out: list[tuple[Drug, str]] = []
    keys: dict[str, Drug] = {}
    for dose in schedule.doses:
        drug, _form = drugs.resolve(dose.drug)
        if drug in (drugs.ketamine(), drugs.nbqx()):
            continue
        for c in drug.components:
            key = component_key(drug, c)
            if key.lower() in ("s", "r", "nbqx") or keys.get(key, drug) != drug:
                raise UserInputError(f"drug: two drugs dosed are both called {drug.name!r} (or it is "
                                     f"ketamine's or NBQX's): expected distinct names, got {drugs.label(dose.drug)!r}")
            if key not in keys:
                keys[key] = drug
                out.append((drug, c))
    return out
