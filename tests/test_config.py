"""Config loading, units and one-line errors."""

import pytest
import yaml

from circuitsim.config import Config, config_from_dict, dump_config, load_config
from circuitsim.config.units import CONCENTRATION, TIME, format_quantity, parse_quantity
from circuitsim.errors import UserInputError


@pytest.mark.parametrize(
    "text,kind,value",
    [("100 ms", TIME, 0.1), ("2 s", TIME, 2.0), ("40 min", TIME, 2400.0), ("0.8 uM", CONCENTRATION, 0.8),
     ("800 nM", CONCENTRATION, 0.8), ("0.8 µM", CONCENTRATION, 0.8), ("1e-3 mM", CONCENTRATION, 1.0)],
)
def test_parse_quantity(text, kind, value):
    assert parse_quantity(text, kind) == pytest.approx(value, rel=1e-12)


@pytest.mark.parametrize("bad", ["100", 100, "1 V", "ms", "", "1.0.0 ms", True])
def test_parse_quantity_rejects(bad):
    with pytest.raises(ValueError):
        parse_quantity(bad, TIME)


def test_format_round_trip():
    for v in [0.1, 2.5e-8, 3.57e-3, 0.0, -0.07]:
        assert parse_quantity(format_quantity(v, TIME), TIME) == pytest.approx(v, rel=1e-11, abs=0)


def test_defaults_load_and_dump_round_trip():
    c = Config()
    text = dump_config(c)
    again = config_from_dict(yaml.safe_load(text))
    assert dump_config(again) == text


def test_overrides_apply_with_units():
    c = config_from_dict({}, ["circuit.pyramidal.n=123", "protocol.epochs.1.concentration=2 uM",
                              "circuit.dt=0.05 ms"])
    assert c.circuit.pyramidal.n == 123
    assert c.protocol.epochs[1].concentration_um == pytest.approx(2.0)
    assert c.circuit.dt_s == pytest.approx(5e-5)


@pytest.mark.parametrize(
    "override,key",
    [
        ("circuit.nonsense=1", "circuit.nonsense"),
        ("circuit.pyramidal.n=0", "circuit.pyramidal.n"),
        ("circuit.pyramidal.n=many", "circuit.pyramidal.n"),
        ("circuit.dt=0.1", "circuit.dt"),
        ("circuit.dt=0.1 mV", "circuit.dt"),
        ("protocol.epochs.1.concentration=-1 uM", "protocol.epochs.1.concentration"),
        ("circuit.delay_max=5 ms", "circuit"),
    ],
)
def test_bad_input_names_the_key(override, key):
    with pytest.raises(UserInputError) as info:
        config_from_dict({}, [override])
    msg = str(info.value)
    assert msg.startswith(key), msg
    assert "\n" not in msg


def test_unreadable_file(tmp_path):
    with pytest.raises(UserInputError, match="cannot read"):
        load_config(tmp_path / "missing.yaml")
    bad = tmp_path / "bad.yaml"
    bad.write_text("circuit: [unclosed\n")
    with pytest.raises(UserInputError, match="not valid YAML"):
        load_config(bad)


def test_partial_section_keeps_its_own_defaults():
    # The interneuron section's defaults differ from a generic cell's; naming
    # one key must not reset the others to the generic values.
    full = config_from_dict({})
    cfg = config_from_dict({"circuit": {"interneuron": {"n": 10}}}, ["circuit.e_to_e.p=0.4"])
    assert cfg.circuit.interneuron.n == 10
    assert cfg.circuit.interneuron.c_m_f == full.circuit.interneuron.c_m_f
    assert cfg.circuit.interneuron.c_m_f != full.circuit.pyramidal.c_m_f
    assert cfg.circuit.e_to_e.p == 0.4
    assert cfg.circuit.e_to_e.g_ampa_s == full.circuit.e_to_e.g_ampa_s > 0
    assert cfg.circuit.external_pyramidal.g_nmda_s == full.circuit.external_pyramidal.g_nmda_s


