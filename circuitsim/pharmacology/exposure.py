"""What the pharmacokinetic stage returns: concentrations over time, with their units.

:class:`PKResult` (ketamine's S and R, NBQX, and every other drug's
components as :class:`ComponentExposure`), made by
:func:`circuitsim.pharmacology.pk.simulate_pk`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from .presets import NBQX_MW_G_PER_MOL, NG_PER_ML_PER_UM


def ng_ml_to_um(c_ng_ml: Any) -> np.ndarray:
    """Ketamine concentration in uM from ng/mL (1 uM = 237.7 ng/mL)."""
    return np.asarray(c_ng_ml, dtype=float) / NG_PER_ML_PER_UM


def um_to_ng_ml(c_um: Any) -> np.ndarray:
    """Ketamine concentration in ng/mL from uM (1 uM = 237.7 ng/mL)."""
    return np.asarray(c_um, dtype=float) * NG_PER_ML_PER_UM


def frozen(a: np.ndarray) -> np.ndarray:
    a = np.array(a, dtype=float)
    a.setflags(write=False)
    return a


@dataclass(frozen=True)
class ComponentExposure:
    """Plasma and brain (effect-site) concentration of one component of a drug other than ketamine and NBQX."""

    drug: str
    component: str
    #: Its name in the timeline's series (:func:`component_key`).
    key: str
    molar_mass_g_per_mol: float
    #: Affinity for the NMDA channel site (the scale of ketamine's Ki_S, Ki_R); None without an NMDA target.
    nmda_ki_um: float | None
    plasma_ng_ml: np.ndarray
    brain_ng_ml: np.ndarray
    #: The drug's IC50s at GluN2A-D with Mg2+ (its file's ``targets.nmda.subunit_ic50``); None without.
    nmda_subunit_ic50_um: Mapping[str, float] | None = None

    @property
    def plasma_um(self) -> np.ndarray:
        return np.asarray(self.plasma_ng_ml, dtype=float) / self.molar_mass_g_per_mol

    @property
    def brain_um(self) -> np.ndarray:
        return np.asarray(self.brain_ng_ml, dtype=float) / self.molar_mass_g_per_mol


@dataclass(frozen=True)
class PKResult:
    """Concentrations of S- and R-ketamine, NBQX and any other drug on a time grid (arrays are read-only).

    ``brain_*`` is the effect-site concentration that blocks receptors
    (:class:`SpeciesPK`); ``brain_tissue_ng_ml`` the total tissue
    concentration. Totals are S + R. :meth:`timeline` lists every series with
    its unit.
    """

    time_h: np.ndarray
    plasma_s_ng_ml: np.ndarray
    plasma_r_ng_ml: np.ndarray
    brain_s_ng_ml: np.ndarray
    brain_r_ng_ml: np.ndarray
    brain_tissue_ratio: float
    species: str
    body_weight_kg: float
    #: NBQX (zeros when the schedule has none), plasma and effect site.
    plasma_nbqx_ng_ml: np.ndarray | None = None
    brain_nbqx_ng_ml: np.ndarray | None = None
    #: Every other drug's components (memantine, a user's drug file, ...).
    others: tuple[ComponentExposure, ...] = ()

    @property
    def has_nbqx(self) -> bool:
        return self.plasma_nbqx_ng_ml is not None and bool(np.any(self.plasma_nbqx_ng_ml > 0))

    @property
    def plasma_nbqx_um(self) -> np.ndarray:
        return nbqx_um(self.plasma_nbqx_ng_ml, self.time_h)

    @property
    def brain_nbqx_um(self) -> np.ndarray:
        return nbqx_um(self.brain_nbqx_ng_ml, self.time_h)

    @property
    def plasma_ng_ml(self) -> np.ndarray:
        return self.plasma_s_ng_ml + self.plasma_r_ng_ml

    @property
    def brain_ng_ml(self) -> np.ndarray:
        return self.brain_s_ng_ml + self.brain_r_ng_ml

    @property
    def brain_tissue_ng_ml(self) -> np.ndarray:
        """Total brain tissue concentration (ng/g ~ ng/mL), S + R."""
        return self.brain_tissue_ratio * self.brain_ng_ml

    @property
    def plasma_s_um(self) -> np.ndarray:
        return ng_ml_to_um(self.plasma_s_ng_ml)

    @property
    def plasma_r_um(self) -> np.ndarray:
        return ng_ml_to_um(self.plasma_r_ng_ml)

    @property
    def plasma_um(self) -> np.ndarray:
        return ng_ml_to_um(self.plasma_ng_ml)

    @property
    def brain_s_um(self) -> np.ndarray:
        return ng_ml_to_um(self.brain_s_ng_ml)

    @property
    def brain_r_um(self) -> np.ndarray:
        return ng_ml_to_um(self.brain_r_ng_ml)

    @property
    def brain_um(self) -> np.ndarray:
        return ng_ml_to_um(self.brain_ng_ml)

    def timeline(self) -> dict[str, tuple[np.ndarray, str]]:
        """Every series by name, with its unit, e.g. ``{"plasma_ng_ml": (array, "ng/mL"), ...}``."""
        out: dict[str, tuple[np.ndarray, str]] = {"time_h": (self.time_h, "h")}
        for where in ("plasma", "brain"):
            for part in ("", "_s", "_r"):
                out[f"{where}{part}_ng_ml"] = (getattr(self, f"{where}{part}_ng_ml"), "ng/mL")
                out[f"{where}{part}_um"] = (getattr(self, f"{where}{part}_um"), "uM")
        out["brain_tissue_ng_ml"] = (self.brain_tissue_ng_ml, "ng/g")
        if self.has_nbqx:
            for where in ("plasma", "brain"):
                out[f"{where}_nbqx_ng_ml"] = (getattr(self, f"{where}_nbqx_ng_ml"), "ng/mL")
                out[f"{where}_nbqx_um"] = (getattr(self, f"{where}_nbqx_um"), "uM")
        for x in self.others:
            for where in ("plasma", "brain"):
                out[f"{where}_{x.key}_ng_ml"] = (getattr(x, f"{where}_ng_ml"), "ng/mL")
                out[f"{where}_{x.key}_um"] = (getattr(x, f"{where}_um"), "uM")
        return out


def nbqx_um(c_ng_ml: np.ndarray | None, like: np.ndarray) -> np.ndarray:
    """NBQX in uM from ng/mL (1 uM = 336.28 ng/mL); zeros where there is none."""
    if c_ng_ml is None:
        return np.zeros_like(like)
    return np.asarray(c_ng_ml, dtype=float) / NBQX_MW_G_PER_MOL
