"""Baseline spine turnover as 2-day imaging would see it, for a spine parameter set: seconds per set.

The saline group of Phoumthipphavong et al. 2016 (mouse medial frontal
cortex, n = 8, 2-day intervals; as quoted in issue 18) is what the spine
rates are to be calibrated on: formed 12.9 +- 1.2 % and 14.4 +- 1.1 %,
eliminated 22.6 +- 1.9 % and 19.6 +- 1.4 % of the spines at the earlier
session. At rest (no drug, no stress: synaptic protein 1) the circuit does
not enter the spine kernel, so the turnover of a parameter set needs no
circuit run: this script grows the healthy pool of the
``phoumthipphavong_2016`` config (reduced circuit) with the parameters
given, steps it at rest with the experiment's ``slow_step`` and compares
the slots at 2-day sessions (circuitsim.plasticity.imaging, the readout of
``plasticity.imaging``).

    python experiments/calibration/turnover.py [--seed 1] [--sessions 3] [--set key=value ...] \
        [--grid key=v1,v2,... ...]

``--grid`` scans every combination of the values given (``--set`` applies
to all). Prints, per set, formed and eliminated % for each interval and the
slot occupancy; a first interval with formed well below eliminated means
the burn-in had not reached the steady state of the experiment's steps.
Last line: RESULT key=value ... of the last set.
"""

from __future__ import annotations

import argparse
import itertools

import numpy as np

from circuitsim.analysis.calibration import REDUCED_CIRCUIT
from circuitsim.cli import run_script
from circuitsim.config import load_config
from circuitsim.plasticity import spines as sp
from circuitsim.plasticity.imaging import PHOUMTHIPPHAVONG_SALINE, interval_counts
from circuitsim.plasticity.pool import healthy_pool, spine_rules
from circuitsim.seeds import int_seed

#: Saline, 2-day intervals: (formed %, SEM, eliminated %, SEM) (Phoumthipphavong et al. 2016).
SALINE = tuple(PHOUMTHIPPHAVONG_SALINE.values())
INTERVAL_D = 2.0


def imaged_turnover(sets: list[str], seed: int, sessions: int) -> tuple[list[tuple[float, float]], float]:
    """(formed %, eliminated %) per 2-day interval at rest, and the slot occupancy at the end."""
    cfg = load_config("phoumthipphavong_2016", [*REDUCED_CIRCUIT, f"seed={seed}", *sets])
    pool = healthy_pool(cfg).pool
    rules = spine_rules(cfg.plasticity.spines)
    n = cfg.circuit.pyramidal.n
    rest, calm = np.ones(n), np.zeros(n)
    dt_d = cfg.plasticity.slow_step_s / 86400.0
    per = int(round(INTERVAL_D / dt_d))
    stream = int_seed(seed, "spines.lead")  # the stream of the experiment's drug-free lead
    snaps = [(pool.present.copy(), pool.birth_d.copy())]
    for s in range(sessions - 1):
        for j in range(per):
            k = s * per + j
            sp.step_numba(pool, k * dt_d, dt_d, k, rest, calm, rules, stream)
        snaps.append((pool.present.copy(), pool.birth_d.copy()))
    out = []
    for (pa, ia), (pb, ib) in zip(snaps[:-1], snaps[1:], strict=True):
        seen, _, formed, eliminated = interval_counts(pa, ia, pb, ib)
        out.append((100.0 * formed / seen, 100.0 * eliminated / seen))
    return out, float(pool.present.sum()) / pool.n_slots


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--sessions", type=int, default=3, help="sessions 2 days apart (>= 2)")
    ap.add_argument("--set", dest="sets", action="append", default=[], metavar="KEY=VALUE")
    ap.add_argument("--grid", action="append", default=[], metavar="KEY=V1,V2,...")
    args = ap.parse_args()
    keys = [g.split("=", 1)[0] for g in args.grid]
    values = [g.split("=", 1)[1].split(",") for g in args.grid]
    print("published saline: " + " | ".join(f"formed {f} +- {fs} eliminated {e} +- {es}" for f, fs, e, es in SALINE))
    result = ""
    for combo in itertools.product(*values) if keys else [()]:
        sets = [*args.sets, *(f"{k}={v}" for k, v in zip(keys, combo, strict=True))]
        out, occupancy = imaged_turnover(sets, args.seed, args.sessions)
        cells = " | ".join(f"F {f:5.1f} E {e:5.1f}" for f, e in out)
        print(f"{' '.join(sets) or 'defaults':<70} {cells}  occupancy {occupancy:.3f}", flush=True)
        result = (f"RESULT formed_pct={out[-1][0]:.2f} eliminated_pct={out[-1][1]:.2f} "
                  f"occupancy={occupancy:.3f}")
    print(result)


if __name__ == "__main__":
    run_script(main)