def test_override_fills_a_null_section():
    # The default config has no dosing section (dosing is null): a dotted
    # override must create it, and a missing required key is named.
    with pytest.raises(UserInputError, match=r"^dosing\.doses: required key is missing$"):
        config_from_dict({}, ["dosing.species=rat"])
    cfg = config_from_dict({}, ["dosing.species=rat", "dosing.doses=[{amount: 10 mg/kg, route: intraperitoneal}]"])
    assert cfg.dosing.species == "rat"
    assert len(cfg.dosing.doses) == 1


def test_science_dict_leaves_out_exactly_the_run_options():
    from circuitsim.config import science_dict
    from circuitsim.config.run_options import run_option_keys
    from circuitsim.config.schema import Config as SchemaConfig

    assert SchemaConfig is Config
    assert set(run_option_keys(Config)) == {"output", "codegen_target", "threads", "workers",
                                            "timeline.sampling.cache", "plasticity.save_pools"}
    base = config_from_dict({})
    science = science_dict(base)
    full = base.model_dump(mode="json", by_alias=True)
    assert set(full) - set(science) == {"output", "codegen_target", "threads", "workers"}
    assert "cache" not in science["timeline"]["sampling"]
    assert base.science_dict() == science
    # A run option changes nothing; a science key does.
    runs = config_from_dict({}, ["output.name=other", "output.directory=/tmp/x", "output.figures=false",
                                 "codegen_target=numpy", "threads=3", "workers=1", "timeline.sampling.cache=false"])
    assert science_dict(runs) == science
    assert science_dict(config_from_dict({}, ["seed=2"])) != science
    # Sections in lists and optional sections are walked too.
    dosed = load_config("stress_ketamine_7d")
    saving = config_from_dict(dosed.model_dump(mode="json", by_alias=True), ["plasticity.save_pools=[1 d, 3 d]"])
    assert science_dict(saving) == science_dict(dosed)
    assert science_dict(dosed)["plasticity"]["arms"] == dosed.model_dump(mode="json", by_alias=True)["plasticity"]["arms"]


# ------------------------------------------------------------ validation holes
@pytest.mark.parametrize("override,key,expected", [
    ('plasticity.arms=[{name: "   "}]', "plasticity.arms.0.name", "not blank"),
    ('plasticity.arms=[{name: " stress"}]', "plasticity.arms.0.name", "leading or trailing spaces"),
    ('plasticity.arms=[{name: ""}]', "plasticity.arms.0.name", "at least 1 character"),
    ('protocol.epochs.0.name=" "', "protocol.epochs.0.name", "got ' '"),
    ('output.name=" "', "output.name", "got ' '"),
])
def test_names_must_not_be_blank(override, key, expected):
    with pytest.raises(UserInputError) as info:
        config_from_dict({}, [override])
    msg = str(info.value)
    assert msg.startswith(f"{key}: ") and expected in msg and "\n" not in msg, msg


def test_pk_parameter_names_must_not_be_blank():
    from circuitsim.pharmacology.presets import HUMAN

    data = HUMAN.model_dump(by_alias=True)
    with pytest.raises(UserInputError, match=r"^name: expected a name that is not blank, got '  '$"):
        type(HUMAN).model_validate({**data, "name": "  "})


@pytest.mark.parametrize("override,line", [
    ("circuit.pyramidal.v_threshold=1e300 mV",
     "circuit.pyramidal.v_threshold: expected a voltage from -200 mV to 100 mV, got '1e300 mV'"),
    ("circuit.receptors.e_inh=-1 V",
     "circuit.receptors.e_inh: expected a voltage from -200 mV to 100 mV, got '-1 V'"),
    ("circuit.dt=2 ms", "circuit.dt: expected a duration above 0 s and at most 1 ms, got '2 ms'"),
    ("timeline.horizon=1e9 d", "timeline.horizon: expected a duration above 0 s and at most 3650 d, got '1e9 d'"),
    ("circuit.e_to_e.g_ampa=5 S", "circuit.e_to_e.g_ampa: expected a conductance from 0 S to 1 uS, got '5 S'"),
    ("plasticity.spines.k_form=1e9 /d",
     "plasticity.spines.k_form: expected a rate above 0 /d and at most 1000 /d, got '1e9 /d'"),
    ("protocol.wash_tau=-1 s", "protocol.wash_tau: expected a duration from 0 s to 1 h, got '-1 s'"),
])
def test_quantities_have_physical_bounds(override, line):
    with pytest.raises(UserInputError) as info:
        config_from_dict({}, [override])
    assert str(info.value) == line


