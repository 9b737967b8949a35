"""The drug library: a drug is a data file.

A drug file (YAML, one per compound) gives what circuitsim needs of a
compound, each number with its source beside it:

* ``name`` and ``molar_mass`` (of the form the doses are quoted in);
* ``components``: what the body handles separately (ketamine's S and R
  enantiomers; one component for most drugs), and ``forms``: what a dose
  can be, as fractions of the components (racemic ketamine is half S,
  half R; esketamine all S);
* ``pk``: per species, the two-compartment disposition, effect site and
  absorption per extravascular route (:class:`~circuitsim.config.compound.CompoundPK`;
  the definitions and units of docs/pharmacokinetics.md). The components
  of a drug share its disposition, except ketamine's enantiomers, whose
  clearances differ (``clearance_ratio_s_to_r``,
  :class:`~circuitsim.config.compound.SpeciesPK`);
* ``targets``: what each component does at receptors. ``nmda.ki``: the
  affinity of each component for the NMDA channel site on the scale of the
  displacement of [3H]MK-801 from brain membranes, on which ketamine's
  enantiomers are given (Ebert et al. 1997; ``pharmacology.enantiomers``). The
  channel site is one site: components of every drug compete for it, and
  their joint occupancy, expressed as a racemic-ketamine-equivalent
  concentration (:func:`circuitsim.pharmacology.pd.channel_site_equivalent_um`),
  is what the block models take. ``ampa``: NBQX's AMPA-receptor block
  (``pharmacology.nbqx``).

Packaged drugs are in ``circuitsim/data/drugs/``; a dose names a packaged
form (``drug: esketamine``, ``drug: memantine``) or a user's file
(``drug: path/to/mydrug.yaml``, its form named like the drug unless
``path.yaml:form``) or gives a drug file's keys inline (as a results
file's stored config does, :func:`inline`). A bad file raises
:class:`~circuitsim.errors.UserInputError` with one line naming the file
and the key.
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import Field, model_validator

from ..errors import UserInputError
from .base import CheckedModel
from .compound import CompoundPK, SpeciesPK
from .fields import Name, Quantity
from .units import CONCENTRATION, UnitKind

#: Where the packaged drug files are.
PACKAGED_DIR = Path(__file__).resolve().parent.parent / "data" / "drugs"
#: Suffixes of a drug file named in a dose.
SUFFIXES = (".yaml", ".yml")
#: The species a drug file can give parameters for (``dosing.species``).
SPECIES = ("human", "rat", "mouse")

MOLAR_MASS = UnitKind("molar mass", "g/mol", {"g/mol": 1.0, "kg/mol": 1e3})


#: The GluN2 subunits of ``targets.nmda.subunit_ic50`` (as ``pharmacology.composition``).
GLUN2 = ("GluN2A", "GluN2B", "GluN2C", "GluN2D")


class NMDATarget(CheckedModel):
    """Affinity of each component for the NMDA channel site ([3H]MK-801 displacement scale), and the subunit profile.

    ``subunit_ic50`` (optional): the drug's IC50 at recombinant GluN1/GluN2A,
    2B, 2C and 2D receptors measured in one study with 1 mM Mg2+; only its
    ratios count (the drug's selectivity between populations,
    :mod:`circuitsim.pharmacology.selectivity`); the potency stays ``ki``'s.
    Without it the drug has ketamine's selectivity.

    ``trapped_fraction`` (optional): the fraction of the block that stays
    trapped in closed channels after agonist removal, measured beside
    ketamine's in one preparation (partial trapping; the trapping model's
    ``escape``). Without it the drug is trapped as ketamine is.
    """

    ki_um: dict[Name(64), Quantity(CONCENTRATION, gt="0 uM", le="10 M")] = Field(alias="ki", min_length=1)
    subunit_ic50_um: dict[Literal["GluN2A", "GluN2B", "GluN2C", "GluN2D"],
                          Quantity(CONCENTRATION, gt="0 uM", le="10 M")] | None = Field(None, alias="subunit_ic50")
    #: Fraction of the block that stays trapped when agonist is removed,
    #: measured beside ketamine's in one preparation (optional).
    trapped_fraction: float | None = Field(None, gt=0, le=1)

    @model_validator(mode="after")
    def _every_subunit(self) -> NMDATarget:
        if self.subunit_ic50_um is not None and set(self.subunit_ic50_um) != set(GLUN2):
            raise ValueError(f"subunit_ic50: expected an IC50 for each of {', '.join(GLUN2)}, "
                             f"got {sorted(self.subunit_ic50_um)!r}")
        return self


class AMPATarget(CheckedModel):
    """AMPA-receptor antagonism (NBQX): the block law is ``pharmacology.nbqx``'s."""

    component: Name(64)


class Targets(CheckedModel):
    nmda: NMDATarget | None = None
    ampa: AMPATarget | None = None


