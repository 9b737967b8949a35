"""How a channel blocker differs from ketamine: selectivity from subunit IC50s and composition, partial trapping."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import SMALL_OVERRIDES

from circuitsim.config import config_from_dict, drugs
from circuitsim.config.dosing import Dose
from circuitsim.config.pharmacology import (
    BLOCKED_POPULATIONS,
    Blocker,
    PharmacologyConfig,
    Selectivity,
)
from circuitsim.errors import UserInputError
from circuitsim.network.equations import neuron_equations
from circuitsim.network.simulate import simulate_config
from circuitsim.pharmacology.pd import hill_block
from circuitsim.pharmacology.selectivity import (
    dosed_blocker,
    drug_blocker,
    population_ic50_um,
    selectivity,
)

PC = PharmacologyConfig()
KETAMINE = drugs.ketamine().targets.nmda.subunit_ic50_um


def test_the_composition_gives_ketamine_its_calibrated_population_ic50s():
    """The fractions are chosen so; a change of either side shows here."""
    for pop in BLOCKED_POPULATIONS:
        ic50 = population_ic50_um(KETAMINE, getattr(PC.composition, pop))
        assert ic50 == pytest.approx(getattr(PC.hill, f"ic50_{pop}_um"), abs=0.01), pop


def test_population_ic50_is_the_harmonic_mean_of_its_receptors():
    # Half the receptors at 1 uM, half at 3 uM: at low C the block is
    # 0.5 C / 1 + 0.5 C / 3 = C / 1.5.
    assert population_ic50_um({"GluN2A": 1.0, "GluN2B": 3.0}, {"GluN2A": 0.5, "GluN2B": 0.5}) == pytest.approx(1.5)


def test_only_the_ratios_of_a_profile_count():
    scaled = {s: 7.0 * v for s, v in KETAMINE.items()}
    sel = selectivity(scaled, KETAMINE, PC)
    assert all(getattr(sel, pop) == pytest.approx(1.0) for pop in BLOCKED_POPULATIONS)
    assert selectivity(None, KETAMINE, PC) == Selectivity()


def test_memantine_is_more_interneuron_selective_than_ketamine_with_mg():
    mem = drugs.packaged()["memantine"].targets.nmda.subunit_ic50_um
    comp = PC.composition
    expected = ((population_ic50_um(mem, comp.pyramidal) / population_ic50_um(mem, comp.interneuron))
                / (population_ic50_um(KETAMINE, comp.pyramidal) / population_ic50_um(KETAMINE, comp.interneuron)))
    b = drug_blocker("memantine", PC)
    assert b.selectivity.pyramidal == 1.0
    assert b.selectivity.interneuron == pytest.approx(expected)
    assert b.selectivity.interneuron == pytest.approx(2.11, abs=0.01)  # the figure quoted in memantine.yaml
    assert b.escape == pytest.approx(1 - 0.71 / 0.86)


def test_a_profile_sets_the_pyramidal_potency_in_place_of_ki():
    from circuitsim.pharmacology.pd import racemic_ic50_um
    from circuitsim.pharmacology.selectivity import site_ki_um

    ki = PC.enantiomers
    rac = racemic_ic50_um(ki.ki_s_um, ki.ki_r_um)
    assert site_ki_um(0.7, None, PC) == 0.7
    assert site_ki_um(0.7, KETAMINE, PC) == pytest.approx(rac)  # ketamine's own profile: ketamine's potency
    mem = drugs.packaged()["memantine"].targets.nmda.subunit_ic50_um
    ic50_pyr = population_ic50_um(mem, PC.composition.pyramidal)
    assert ic50_pyr == pytest.approx(10.6, abs=0.02)  # the figure quoted in memantine.yaml
    assert site_ki_um(0.46, mem, PC) == pytest.approx(rac * ic50_pyr / population_ic50_um(KETAMINE, PC.composition.pyramidal))


def test_ketamine_and_drugs_without_a_profile_are_ketamine():
    for ref in ("racemic", "esketamine", "arketamine"):
        assert drug_blocker(ref, PC).is_ketamine, ref
    lan = drug_blocker("lanicemine", PC)
    assert lan.selectivity == Selectivity()  # no subunit IC50s in its file
    assert lan.escape == pytest.approx(1 - 0.54 / 0.86)
    assert drug_blocker("nbqx", PC) is None


def _doses(*names: str) -> list[Dose]:
    return [Dose.model_validate({"amount": "1 mg", "route": "iv_bolus", "drug": n}) for n in names]


def test_one_blocker_per_run():
    assert dosed_blocker(_doses("racemic", "esketamine", "nbqx"), PC).is_ketamine
    assert dosed_blocker(_doses("memantine", "memantine"), PC) == drug_blocker("memantine", PC)
    with pytest.raises(UserInputError, match=r"^dosing\.doses: NMDA blockers that differ"):
        dosed_blocker(_doses("racemic", "memantine"), PC)
    with pytest.raises(UserInputError, match=r"^dosing\.doses: .*racemic, lanicemine"):
        dosed_blocker(_doses("racemic", "lanicemine"), PC)
    hand = PC.model_copy(update={"blocker": Blocker(escape=0.5)})
    with pytest.raises(UserInputError, match=r"^pharmacology\.blocker: "):
        dosed_blocker(_doses("memantine"), hand)


def test_a_mixed_run_is_refused_before_it_runs(tmp_path):
    from circuitsim.engine.run import check_runnable

    cfg = config_from_dict({"dosing": {"species": "human", "doses": [
        {"amount": "0.5 mg/kg", "route": "iv_infusion", "duration": "40 min", "drug": "racemic"},
        {"amount": "20 mg", "route": "oral", "drug": "memantine"}]}})
    with pytest.raises(UserInputError, match="NMDA blockers that differ"):
        check_runnable(cfg)


def test_the_escape_term_enters_only_a_partially_trapped_blocker():
    plain = neuron_equations("trapping", "event")
    assert "escape_rate" not in plain
    assert "escape_rate * g_nmda / g_nmda_max" in neuron_equations("trapping", "event", escape=True)


SMALL = (*SMALL_OVERRIDES, "circuit.vta.enabled=false", "protocol.wash_tau=0 s")


@pytest.mark.brian2
def test_selectivity_divides_each_population_ic50_in_the_circuit():
    cfg = config_from_dict({}, [*SMALL, "pharmacology.blocker.selectivity.interneuron=2.5",
                                "protocol.epochs=[{name: baseline, duration: 20 ms}, "
                                "{name: drug, duration: 30 ms, concentration: 3 uM}]"])
    s = simulate_config(cfg)
    late = s.trace_t_s > 0.03
    h = cfg.pharmacology.hill
    np.testing.assert_allclose(s.traces["block_pyramidal"][late], hill_block(3.0, h.ic50_pyramidal_um, 1.0),
                               rtol=1e-9)
    np.testing.assert_allclose(s.traces["block_interneuron"][late],
                               hill_block(3.0, h.ic50_interneuron_um / 2.5, 1.0), rtol=1e-9)


@pytest.mark.brian2
def test_escape_sets_each_cells_trapped_block():
    """Per cell b -> k_on C <o> / (k_on C <o> + k_off + escape <s> / tau_nmda_decay), s = o / B(V).

    The block relaxes at >= 6 /s, the gating in milliseconds: over the last
    0.3 s each cell's block follows its time-averaged o and s (5 %: the
    average of a nonlinear map).
    """
    escape = 0.8
    cfg = config_from_dict({}, [*SMALL, "pharmacology.block_model=trapping", "pharmacology.trapping.k_off=6 /s",
                                f"pharmacology.blocker.escape={escape}",
                                "recording.variables=[block, open_frac, mg_unblock]",
                                "recording.populations=[interneuron]", "recording.interval=1 ms",
                                "protocol.epochs=[{name: baseline, duration: 50 ms}, "
                                "{name: drug, duration: 0.8 s, concentration: 10 uM}]"])
    s = simulate_config(cfg)
    rec = s.recordings["interneuron"]
    late = rec.t_s > 0.55
    o = rec.values["open_frac"][late].mean(axis=0)
    gating = (rec.values["open_frac"][late] / rec.values["mg_unblock"][late]).mean(axis=0)
    tc, tau = cfg.pharmacology.trapping, cfg.circuit.receptors.tau_nmda_decay_s
    r = tc.k_on_interneuron_per_um_s * 10.0 * o
    expected = r / (r + tc.k_off_hz + escape * gating / tau)
    b = rec.values["block"][late].mean(axis=0)
    np.testing.assert_allclose(b, expected, rtol=0.05)
    without = r / (r + tc.k_off_hz)
    assert np.all(b < 0.95 * without)  # the escape is a visible part of the unblocking here
