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

Last line: RESULT key=value ...
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

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
        simulated = len(list((cold_cache / "responses").glob("*.npz")))
    print(f"cold run (builds cached, empty response cache): {cold:.1f} s, {simulated} circuit samples simulated")
    print(f"RESULT cold_s={cold:.2f} samples_simulated={simulated} warmup_s={warm:.2f} "
          f"workers={args.workers or 'default'} target_s={args.target_s:g} met={cold <= args.target_s} "
          f"config={Path(args.config).name}")


if __name__ == "__main__":
    main()
