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
    assert set(run_option_keys(Config)) == {"output", "codegen_target", "threads", "timeline.sampling.cache"}
    base = config_from_dict({})
    science = science_dict(base)
    full = base.model_dump(mode="json", by_alias=True)
    assert set(full) - set(science) == {"output", "codegen_target", "threads"}
    assert "cache" not in science["timeline"]["sampling"]
    assert base.science_dict() == science
    # A run option changes nothing; a science key does.
    runs = config_from_dict({}, ["output.name=other", "output.directory=/tmp/x", "output.figures=false",
                                 "codegen_target=numpy", "threads=3", "timeline.sampling.cache=false"])
    assert science_dict(runs) == science
    assert science_dict(config_from_dict({}, ["seed=2"])) != science
    # Sections in lists and optional sections are walked too.
    dosed = load_config("stress_ketamine_7d")
    assert science_dict(dosed)["plasticity"]["arms"] == dosed.model_dump(mode="json", by_alias=True)["plasticity"]["arms"]