class Drug(CheckedModel):
    """One compound of the drug library (see the module docstring for the keys)."""

    name: Name(64, pattern=r"^[A-Za-z0-9][A-Za-z0-9_-]*$")
    molar_mass_g_per_mol: Quantity(MOLAR_MASS, gt="1 g/mol", le="100000 g/mol") = Field(alias="molar_mass")
    components: list[Name(64, pattern=r"^[A-Za-z0-9][A-Za-z0-9_]*$")] = Field(min_length=1)
    forms: dict[Name(64, pattern=r"^[A-Za-z0-9][A-Za-z0-9_-]*$"), dict[str, float]] = Field(min_length=1)
    pk: dict[str, dict[str, Any]] = Field(min_length=1)
    targets: Targets
    #: The form a dose of this definition gives when the dose names none
    #: (default: the form named like the drug, or the only one).
    form: str | None = None

    @model_validator(mode="after")
    def _consistent(self) -> Drug:
        comps = set(self.components)
        if len(comps) != len(self.components):
            raise ValueError(f"components: expected distinct names, got {self.components!r}")
        for form, parts in self.forms.items():
            unknown = set(parts) - comps
            if unknown:
                raise ValueError(f"forms.{form}: expected fractions of the components "
                                 f"{', '.join(self.components)}, got {sorted(unknown)!r}")
            if any(not (0.0 <= f <= 1.0) for f in parts.values()) or abs(sum(parts.values()) - 1.0) > 1e-9:
                raise ValueError(f"forms.{form}: expected fractions between 0 and 1 that sum to 1, "
                                 f"got {parts!r}")
        if self.form is not None and self.form not in self.forms:
            raise ValueError(f"form: expected one of the forms {', '.join(self.forms)}, got {self.form!r}")
        t = self.targets
        if t.nmda is None and t.ampa is None:
            raise ValueError("targets: expected an nmda or an ampa target, got neither")
        if t.nmda is not None and set(t.nmda.ki_um) != comps:
            raise ValueError(f"targets.nmda.ki: expected an affinity for each component "
                             f"({', '.join(self.components)}), got {sorted(t.nmda.ki_um)!r}")
        if t.ampa is not None:
            if t.ampa.component not in comps:
                raise ValueError(f"targets.ampa.component: expected one of {', '.join(self.components)}, "
                                 f"got {t.ampa.component!r}")
            if t.nmda is not None or len(comps) != 1:
                raise ValueError("targets: an AMPA antagonist is one component without an NMDA target "
                                 "(NBQX), got more")
        for species, raw in self.pk.items():
            if species not in SPECIES:
                raise ValueError(f"pk.{species}: expected a species among {', '.join(SPECIES)}, got {species!r}")
            _species_model(self, species, raw)  # checked here, with the key in the message
        return self

    @property
    def is_ketamine_like(self) -> bool:
        """Two enantiomers S and R with their own clearances (ketamine's SpeciesPK)."""
        return self.components == ["S", "R"]

    def species_pk(self, species: str) -> CompoundPK:
        """The drug's parameters in `species` (UserInputError if the file has none)."""
        if species not in self.pk:
            raise UserInputError(f"species: drug {self.name!r} has parameters for "
                                 f"{', '.join(self.pk)} only, got {species!r}")
        return _species_model(self, species, self.pk[species])


def _species_model(drug: Drug, species: str, raw: dict[str, Any]) -> CompoundPK:
    model = SpeciesPK if drug.is_ketamine_like else CompoundPK
    allowed = sorted((f.alias or n) for n, f in model.model_fields.items() if n != "name")
    unknown = sorted(set(raw) - set(allowed))
    if unknown:
        raise ValueError(f"pk.{species}.{unknown[0]}: unknown key (expected one of {', '.join(allowed)}), "
                         f"got {raw[unknown[0]]!r}")
    data = {"name": species if drug.is_ketamine_like else f"{species} ({drug.name})", **raw}
    try:
        return model.model_validate(data)
    except UserInputError as err:
        raise ValueError(f"pk.{species}.{err}") from None


@functools.lru_cache(maxsize=64)
def _read(path: Path, mtime_ns: int) -> Drug:  # noqa: ARG001 - the cache key
    where = str(path)
    try:
        data = yaml.safe_load(path.read_text())
    except OSError as err:
        raise UserInputError(f"drug: cannot read drug file {where!r} ({err.strerror})") from None
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        at = f" at line {mark.line + 1}" if mark is not None else ""
        raise UserInputError(f"drug: drug file {where!r} is not valid YAML{at}") from None
    if not isinstance(data, dict):
        raise UserInputError(f"drug: drug file {where!r}: expected a mapping of keys, got {type(data).__name__}")
    try:
        return Drug.model_validate(data)
    except UserInputError as err:
        raise UserInputError(f"drug file {where!r}: {err}") from None


