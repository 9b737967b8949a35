"""Results unchanged: every packaged config's arrays digest as the dated golden file says.

The golden file (tests/data/golden_*.json) was written by
``python -m tests.golden.digest`` on the code before the upper floor was
rebuilt (issue 16): one SHA-256 per dataset of each packaged config's
results file (the reduced circuit of ``circuitsim validate``; the default
config at full scale), each run in a fresh process with an empty response
cache. The full comparison runs every config (tens of minutes on 2 cores),
so it is marked slow; the default suite checks that the file covers every
packaged config. The newest file (by name) is used: golden_2026-12-07.json
is the 2026-12-06 file with one config added (``phoumthipphavong_2016``);
golden_2026-12-07_2.json adds ``pryazhnikov_2018`` and renews the three
configs that took the spine preset of issue 18 (a deliberate change of the
science; the configs without it were digested again and are identical);
golden_2026-12-07_3.json renews ``adolescent_ketamine`` (issue 19: E->I
agents, a deliberate change of the science); golden_2026-12-07_4.json
renews every config for issue 20's compiler flags (spikes and every
slow-stage dataset identical; the monitored open fraction differs in the
last bit); golden_2026-12-07_5.json renews every config with a dosing
section for issue 20's split of a timeline's staircase into its nodes and
its held-out states (a change of each state's history: the numbers moved
within the circuit's noise); golden_2026-12-07_6.json renews every config
for issue 21's switch to the trapping block (a deliberate change of the
science: the default block model, the windows that wait for it, the
default and dose-response epochs); golden_2026-12-07_7.json renews the six
configs with a plasticity section, whose drug-free checks now wait only
the analysis transient (their measures and the timeline series sampled
from them changed, no spine dataset), and adds the imaging configs'
pre-existing elimination (issue 18). Its ``added`` and ``changed``
entries say how and why.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from golden.digest import RUNS, isolated_run

from circuitsim.config.load import PACKAGED
from circuitsim.network.standalone import cache_root

DATA = Path(__file__).parent / "data"


def golden() -> dict:
    files = sorted(DATA.glob("golden_*.json"))
    assert files, "no golden file in tests/data"
    return json.loads(files[-1].read_text())


def test_the_golden_file_covers_every_packaged_config():
    g = golden()
    runnable = {name for name in PACKAGED if not name.startswith("sweep_")}  # sweep_* are sweeps
    assert set(g["runs"]) == set(RUNS) == runnable
    for name, run in g["runs"].items():
        assert run["overrides"] == list(RUNS[name])
        assert run["digests"], name


@pytest.mark.slow
@pytest.mark.brian2
@pytest.mark.parametrize("name", sorted(RUNS))
def test_results_unchanged(name):
    got = isolated_run(name, cache_root() / "standalone")  # compiled circuits shared, responses not
    want = golden()["runs"][name]["digests"]
    changed = sorted(k for k in want if got.get(k) != want[k])
    assert sorted(got) == sorted(want), "datasets added or removed"
    assert changed == [], f"{len(changed)} datasets changed: {changed[:10]}"
