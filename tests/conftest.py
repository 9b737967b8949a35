"""Shared fixtures: Brian2 state reset, a tiny circuit, a synthetic run (no Brian2)."""

from __future__ import annotations

import fnmatch
import importlib.util
import os
import re
import sys
from pathlib import Path

import h5py
import numpy as np
import pytest

from circuitsim.config import Config, config_from_dict
from circuitsim.engine.measures import analyse
from circuitsim.network.sample import FastSample

# The suite runs its test files in two processes already (pytest-xdist): each
# experiment runs its drug-free checks in its own process, unless a test asks
# for helpers (tests/test_parallel.py).
os.environ.setdefault("CIRCUITSIM_WORKERS", "1")

#: A circuit small and short enough for a Brian2 run of ~2 s: 160 + 40 cells,
#: dense connectivity to keep the recurrent input of the calibrated circuit,
#: two 150 ms epochs (10 ms wash-in). The numpy target needs no compilation: it measured
#: 2.9 s here against 2.0 s for cached Cython and 14.6 s when Cython has to
#: compile (whenever the equations change), so tests use numpy.
#: A small circuit for checks of the equations in the circuit (tests/test_network.py,
#: tests/test_selectivity.py): 160 + 40 cells, dense connections, NumPy target,
#: the equilibrium block (a test of the trapping block sets it).
SMALL_OVERRIDES = (
    "circuit.pyramidal.n=160", "circuit.interneuron.n=40",
    "circuit.e_to_e.p=0.5", "circuit.e_to_i.p=0.5", "circuit.i_to_e.p=0.5", "circuit.i_to_i.p=0.5",
    "codegen_target=numpy", "analysis.transient=10 ms", "pharmacology.block_model=hill",
)

TINY_OVERRIDES = (
    "circuit.pyramidal.n=160",
    "circuit.interneuron.n=40",
    "circuit.e_to_e.p=0.5",
    "circuit.e_to_i.p=0.5",
    "circuit.i_to_e.p=0.5",
    "circuit.i_to_i.p=0.5",
    # The VTA scaled with it: 100 + 50 cells, every pyramidal cell an input
    # (160 of the default 400), enough for > 100 spikes of each population.
    "circuit.vta.dopamine.n=100",
    "circuit.vta.gaba.n=50",
    "circuit.vta.pfc_to_dopamine.p=1",
    "circuit.vta.pfc_to_gaba.p=1",
    "protocol.epochs.0.duration=150 ms",
    "protocol.epochs.1.duration=150 ms",
    "analysis.transient=50 ms",
    "protocol.wash_tau=10 ms",
    "codegen_target=numpy",
    "output.name=tiny",
    # The equilibrium block: 150-ms epochs cannot wait for the default
    # trapping block to settle (ln 20 / k_off = 3 s); the trapping path has
    # its own tests (test_selectivity, test_timeline, test_calibration).
    "pharmacology.block_model=hill",
)


def _reset_brian2() -> None:
    import brian2
    from brian2.devices import reinit_devices

    reinit_devices()  # also restores defaultclock.dt
    brian2.start_scope()


@pytest.fixture(autouse=True)
def reset_brian2_state():
    """Every test starts and ends with fresh Brian2 state (if Brian2 is loaded at all)."""
    if "brian2" in sys.modules:
        _reset_brian2()
    yield
    if "brian2" in sys.modules:
        _reset_brian2()


@pytest.fixture
def tiny_overrides() -> tuple[str, ...]:
    """``--set`` assignments that make the tiny circuit (see :data:`TINY_OVERRIDES`)."""
    return TINY_OVERRIDES


@pytest.fixture(scope="session")
def tiny_build_cache(tmp_path_factory):
    """A CIRCUITSIM_CACHE_DIR shared by the tiny-circuit plasticity runs of the session.

    They build the same circuit structure, so the first compiles it and the
    others reuse the build (a cold build is ~18 s of a ~21-s tiny run); their
    responses differ by content hash, so sharing changes no result.
    """
    return tmp_path_factory.mktemp("tiny_builds")


@pytest.fixture
def tiny_config() -> Config:
    """The tiny circuit as a Config."""
    return config_from_dict({}, TINY_OVERRIDES)


