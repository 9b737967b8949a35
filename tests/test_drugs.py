"""The drug library: packaged drug files, a user's drug file through the whole chain, bad files in one line."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest
import yaml
from conftest import undocumented_names

from circuitsim.cli import main
from circuitsim.config import config_from_dict, drugs, load_config
from circuitsim.config.dosing import Dose
from circuitsim.errors import UserInputError
from circuitsim.io import read_results
from circuitsim.pharmacology import pd, pk
from circuitsim.pharmacology.presets import nbqx_preset
from circuitsim.plots.pk import other_drug_keys, pk_figure

#: A made-up NMDA-channel blocker: one component, human and rat parameters.
MADE_UP = {
    "name": "madeupamine",
    "molar_mass": "250 g/mol",
    "components": ["madeupamine"],
    "forms": {"madeupamine": {"madeupamine": 1.0}},
    "targets": {"nmda": {"ki": {"madeupamine": "0.5 uM"}}},
    "pk": {
        "human": {"reference_weight": "70 kg", "cl": "50 L/h", "v1": "80 L", "q": "100 L/h", "v2": "120 L",
                  "ke0_half_life": "2 min", "brain_plasma_ratio": 1.0,
                  "routes": {"oral": {"bioavailability": 0.6, "absorption_rate": "1 /h"}}},
        "rat": {"reference_weight": "0.25 kg", "cl": "0.5 L/h", "v1": "0.3 L", "q": "1 L/h", "v2": "0.4 L",
                "ke0_half_life": "0.5 min", "brain_plasma_ratio": 1.0},
    },
}


def _write(path: Path, data) -> Path:
    path.write_text(yaml.safe_dump(data) if not isinstance(data, str) else data)
    return path


@pytest.fixture
def made_up(tmp_path) -> Path:
    return _write(tmp_path / "madeupamine.yaml", MADE_UP)


def test_packaged_drugs_and_their_forms():
    assert {"ketamine", "nbqx", "memantine"} <= set(drugs.packaged())
    forms = drugs.packaged_forms()
    assert forms["racemic"] == ("ketamine", "racemic") and forms["esketamine"] == ("ketamine", "esketamine")
    assert forms["nbqx"] == ("nbqx", "nbqx") and forms["memantine"] == ("memantine", "memantine")
    ket = drugs.ketamine()
    assert ket.molar_mass_g_per_mol == 237.7 and ket.forms["racemic"] == {"S": 0.5, "R": 0.5}
    assert ket.targets.nmda.ki_um == {"S": 0.3, "R": 1.4}  # the config's pharmacology.enantiomers defaults
    human = ket.species_pk("human")
    assert (human.cl_l_per_h, human.v1_l, human.q_l_per_h, human.v2_l) == (79.0, 100.0, 194.7, 152.0)


@pytest.mark.parametrize("species,weight", [("rat", 0.25), ("mouse", 0.02)])
def test_nbqx_rodent_parameters_are_the_allometry_of_the_human_ones(species, weight):
    assert drugs.nbqx().species_pk(species).model_dump(exclude={"name"}) == \
        nbqx_preset(species, weight).model_dump(exclude={"name"})


def test_memantine_exposure_against_its_label():
    # Tmax of one oral dose: the calibration of ka (label: 3-8 h).
    t = np.arange(0.0, 48.0, 0.01)
    one = pk.simulate_pk([Dose(amount="20 mg", route="oral", drug="memantine")], t).others[0]
    assert one.key == "memantine" and 5.0 < t[np.argmax(one.plasma_ng_ml)] < 6.0
    # Not fitted: the steady state of 20 mg/day from the label's clearance
    # falls in the label's 70-150 ng/mL.
    t = np.arange(0.0, 24.0 * 40, 0.05)
    daily = [Dose(amount="20 mg", route="oral", drug="memantine", start=f"{24 * k} h") for k in range(40)]
    x = pk.simulate_pk(daily, t).others[0]
    last_day = x.plasma_ng_ml[t >= 24.0 * 39]
    assert 70.0 < last_day.mean() < 150.0
    assert x.plasma_um[t >= 24.0 * 39].mean() == pytest.approx(last_day.mean() / 179.3)


def test_lanicemine_exposure_against_its_studies():
    from circuitsim.pharmacology.pk import disposition

    # Checks, not fitted: the population-PK parameters' half-life against the
    # mass-balance study's 16 h, and the infusions' peaks against the
    # sponsor's targeted 1-5 uM (lanicemine.yaml).
    assert disposition(drugs.packaged()["lanicemine"].species_pk("human")).terminal_half_life_h == \
        pytest.approx(11.4, abs=0.05)
    t = np.arange(0.0, 6.0, 0.01)
    peaks = [pk.simulate_pk([Dose(amount=f"{mg} mg", route="iv_infusion", duration="60 min",
                                  drug="lanicemine")], t).others[0].plasma_um.max() for mg in (100, 150)]
    assert peaks == pytest.approx([3.71, 5.57], abs=0.01)


def test_a_user_drug_file_gives_its_own_exposure_and_competes_for_the_channel_site(made_up):
    t = np.arange(0.0, 6.0, 1 / 600)
    bolus = Dose(amount="10 mg", route="iv_bolus", drug=str(made_up))
    res = pk.simulate_pk([bolus], t)
    (x,) = res.others
    assert (x.drug, x.key, x.nmda_ki_um) == ("madeupamine", "madeupamine", 0.5)
    assert x.plasma_ng_ml[0] == pytest.approx(10.0 / 80.0 * 1000.0)  # D / V1, in ng/mL
    assert np.all(res.plasma_s_ng_ml == 0.0)  # no ketamine given
    series = res.timeline()
    assert series["brain_madeupamine_um"][1] == "uM" and series["plasma_madeupamine_ng_ml"][1] == "ng/mL"
    ki_s, ki_r = 0.3, 1.4
    eq = pd.channel_site_equivalent_um(res.brain_s_um, res.brain_r_um, ki_s, ki_r, [(x.brain_um, 0.5)])
    assert eq == pytest.approx(pd.racemic_ic50_um(ki_s, ki_r) * x.brain_um / 0.5)
    # With ketamine: the equivalents add (one site, competition).
    both = pk.simulate_pk([bolus, Dose(amount="0.5 mg/kg", route="iv_infusion", duration="40 min")], t)
    ket = pd.racemic_equivalent_um(both.brain_s_um, both.brain_r_um, ki_s, ki_r)
    total = pd.channel_site_equivalent_um(both.brain_s_um, both.brain_r_um, ki_s, ki_r,
                                          [(both.others[0].brain_um, 0.5)])
    np.testing.assert_allclose(total, ket + eq)


def test_a_drug_file_beside_the_config_is_found_there(tmp_path, made_up):
    cfg = _write(tmp_path / "exp.yaml", {"dosing": {"doses": [
        {"amount": "10 mg", "route": "oral", "drug": "madeupamine.yaml"}]}})
    loaded = load_config(cfg)
    assert loaded.dosing.doses[0].drug == str(made_up.resolve())
    assert drugs.resolve(loaded.dosing.doses[0].drug)[0].name == "madeupamine"


def test_a_drug_inline_in_the_config_and_a_chosen_form(tmp_path, made_up):
    two = yaml.safe_load(yaml.safe_dump(MADE_UP))
    two["forms"]["salt"] = {"madeupamine": 1.0}
    path = _write(tmp_path / "two.yaml", two)
    assert drugs.resolve(f"{path}:salt")[1] == "salt" and drugs.label(f"{path}:salt") == "madeupamine:salt"
    inline = drugs.inline(f"{path}:salt")
    assert inline["form"] == "salt" and drugs.resolve(inline)[1] == "salt"
    cfg = config_from_dict({"dosing": {"doses": [{"amount": "10 mg", "route": "oral", "drug": inline}]}})
    assert drugs.resolve(cfg.dosing.doses[0].drug)[0].name == "madeupamine"
    bad = {**MADE_UP, "molar_mass": "heavy"}
    with pytest.raises(UserInputError, match=r"^dosing\.doses\.0\.drug: inline drug definition: molar_mass:"):
        config_from_dict({"dosing": {"doses": [{"amount": "10 mg", "route": "oral", "drug": bad}]}})


def _bad(tmp_path, **changes):
    data = yaml.safe_load(yaml.safe_dump(MADE_UP))
    for dotted, value in changes.items():
        keys = dotted.split("__")
        node = data
        for k in keys[:-1]:
            node = node[k]
        if value is None:
            del node[keys[-1]]
        else:
            node[keys[-1]] = value
    return _write(tmp_path / "bad.yaml", data)


@pytest.mark.parametrize("changes,key", [
    ({"molar_mass": None}, "molar_mass: required key is missing"),
    ({"molar_mass": "250"}, "molar_mass:"),
    ({"forms__madeupamine": {"madeupamine": 0.7}}, "forms.madeupamine: expected fractions"),
    ({"forms__madeupamine": {"other": 1.0}}, "forms.madeupamine: expected fractions of the components"),
    ({"targets__nmda__ki": {"other": "1 uM"}}, "targets.nmda.ki: expected an affinity for each component"),
    ({"targets__nmda__ki": {"madeupamine": "-1 uM"}}, "targets.nmda.ki.madeupamine:"),
    ({"targets": {}}, "targets: expected an nmda or an ampa target"),
    ({"pk__human__cl": "50"}, "pk.human.cl:"),
    ({"pk__human__clearence": "5 L/h"}, "pk.human.clearence: unknown key"),
    ({"pk__dog": {}}, "pk.dog:"),
    ({"colour": "blue"}, "colour: unknown key"),
])
def test_a_bad_drug_file_is_one_line_naming_the_file_and_key(tmp_path, changes, key):
    path = _bad(tmp_path, **changes)
    with pytest.raises(UserInputError) as err:
        drugs.read_drug(path)
    line = str(err.value)
    assert "\n" not in line and line.startswith(f"drug file {str(path.resolve())!r}: ") and key in line, line


def test_unreadable_drug_files_and_forms(tmp_path, made_up):
    for text, expected in [("x: [1, 2", "is not valid YAML"), ("- a\n- b\n", "expected a mapping")]:
        with pytest.raises(UserInputError, match=expected):
            drugs.read_drug(_write(tmp_path / "broken.yaml", text))
    with pytest.raises(UserInputError, match="cannot read drug file"):
        drugs.resolve(str(tmp_path / "missing.yaml"))
    with pytest.raises(UserInputError, match="has forms madeupamine, got 'salt'"):
        drugs.resolve(f"{made_up}:salt")
    assert drugs.resolve(f"{made_up}:madeupamine")[1] == "madeupamine"


@pytest.mark.parametrize("dose,species,expected", [
    ({"drug": "ibuprofen"}, "human", "dosing.doses.0.drug: expected one of racemic, esketamine"),
    ({"drug": "memantine", "route": "oral"}, "rat", "dosing.doses.0.drug: drug 'memantine' has parameters "
                                                     "for human only"),
    ({"drug": "memantine", "route": "intranasal"}, "human", "dosing.doses.0.route: drug 'memantine' in "
                                                            "species human has parameters for routes"),
])
def test_a_dose_the_library_cannot_give_is_refused_at_load(dose, species, expected):
    d = {"amount": "20 mg", "route": "iv_bolus", **dose}
    with pytest.raises(UserInputError) as err:
        config_from_dict({"dosing": {"species": species, "doses": [d]}})
    assert str(err.value).startswith(expected), str(err.value)


def test_a_bad_drug_file_through_the_command_is_one_line_exit_2_and_no_file(tmp_path, capsys):
    bad = _bad(tmp_path, pk__human__v1="80 litres")
    cfg = _write(tmp_path / "exp.yaml", {"dosing": {"doses": [
        {"amount": "10 mg", "route": "iv_bolus", "drug": "bad.yaml"}]}})
    out = tmp_path / "out"
    status = main(["run", str(cfg), "--out", str(out), "--no-progress"])
    err = capsys.readouterr().err.strip()
    assert status == 2 and len(err.splitlines()) == 1, err
    assert "dosing.doses.0.drug:" in err and "pk.human.v1:" in err and str(bad.resolve()) in err
    assert not out.exists() or not any(out.rglob("*.h5"))


DOC = Path(__file__).resolve().parent.parent / "docs" / "drugs.md"


def doc_files(folder: Path) -> dict[str, Path]:
    """The files docs/drugs.md shows (```yaml <name> blocks), written to `folder`."""
    out = {}
    for name, body in re.findall(r"```yaml (\S+)\n(.*?)```", DOC.read_text(encoding="utf-8"), re.S):
        out[name] = _write(folder / name, body)
    return out


@pytest.mark.brian2
def test_the_documented_user_drug_runs_through_the_whole_chain(tmp_path, tiny_overrides, monkeypatch):
    """docs/drugs.md's example: PK, NMDA block, the circuit and its timeline, from a drug defined only in a file."""
    monkeypatch.setenv("CIRCUITSIM_CACHE_DIR", str(tmp_path / "cache"))
    files = doc_files(tmp_path)
    made_up, cfg = files["madeupamine.yaml"], files["experiment.yaml"]
    ki = drugs.read_drug(made_up).targets.nmda.ki_um["madeupamine"]
    out = tmp_path / "out"
    sets = [*tiny_overrides, "timeline.dt=10 min", "timeline.sampling.per_decade=1", "timeline.sampling.held_out=false",
            "timeline.sampling.window=100 ms", "timeline.sampling.refine=0", "circuit.vta.enabled=false"]
    status = main(["run", str(cfg), "--out", str(out), "--no-progress", "--no-figures",
                   *[a for s in sets for a in ("--set", s)]])
    assert status == 0
    (path,) = out.rglob("*.h5")
    res = read_results(path)
    tl = res.timeline
    brain = tl["brain_madeupamine_um"]
    assert brain.max() > 0 and np.all(tl["brain_s_um"] == 0)
    ic50_rac = pd.racemic_ic50_um(0.3, 1.4)
    np.testing.assert_allclose(tl["effective_um"], ic50_rac * brain / ki, rtol=1e-12)
    peak = int(np.argmax(tl["effective_um"]))
    assert tl["block_interneuron"][peak] > tl["block_pyramidal"][peak] > 0.05
    assert tl["rate_pyramidal_hz"][peak] != tl["rate_pyramidal_hz"][0]
    # The PK figure draws it in a panel of its own.
    assert other_drug_keys(tl) == ["madeupamine"]
    assert pk_figure(res, tmp_path / "pk.png").stat().st_size > 0
    # Its definition is recorded: the digest of the file in the provenance,
    # the definition itself in the stored config, which needs no file.
    assert res.provenance["drug_file_sha256_dose_0"] == drugs.file_digest(str(made_up))
    assert undocumented_names(path) == []  # docs/results.md names the drug's series and the digest
    made_up.unlink()
    stored = read_results(path).config.dosing.doses[0].drug
    assert stored["name"] == "madeupamine" and stored["form"] == "madeupamine"
    assert drugs.label(stored) == "madeupamine" and list(res.timeline_info["doses"]["drug"]) == ["madeupamine"]
