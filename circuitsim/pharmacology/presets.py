"""Ketamine's and NBQX's parameters by species, read from the packaged drug files.

The numbers, each with its source or the calibration choice behind it, are
in ``circuitsim/data/drugs/ketamine.yaml`` and ``nbqx.yaml``
(:mod:`circuitsim.config.drugs`); the derivations, and the figures the human
parameters produce, in docs/pharmacokinetics.md. The models are in
:mod:`circuitsim.config.compound`.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from ..config import drugs
from ..config.compound import CompoundPK, SpeciesPK
from ..errors import UserInputError

_KETAMINE = drugs.ketamine()
_NBQX = drugs.nbqx()

# ----------------------------------------------------------------------- constants
#: Molar mass of ketamine base, C13H16ClNO (g/mol; ketamine.yaml).
KETAMINE_MW_G_PER_MOL = _KETAMINE.molar_mass_g_per_mol
#: ng/mL per uM: 1 umol/L x 237.7 g/mol = 237.7 ug/L = 237.7 ng/mL.
NG_PER_ML_PER_UM = KETAMINE_MW_G_PER_MOL

#: Fraction of a dose that is S- and R-ketamine, per form of ketamine.
ENANTIOMER_FRACTIONS: Mapping[str, tuple[float, float]] = MappingProxyType({
    form: (parts.get("S", 0.0), parts.get("R", 0.0)) for form, parts in _KETAMINE.forms.items()
})

HUMAN: SpeciesPK = _KETAMINE.species_pk("human")
RAT: SpeciesPK = _KETAMINE.species_pk("rat")
MOUSE: SpeciesPK = _KETAMINE.species_pk("mouse")
SPECIES: Mapping[str, SpeciesPK] = MappingProxyType({"human": HUMAN, "rat": RAT, "mouse": MOUSE})

#: Molar mass of NBQX free acid, C12H8N4O6S (g/mol; nbqx.yaml).
NBQX_MW_G_PER_MOL = _NBQX.molar_mass_g_per_mol
_NBQX_HUMAN = _NBQX.species_pk("human")
_NBQX_CL, _NBQX_V1, _NBQX_Q, _NBQX_V2 = (_NBQX_HUMAN.cl_l_per_h, _NBQX_HUMAN.v1_l,
                                         _NBQX_HUMAN.q_l_per_h, _NBQX_HUMAN.v2_l)


def nbqx_preset(name: str, weight_kg: float, ke0: str = "5 min") -> CompoundPK:
    """NBQX at `weight_kg` by simple allometry from its human parameters (nbqx.yaml).

    Clearances and Q scale with body weight^0.75, volumes with body weight;
    the rat and mouse parameters of nbqx.yaml are this at 0.25 and 0.02 kg.
    """
    flow = (weight_kg / 70.0) ** 0.75
    vol = weight_kg / 70.0
    return CompoundPK(
        name=f"{name} (nbqx)", reference_weight=f"{weight_kg} kg",
        cl=f"{_NBQX_CL * flow:.6g} L/h", v1=f"{_NBQX_V1 * vol:.6g} L",
        q=f"{_NBQX_Q * flow:.6g} L/h", v2=f"{_NBQX_V2 * vol:.6g} L",
        ke0_half_life=ke0, brain_plasma_ratio=_NBQX_HUMAN.brain_plasma_ratio,
        routes=dict(_NBQX.species_pk(name).routes) if name in _NBQX.pk else {},
    )


NBQX_SPECIES: Mapping[str, CompoundPK] = MappingProxyType({s: _NBQX.species_pk(s) for s in _NBQX.pk})


def species_pk(species: str | CompoundPK) -> CompoundPK:
    """Ketamine's preset of `species` ("human", "rat", "mouse"), or `species` itself."""
    if isinstance(species, CompoundPK):
        return species
    if species not in SPECIES:
        raise UserInputError(f"species: expected one of {', '.join(SPECIES)}, got {species!r}")
    return SPECIES[species]


def nbqx_pk(species: str | CompoundPK) -> CompoundPK:
    """NBQX's preset for `species` (a name, or a ketamine preset whose name is one)."""
    name = species if isinstance(species, str) else species.name
    if name not in NBQX_SPECIES:
        raise UserInputError(
            f"drug: NBQX has presets for species {', '.join(NBQX_SPECIES)} only, got {name!r}")
    return NBQX_SPECIES[name]