def synthetic_run(concentrations=(0.0, 0.8), epoch_s=0.1, seed=0, name="synthetic"):
    """(config, sample, analysis) with random spikes and made-up traces; no Brian2.

    Parameters
    ----------
    concentrations : sequence of float
        Concentration of each epoch (uM); the first epoch is the baseline.
    epoch_s : float
        Duration of each epoch (s).
    seed : int
        Seed of the random spikes.
    name : str
        ``output.name``.
    """
    names = []
    for k, c in enumerate(concentrations):
        name_k = "baseline" if k == 0 else f"c{c:g}uM"
        names.append(name_k if name_k not in names else f"{name_k}_{k}")
    epochs = [
        {"name": n, "duration": f"{epoch_s * 1e3:g} ms", "concentration": f"{c:g} uM"}
        for n, c in zip(names, concentrations, strict=True)
    ]
    config = config_from_dict(
        {"protocol": {"epochs": epochs}},
        ["circuit.pyramidal.n=20", "circuit.interneuron.n=5", "analysis.transient=20 ms",
         "protocol.wash_tau=5 ms", "pharmacology.block_model=hill",
         f"output.name={name}"],
    )
    duration = epoch_s * len(concentrations)
    rng = np.random.default_rng(seed)
    n_cells = {"pyramidal": 20, "interneuron": 5}
    spikes = {
        pop: (rng.uniform(0, duration, 40 * n), rng.integers(0, n, 40 * n).astype(np.int64))
        for pop, n in n_cells.items()
    }
    # Two spikes at the same time: sorting must break the tie by id.
    spikes["pyramidal"][0][:2] = 0.05
    per_epoch = int(round(epoch_s / 0.005))
    t = np.arange(per_epoch * len(concentrations)) * 0.005
    conc = np.repeat(np.asarray(concentrations, float), per_epoch)
    traces = {"concentration_um": conc}
    for pop, ic50 in (("pyramidal", 5.2), ("interneuron", 2.0)):
        traces[f"block_{pop}"] = conc / (conc + ic50)
        traces[f"open_{pop}"] = np.full(len(t), 0.1)
        traces[f"g_ampa_{pop}_ns"] = np.full(len(t), 3.0)
        traces[f"g_nmda_{pop}_ns"] = np.full(len(t), 1.0)
    sample = FastSample(spikes=spikes, n_cells=n_cells, trace_t_s=t, traces=traces,
                        duration_s=duration, wall_build_s=0.5, wall_run_s=1.5,
                        seeds={"dynamics": 12345})
    analysis = analyse(config, sample.spikes, sample.n_cells, sample.trace_t_s, sample.traces)
    return config, sample, analysis


SYNTHETIC_PROVENANCE = {
    "circuitsim_version": "0.1.0",
    "brian2_version": "2.9.0",
    "numpy_version": "2.3.5",
    "numba_version": "0.68.1",
    "h5py_version": "3.16.0",
    "python_version": "3.11.7",
    "seed": 1,
    "seed_dynamics": 12345,
    "host": "testhost",
    "start_time": "2025-01-01T00:00:00.000Z",
    "end_time": "2025-01-01T00:00:02.000Z",
    "wall_time_s": 2.0,
    "wall_build_s": 0.5,
    "wall_run_s": 1.5,
}


@pytest.fixture
def synthetic():
    """A synthetic (config, sample, analysis) with two epochs (0 and 0.8 uM)."""
    return synthetic_run()


@pytest.fixture
def make_synthetic():
    """The :func:`synthetic_run` factory, for other epoch layouts."""
    return synthetic_run


@pytest.fixture
def provenance() -> dict:
    """A fixed provenance mapping (copy; tests may change it)."""
    return dict(SYNTHETIC_PROVENANCE)


def undocumented_names(path) -> list[str]:
    """Groups, datasets and attributes of a results file that docs/results.md does not name.

    A name counts as documented when it appears in the page as a word or
    in backticks, or matches one of its wildcards (``plasma_*``). Spike
    populations, arms and the ``day <d>`` spine pools are named by the
    SONATA layout and the config.
    """
    doc = (Path(__file__).parents[1] / "docs" / "results.md").read_text()
    words = {w.strip(",.:") for w in re.split(r"[,\s/│├└─`()]+", doc)}
    words |= {w for line in doc.splitlines() for w in re.findall(r"`([^`/]+)`", line)}  # `at dose`
    patterns = [w for w in words if re.fullmatch(r"[a-z][a-z0-9_]*\*[a-z0-9_*]*", w)]  # plasma_*, rate_*_hz

    def known(name: str) -> bool:
        return name in words or any(fnmatch.fnmatch(name, p) for p in patterns)

    missing: set[str] = set()

    def visit(name, obj):
        where = re.sub(r"arms/[^/]+", "arms/<arm>", name)
        parent, _, leaf = name.rpartition("/")
        # spike populations are named by the SONATA layout, arms and saved days by their config
        by_config = parent.endswith("arms") or (parent == "spines/pool" and re.fullmatch(r"day [0-9.e+-]+", leaf))
        if not name.startswith("spikes/") and not by_config and not known(leaf):
            missing.add(where)
        missing.update(f"{where}@{a}" for a in obj.attrs if not known(a))

    with h5py.File(path, "r") as h5:
        missing.update(f"@{a}" for a in h5.attrs if not known(a))
        h5.visititems(visit)
    return sorted(missing)


#: A short plasticity experiment (tests/test_days.py, tests/test_imaging.py): 2 days of
#: stress, one clinical infusion, 2 days after; a 40-day burn-in (the pool is small),
#: coarse steps.
SHORT = {
    "dosing": {"doses": [{"amount": "0.5 mg/kg", "route": "iv_infusion", "duration": "40 min"}]},
    "timeline": {"horizon": "6 h", "dt": "10 min",
                 "sampling": {"per_decade": 1, "window": "100 ms", "refine": 0}},
    "plasticity": {"stress": {"duration": "2 d", "level": 4.0},
                   "days_after": "2 d", "acute_step": "30 min", "slow_step": "6 h",
                   "spines": {"burn_in": "40 d"}},
}


def load_script(path: Path, name: str):
    """The module of a script outside the package (benchmarks/, experiments/), imported by path as `name`."""
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def script_help(module, path: Path, monkeypatch, capsys) -> str:
    """What ``<script> --help`` prints (its ``main()`` must exit 0)."""
    monkeypatch.setattr(sys, "argv", [str(path), "--help"])
    with pytest.raises(SystemExit) as info:
        module.main()
    assert info.value.code == 0
    return capsys.readouterr().out
