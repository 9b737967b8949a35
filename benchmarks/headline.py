"""The headline experiment's wall time: configs/stress_ketamine_7d.yaml, cold and warm caches.

Runs ``circuitsim run configs/stress_ketamine_7d.yaml`` twice in a row in
this process, with the same cache directory ($CIRCUITSIM_CACHE_DIR or
~/.cache/circuitsim): the first run fills the caches (Brian2 builds, the
circuit's responses, unless they are there already), the second finds
them warm. Figures included. Target (issue 4): <= 30 s warm on 2 cores.

    python benchmarks/headline.py [--config configs/stress_ketamine_7d.yaml] [--set key=value ...]

Last line: RESULT key=value ...
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from circuitsim.config import load_config
from circuitsim.runner import run_experiment

REPO = Path(__file__).resolve().parent.parent


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--config", default=str(REPO / "configs" / "stress_ketamine_7d.yaml"))
    ap.add_argument("--set", action="append", default=[], dest="overrides")
    args = ap.parse_args()
    config = load_config(args.config, args.overrides)
    walls = []
    with tempfile.TemporaryDirectory() as out:
        for label in ("first", "second"):
            t0 = time.perf_counter()
            run_experiment(config, out, progress=False)
            walls.append(time.perf_counter() - t0)
            print(f"{label} run: {walls[-1]:.1f} s")
    print(f"RESULT headline_first_s={walls[0]:.2f} headline_warm_s={walls[1]:.2f} "
          f"target_warm_s=30 met={walls[1] <= 30.0}")


if __name__ == "__main__":
    main()
