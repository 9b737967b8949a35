"""Digests of every array a run writes: the golden record that a refactor must not change.

``python -m tests.golden.digest [--only NAME ...] [--out FILE] [--against GOLDEN]`` runs every
packaged config (the reduced circuit of ``circuitsim validate`` except the
default config, which runs at full scale), each in an empty response cache,
and writes one SHA-256 per dataset of its results file: spikes, binned
traces, epochs, the timeline, the slow stage and its arms. Provenance (wall
times, host) and the config text are left out: they are not results.

tests/test_golden.py compares a run of today's code with the stored file.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import h5py
import numpy as np

#: Groups of a results file that are not results (when, where, with what).
NOT_RESULTS = ("provenance", "config")

#: The reduced circuit of ``circuitsim validate`` (analysis/calibration.py):
#: a quarter of the cells at four times the connection probability.
REDUCED = (
    "circuit.pyramidal.n=1000", "circuit.interneuron.n=250",
    "circuit.e_to_e.p=0.4", "circuit.e_to_i.p=0.4", "circuit.i_to_e.p=0.4", "circuit.i_to_i.p=0.4",
    "circuit.vta.pfc_to_dopamine.p=0.4", "circuit.vta.pfc_to_gaba.p=0.4",
)

#: packaged config -> overrides of its golden run.
RUNS: dict[str, tuple[str, ...]] = {
    "default": (),
    "dose_response": REDUCED,
    "clinical_infusion": REDUCED,
    "esketamine_nasal": REDUCED,
    "rodent_ip": REDUCED,
    "enantiomers": REDUCED,
    "nbqx_ketamine": REDUCED,
    "stress_ketamine_7d": REDUCED,
    "stress_ketamine_7d_rat": REDUCED,
    "occlusion": REDUCED,
    "adolescent_ketamine": REDUCED,
    "phoumthipphavong_2016": REDUCED,
    "pryazhnikov_2018": REDUCED,
}


def dataset_digest(data: np.ndarray) -> str:
    """SHA-256 of an array's dtype kind, shape and bytes (strings as UTF-8)."""
    h = hashlib.sha256()
    if data.dtype.kind in "OSU":
        items = [x.decode() if isinstance(x, bytes) else str(x) for x in np.ravel(data)]
        h.update(b"str")
        h.update(repr(data.shape).encode())
        h.update("\x00".join(items).encode())
    else:
        arr = np.ascontiguousarray(data)
        h.update(arr.dtype.str.encode())
        h.update(repr(arr.shape).encode())
        h.update(arr.tobytes())
    return h.hexdigest()


def file_digests(path: str | os.PathLike) -> dict[str, str]:
    """``{dataset path: digest}`` of every dataset of a results file outside :data:`NOT_RESULTS`."""
    out: dict[str, str] = {}

    def visit(name: str, obj) -> None:
        if name.split("/")[0] in NOT_RESULTS or not isinstance(obj, h5py.Dataset):
            return
        out[name] = dataset_digest(obj[()] if obj.shape == () else obj[...])

    with h5py.File(path, "r") as h5:
        h5.visititems(visit)
    return dict(sorted(out.items()))


def run_digests(name: str, overrides: tuple[str, ...], workdir: Path) -> dict[str, str]:
    """Run packaged config `name` with `overrides` in an empty response cache; its digests."""
    from circuitsim.api import load_config
    from circuitsim.runner import run_experiment

    config = load_config(name, list(overrides) + [f"output.name={name}", "output.figures=false"])
    path = run_experiment(config, workdir, progress=False, figures=False)
    return file_digests(path)


def isolated_run(name: str, builds: Path) -> dict[str, str]:
    """:func:`run_digests` of `name` in a fresh process with an empty response cache.

    A fresh process, so that nothing one run leaves in memory reaches the
    next; the compiled circuits (``<cache>/standalone``) are shared, since a
    build is regenerated from the model and only decides what recompiles.
    """
    with tempfile.TemporaryDirectory() as tmp:
        cache = Path(tmp) / "cache"
        cache.mkdir()
        builds.mkdir(parents=True, exist_ok=True)
        (cache / "standalone").symlink_to(builds, target_is_directory=True)
        env = dict(os.environ, CIRCUITSIM_CACHE_DIR=str(cache))
        out = Path(tmp) / "digests.json"
        subprocess.run([sys.executable, "-m", "tests.golden.digest", "--one", name, "--out", str(out),
                        "--workdir", tmp], env=env, check=True, cwd=Path(__file__).parents[2])
        return json.loads(out.read_text())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", nargs="*", default=None, help="packaged config names (default: all)")
    parser.add_argument("--out", default=None, help="JSON file to write (default: stdout)")
    parser.add_argument("--against", default=None,
                        help="a golden file (tests/data/golden_*.json): print, per config, the datasets that differ")
    parser.add_argument("--one", default=None, help=argparse.SUPPRESS)
    parser.add_argument("--workdir", default=None, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.one:
        digests = run_digests(args.one, RUNS[args.one], Path(args.workdir))
        Path(args.out).write_text(json.dumps(digests))
        return 0
    names = args.only or list(RUNS)
    builds = Path(os.environ.get("CIRCUITSIM_CACHE_DIR") or Path.home() / ".cache" / "circuitsim") / "standalone"
    record: dict[str, dict] = {}
    for name in names:
        t0 = time.perf_counter()
        record[name] = {"overrides": list(RUNS[name]), "digests": isolated_run(name, builds)}
        print(f"{name}: {len(record[name]['digests'])} datasets, {time.perf_counter() - t0:.0f} s",
              file=sys.stderr, flush=True)
    if args.against:
        golden = json.loads(Path(args.against).read_text())["runs"]
        for name, run in record.items():
            want, got = golden[name]["digests"], run["digests"]
            changed = sorted(k for k in set(want) | set(got) if want.get(k) != got.get(k))
            print(f"{name}: {len(got)} datasets, {len(changed)} differ from the golden file {changed[:5]}",
                  file=sys.stderr)
    text = json.dumps(record, indent=1, sort_keys=True)
    if args.out:
        Path(args.out).write_text(text + "\n")
    else:
        print(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
