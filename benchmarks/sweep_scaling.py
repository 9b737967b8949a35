"""Sweep scaling: a 16-point sweep with 1 and then 2 local workers, in one run.

The points: the default experiment (configs/sweep_dose.yaml's base: the
calibrated circuit, a 1 s baseline and a 5 s ketamine epoch) at 8
concentrations from 0.05 to 30 uM x seeds 1 and 2. A warm-up sweep first
builds the circuit for each worker (Brian2 standalone build directories,
kept in $CIRCUITSIM_CACHE_DIR or ~/.cache/circuitsim), as any sweep after
the first finds them; then the same 16 points run with 1 worker and with 2,
each into a fresh directory.

Figures:
* ``speedup`` = wall(1 worker) / wall(2 workers); target >= 1.7 on 2 cores;
* ``overhead_fraction`` = mean over points of (point wall - simulation) /
  mean simulation, where "simulation" is the circuit's own run (the binary's
  network.run) and the rest is building, compiling, writing and analysing
  the point; target <= 0.2 (per run, worst of the two reported);
* ``identical``: every point's spikes equal between the two runs.

    python benchmarks/sweep_scaling.py

Last line: RESULT key=value ...
"""

from __future__ import annotations

import statistics
import tempfile
import time
from pathlib import Path

import numpy as np

from circuitsim.config.load import read_yaml
from circuitsim.io import read_results
from circuitsim.sweep import build_sweep, read_index, run_sweep

REPO = Path(__file__).resolve().parent.parent


def sweep_data(concentrations: dict, seeds: list[int]) -> dict:
    data = read_yaml(REPO / "configs" / "sweep_dose.yaml")
    data["sweep"] = {"time_limit": "20 min",
                     "grid": {"protocol.epochs.1.concentration": concentrations, "seed": seeds}}
    return data


def overhead_fraction(directory: Path) -> tuple[float, float, float]:
    rows = [r for r in read_index(directory) if r["status"] == "done"]
    over = [float(r["overhead_s"]) for r in rows]
    sim = [float(r["sim_s"]) for r in rows]
    return statistics.mean(over) / statistics.mean(sim), statistics.mean(over), statistics.mean(sim)


def same_spikes(a: Path, b: Path) -> bool:
    for row in read_index(a):
        ra, rb = read_results(a / row["path"]), read_results(b / row["path"])
        for pop, (t, i) in ra.spikes.items():
            if not (np.array_equal(t, rb.spikes[pop][0]) and np.array_equal(i, rb.spikes[pop][1])):
                return False
    return True


def main() -> None:
    grid = {"logspace": [0.05, 30], "num": 8, "unit": "uM"}
    points = build_sweep(sweep_data(grid, [1, 2]))
    warm = build_sweep(sweep_data(["0.8 uM"], [1, 2]))
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        t0 = time.perf_counter()
        run_sweep(warm, tmp / "warm", workers=2)
        print(f"warm-up (build per worker): {time.perf_counter() - t0:.1f} s", flush=True)
        walls = {}
        for n in (1, 2):
            t0 = time.perf_counter()
            out = run_sweep(points, tmp / f"w{n}", workers=n)
            walls[n] = time.perf_counter() - t0
            frac, over, sim = overhead_fraction(tmp / f"w{n}")
            print(f"{n} worker(s): {walls[n]:.1f} s for {len(points.points)} points "
                  f"({out.counts['done']} done); per point: simulation {sim:.2f} s, overhead {over:.2f} s "
                  f"({frac:.1%})", flush=True)
            walls[f"frac{n}"] = frac
        identical = same_spikes(tmp / "w1", tmp / "w2")
    speedup = walls[1] / walls[2]
    worst = max(walls["frac1"], walls["frac2"])
    met = speedup >= 1.7 and worst <= 0.2
    print(f"RESULT points=16 wall_1_worker_s={walls[1]:.1f} wall_2_workers_s={walls[2]:.1f} "
          f"speedup={speedup:.2f} overhead_fraction_1_worker={walls['frac1']:.3f} "
          f"overhead_fraction_2_workers={walls['frac2']:.3f} identical={identical} "
          f"target_speedup=1.7 target_overhead_fraction=0.2 met={met}")


if __name__ == "__main__":
    main()