def test_out_of_bounds_quantity_is_one_line_exit_2(tmp_path, capsys):
    from circuitsim.cli import main

    rc = main(["run", "default", "--set", "circuit.pyramidal.v_threshold=1e300 mV", "--out", str(tmp_path),
               "--no-progress"])
    err = capsys.readouterr().err.strip().splitlines()
    assert rc == 2 and err == [
        "error: circuit.pyramidal.v_threshold: expected a voltage from -200 mV to 100 mV, got '1e300 mV'"]
    assert not list(tmp_path.iterdir())


def _quantity_fields(model, seen=None):
    """(model, field name, metadata) of every Quantity field reachable from `model`."""
    from pydantic import BaseModel

    from circuitsim.config.run_options import _model_types

    seen = set() if seen is None else seen
    if model in seen:
        return []
    seen.add(model)
    out = []
    for name, field in model.model_fields.items():
        if any(type(m).__name__ == "PlainSerializer" for m in field.metadata):
            out.append((model.__name__, name, field.metadata))
        for sub in _model_types(field.annotation):
            if issubclass(sub, BaseModel):
                out += _quantity_fields(sub, seen)
    return out


def test_every_quantity_field_has_a_lower_and_an_upper_bound():
    import annotated_types as at

    from circuitsim.config.compound import SpeciesPK
    from circuitsim.config.fields import Quantity
    from circuitsim.config.units import VOLTAGE

    fields = _quantity_fields(Config) + _quantity_fields(SpeciesPK)
    assert len(fields) > 80
    for model, name, metadata in fields:
        kinds = {type(m) for m in metadata}
        assert kinds & {at.Gt, at.Ge} and kinds & {at.Lt, at.Le}, f"{model}.{name} is unbounded"
    with pytest.raises(TypeError, match="one lower bound"):
        Quantity(VOLTAGE)
    with pytest.raises(TypeError, match="one lower bound"):
        Quantity(VOLTAGE, ge="-200 mV")


def test_a_directory_never_shadows_a_packaged_config(tmp_path, monkeypatch):
    from circuitsim.config import packaged_config_path

    monkeypatch.chdir(tmp_path)
    (tmp_path / "default").mkdir()
    assert dump_config(load_config("default")) == dump_config(load_config(packaged_config_path("default")))
    # A directory named explicitly is one line, not "Is a directory".
    (tmp_path / "other").mkdir()
    with pytest.raises(UserInputError, match=r"^config: expected a YAML config file, got the directory '[^']*other'$"):
        load_config(tmp_path / "other")


def test_spine_rates_are_named_for_what_they_hold():
    from circuitsim.config.plasticity import SpineConfig

    s = SpineConfig()
    assert s.k_form_per_s == pytest.approx(0.02 / 86400, rel=1e-12)
    assert s.k_elim_per_s == pytest.approx(0.6 / 86400, rel=1e-12)
    assert s.k_form_per_d == pytest.approx(0.02, rel=1e-12) and s.k_elim_per_d == pytest.approx(0.6, rel=1e-12)
    # The YAML keys are unchanged.
    again = SpineConfig.model_validate({"k_form": "0.04 /d", "k_elim": "1 /d"})
    assert again.k_form_per_d == pytest.approx(0.04) and again.k_elim_per_d == pytest.approx(1.0)
    assert {"k_form", "k_elim"} <= set(s.model_dump(by_alias=True))
