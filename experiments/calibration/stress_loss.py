"""Spine loss after a stress history, for a spine parameter set: seconds per set, no circuit run.

Radley et al. 2004/2008 (rat medial prefrontal cortex, 21-day restraint;
SCIENCE.md): apical spine density about -16 %. The stress history of the
slow stage (``plasticity.stress``) does not enter the circuit: the cascade
stays at rest and only the neurons' stress levels act on the spines, so
the loss a parameter set gives needs only the spine kernel. This script
grows the healthy pool of a config (reduced circuit), draws the susceptible
neurons as the slow stage does (stream ``stress.susceptibility``), steps the
pool through ``plasticity.stress.duration`` with the experiment's
``slow_step`` and prints the density of all neurons (the slow stage's
``spine_density_rel`` at the dose, the calibrated number), of the stressed
and of the unstressed ones, relative to their healthy density.

    python experiments/calibration/stress_loss.py [--config stress_ketamine_7d] [--seed 1] \
        [--set key=value ...] [--grid key=v1,v2,... ...]

Last line: RESULT key=value ... of the last set.
"""

from __future__ import annotations

import argparse
import itertools

import numpy as np

from circuitsim.analysis.calibration import REDUCED_CIRCUIT
from circuitsim.cli import run_script
from circuitsim.config import load_config
from circuitsim.engine.rules import stress_levels
from circuitsim.plasticity import spines as sp
from circuitsim.plasticity.pool import healthy_pool, spine_rules
from circuitsim.seeds import int_seed

_DAY_S = 86400.0


def stress_loss(config_name: str, sets: list[str], seed: int) -> tuple[float, float, float]:
    """All, stressed and unstressed neurons' spine density after the stress history, relative to healthy.

    The first is what the slow stage records as ``spine_density_rel`` at the
    dose, the number the stress gains are calibrated on (-16 %).
    """
    cfg = load_config(config_name, [*REDUCED_CIRCUIT, f"seed={seed}", *sets])
    p = cfg.plasticity
    if p.stress is None:
        raise SystemExit(f"{config_name}: plasticity.stress: expected a stress history, got null")
    cp = healthy_pool(cfg)
    pool = cp.pool
    n = pool.n_neurons
    susceptible, level = stress_levels(cfg, n)
    rules = spine_rules(p.spines)
    dt_d = p.slow_step_s / _DAY_S
    steps = int(round(p.stress.duration_s / p.slow_step_s))
    stream = int_seed(cfg.seed, "spines.experiment")
    for k in range(steps):
        sp.step_numba(pool, k * dt_d, dt_d, k, np.ones(n), level, rules, stream)
    now = pool.density().astype(float)
    h = cp.healthy_density
    return (float(now.sum() / h.sum()), float(now[susceptible].sum() / h[susceptible].sum()),
            float(now[~susceptible].sum() / h[~susceptible].sum()))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--config", default="stress_ketamine_7d")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--set", dest="sets", action="append", default=[], metavar="KEY=VALUE")
    ap.add_argument("--grid", action="append", default=[], metavar="KEY=V1,V2,...")
    args = ap.parse_args()
    axes = [[f"{g.split('=', 1)[0]}={v}" for v in g.split("=", 1)[1].split(",")] for g in args.grid]
    every = stressed = calm = float("nan")
    for combo in itertools.product(*axes) if axes else [()]:
        every, stressed, calm = stress_loss(args.config, [*args.sets, *combo], args.seed)
        print(f"{' '.join(combo) or '(config)':<60} all {every:.3f} (target 0.84)  stressed {stressed:.3f}  "
              f"unstressed {calm:.3f}")
    print(f"RESULT density_rel={every:.4f} stressed_density_rel={stressed:.4f} unstressed_density_rel={calm:.4f}")


if __name__ == "__main__":
    run_script(main)
