"""A cold experiment: what a user waits for after changing a parameter (builds cached, no circuit response).

Issue 20's targets: a dosing experiment <= 20 s, the headline stress
experiment with its arms <= 60 s. A changed parameter (a dose, a seed of
the dynamics) leaves the compiled Brian2 builds usable but finds none of
the circuit's responses in the cache. This benchmark makes exactly that
state, the same every time:

1. warm-up: ``circuitsim run CONFIG`` with the cache directory of this
   machine ($CIRCUITSIM_CACHE_DIR or ~/.cache/circuitsim), untimed, so
   that every build the experiment needs is compiled (and each build slot
   the helper processes take);
2. the measured run: the same command with a fresh cache directory whose
   ``standalone/`` is the machine's (the builds) and whose ``responses/``
   is empty, timed from the start of the process to its end (imports,
   every simulation, the results file and the figures).

    python benchmarks/cold_experiment.py [--config configs/clinical_infusion.yaml] [--set key=value ...]
        [--workers N] [--target-s 20]

Last line: RESULT key=value ..., with the samples' summed simulated time
(``simulated_s``), time in their binaries' ``network.run``
(``samples_run_s``) and before it (``samples_build_s``: Python build,
code generation, make), read from the response cache the run filled.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parent.parent
EXE = shutil.which("circuitsim") or "circuitsim"


def cache_dir() -> Path:
    return Path(os.environ.get("CIRCUITSIM_CACHE_DIR") or Path.home() / ".cache" / "circuitsim")


def run(config: str, overrides: list[str], out: Path, cache: Path, workers: int) -> float:
    """Wall time (s) of one ``circuitsim run`` in its own process."""
    env = dict(os.environ, CIRCUITSIM_CACHE_DIR=str(cache))
    if workers:
        env["CIRCUITSIM_WORKERS"] = str(workers)
    cmd = [EXE, "run", config, "--out", str(out), "--no-progress"]
    for o in overrides:
        cmd += ["--set", o]
    t0 = time.perf_counter()
    subprocess.run(cmd, env=env, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - t0


def sample_costs(responses: Path) -> list[dict]:
    """The stored metadata (duration_s, wall_run_s, wall_build_s, ...) of every circuit sample in `responses`."""
    out = []
    for path in sorted(responses.glob("*.npz")):
        with np.load(path) as z:
            out.append(json.loads(bytes(z["meta"]).decode()))
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--config", default=str(REPO / "configs" / "clinical_infusion.yaml"))
    ap.add_argument("--set", action="append", default=[], dest="overrides", metavar="KEY=VALUE")
    ap.add_argument("--workers", type=int, default=0,
                    help="$CIRCUITSIM_WORKERS for both runs (default: the machine's default)")
    ap.add_argument("--target-s", type=float, default=20.0, help="the issue's target for this experiment")
    args = ap.parse_args()
    builds = cache_dir()
    builds.mkdir(parents=True, exist_ok=True)
    (builds / "standalone").mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        warm = run(args.config, args.overrides, tmp / "warm", builds, args.workers)
        print(f"warm-up (builds compiled where missing): {warm:.1f} s", flush=True)
        cold_cache = tmp / "cache"
        cold_cache.mkdir()
        (cold_cache / "standalone").symlink_to(builds / "standalone")
        cold = run(args.config, args.overrides, tmp / "cold", cold_cache, args.workers)
        samples = sample_costs(cold_cache / "responses")
    simulated = len(samples)
    sim_s = sum(m["duration_s"] for m in samples)
    run_s = sum(m["wall_run_s"] for m in samples)
    build_s = sum(m["wall_build_s"] for m in samples)
    print(f"cold run (builds cached, empty response cache): {cold:.1f} s, {simulated} circuit samples simulated")
    print(f"  {sim_s:.1f} simulated s; summed over the samples (in whichever process ran them): "
          f"{run_s:.1f} s in the binaries' network.run, {build_s:.1f} s before it (Python build, make)")
    print(f"RESULT cold_s={cold:.2f} samples_simulated={simulated} simulated_s={sim_s:.2f} "
          f"samples_run_s={run_s:.2f} samples_build_s={build_s:.2f} warmup_s={warm:.2f} "
          f"workers={args.workers or 'default'} target_s={args.target_s:g} met={cold <= args.target_s} "
          f"config={Path(args.config).name}")


if __name__ == "__main__":
    main()