def read_drug(path: str | Path) -> Drug:
    """The drug defined in the file `path` (UserInputError naming the file and key if it is bad)."""
    p = Path(path).expanduser()
    try:
        mtime = p.stat().st_mtime_ns
    except OSError as err:
        raise UserInputError(f"drug: cannot read drug file {str(p)!r} ({err.strerror})") from None
    return _read(p.resolve(), mtime)


@functools.lru_cache(maxsize=1)
def packaged() -> Mapping[str, Drug]:
    """Every packaged drug by name."""
    drugs = {}
    for path in sorted(PACKAGED_DIR.glob("*.yaml")):
        drug = read_drug(path)
        drugs[drug.name] = drug
    return drugs


@functools.lru_cache(maxsize=1)
def packaged_forms() -> Mapping[str, tuple[str, str]]:
    """Every packaged form (what ``dosing.doses[].drug`` may name) -> (drug, form)."""
    out: dict[str, tuple[str, str]] = {}
    for drug in packaged().values():
        for form in drug.forms:
            if form in out:
                raise RuntimeError(f"packaged drug form {form!r} is defined twice")
            out[form] = (drug.name, form)
    return out


#: What a dose's ``drug`` holds: a packaged form or a file reference (str), or a drug definition inline.
DrugRef = str | Mapping[str, Any]


def is_file_reference(ref: DrugRef) -> bool:
    """Whether a dose's `drug` names a file (``x.yaml`` or ``x.yaml:form``) rather than a packaged form."""
    if not isinstance(ref, str):
        return False
    return _split(ref)[0].endswith(SUFFIXES)


def _split(text: str) -> tuple[str, str | None]:
    """(path, form or None) of ``x.yaml`` or ``x.yaml:form`` (any other text: (text, None))."""
    if text.endswith(SUFFIXES) or ":" not in text:
        return text, None
    path, form = text.rsplit(":", 1)
    return (path, form) if path.endswith(SUFFIXES) else (text, None)


def _default_form(drug: Drug, where: str, text: str) -> str:
    if drug.form is not None:
        return drug.form
    if drug.name in drug.forms:
        return drug.name
    if len(drug.forms) == 1:
        return next(iter(drug.forms))
    raise UserInputError(f"drug: {where} has forms {', '.join(drug.forms)}: expected one of them "
                         f"('file.yaml:<form>', or the key form), got {text!r}")


def resolve(ref: DrugRef) -> tuple[Drug, str]:
    """(drug, form) that a dose's `drug` names.

    A packaged form (``esketamine``), a file (``file.yaml``, ``file.yaml:form``;
    its form by default the one named like the drug, or its only one, or
    its key ``form``) or a definition inline (a mapping with the keys of a
    drug file, as :func:`inline` writes into a results file's config).
    """
    if not isinstance(ref, str):
        try:
            drug = Drug.model_validate(dict(ref))
        except UserInputError as err:
            raise UserInputError(f"drug: inline drug definition: {err}") from None
        return drug, _default_form(drug, f"inline drug {drug.name!r}", drug.name)
    path, form = _split(ref)
    if not path.endswith(SUFFIXES):
        forms = packaged_forms()
        if ref not in forms:
            raise UserInputError(f"drug: expected one of {', '.join(forms)} or a drug file "
                                 f"(.yaml), got {ref!r}")
        name, form = forms[ref]
        return packaged()[name], form
    drug = read_drug(path)
    if form is None:
        return drug, _default_form(drug, f"drug file {path!r}", ref)
    if form not in drug.forms:
        raise UserInputError(f"drug: drug file {path!r} has forms {', '.join(drug.forms)}, got {form!r}")
    return drug, form


def label(ref: DrugRef) -> str:
    """A short name of what a dose gives: the packaged form, else ``<drug>`` or ``<drug>:<form>``."""
    if isinstance(ref, str) and not is_file_reference(ref):
        return ref
    drug, form = resolve(ref)
    return drug.name if form == drug.name else f"{drug.name}:{form}"


def is_nbqx(ref: DrugRef) -> bool:
    """Whether a dose gives the packaged AMPA antagonist NBQX."""
    return resolve(ref)[0] == nbqx()


def inline(ref: DrugRef) -> DrugRef:
    """`ref` with a drug file replaced by its definition (and form), so that a stored config needs no file."""
    if not is_file_reference(ref):
        return ref
    drug, form = resolve(ref)
    path = _split(ref)[0]
    data = yaml.safe_load(Path(path).expanduser().read_text())
    return {**data, "form": form}


def file_digest(ref: DrugRef) -> str | None:
    """SHA-256 of the drug file a dose names (None for a packaged form or an inline one): for provenance."""
    if not is_file_reference(ref):
        return None
    return hashlib.sha256(Path(_split(ref)[0]).expanduser().read_bytes()).hexdigest()


def ketamine() -> Drug:
    """The packaged ketamine, the reference of the circuit's calibration."""
    return packaged()["ketamine"]


def nbqx() -> Drug:
    """The packaged NBQX."""
    return packaged()["nbqx"]
