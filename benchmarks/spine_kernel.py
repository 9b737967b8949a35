"""Spine kernel speed: spine-steps per second, Numba vs the NumPy reference vs memory bandwidth.

One pool of `--neurons` x `--slots` slots (default 12 500 x 800 = 10 M) is
brought to its steady state (healthy inputs, 30 days in 12-h steps), then
stepped for `--steps` 1-hour steps with inputs that vary per neuron (synaptic
protein 1-1.5, stress 0-0.5), by

* the Numba kernel with 1 thread and with `--threads` threads,
* the NumPy reference (``--numpy-steps`` steps: it is slow),
* a memory-bandwidth yardstick: a parallel Numba loop that reads and
  writes the bytes one step of the kernel touches per slot (state 1 B,
  volume, size, clock 4 B each; volume and clock written) with no rules,

all in the same process after a warm-up call of each, so the ratios compare
like with like. A spine-step is one slot advanced by one step.

    python benchmarks/spine_kernel.py [--neurons 12500] [--slots 800] [--steps 24]
        [--numpy-steps 2] [--threads 2]

Last line: RESULT key=value ...
"""

from __future__ import annotations

import argparse
import time

import numba
import numpy as np

from circuitsim.plasticity import spines as sp
from circuitsim.plasticity.spines_reference import step_numpy

#: Benchmark rules: the kernel's cost does not depend on the values beyond the
#: event counts they produce (a few formations and eliminations per neuron
#: and day), which these give.
RULES = sp.SpineRules(k_form_per_d=0.2, k_elim_per_d=0.6, protein_formation_gain=1.0, v_half=0.5, stable_factor=0.05,
                      stress_elimination_gain=1.0, tau_volume_d=0.5, protein_volume_gain=0.5,
                      stress_shrink_gain=0.3, v_new=0.3, sigma_size=0.5, t_stable_d=2.0, v_stable=0.6)

#: Bytes per slot the yardstick moves: read state (1) + volume, size, clock (12); write volume, clock (8).
YARDSTICK_BYTES = 21


@numba.njit(parallel=True)
def _yardstick(state, volume, size, clock, a, b):
    n = len(state)
    for s in numba.prange(n):
        if state[s] != 0:
            volume[s] = volume[s] * a + size[s] * b
            clock[s] = clock[s] - b


def _time(fn, repeat: int) -> float:
    t0 = time.perf_counter()
    for k in range(repeat):
        fn(k)
    return time.perf_counter() - t0


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--neurons", type=int, default=12_500)
    ap.add_argument("--slots", type=int, default=800)
    ap.add_argument("--steps", type=int, default=24)
    ap.add_argument("--numpy-steps", type=int, default=2)
    ap.add_argument("--threads", type=int, default=min(2, numba.config.NUMBA_NUM_THREADS))
    args = ap.parse_args()

    n = args.neurons
    g = np.random.default_rng(0)
    protein, stress = 1.0 + 0.5 * g.random(n), 0.5 * g.random(n)
    pool = sp.empty_pool(np.full(n, args.slots))
    for k in range(60):
        sp.step_numba(pool, 0.5 * k, 0.5, k, np.ones(n), np.zeros(n), RULES, 1)
    t0_d = 30.0
    slots = pool.n_slots
    print(f"pool: {n} neurons x {args.slots} slots = {slots / 1e6:.1f} M slots, "
          f"occupancy {pool.present.mean():.3f}, stable {pool.stable.mean():.3f}")

    def kernel_run(p: sp.SpinePool):
        def one(k: int):
            sp.step_numba(p, t0_d + k / 24, 1 / 24, 1000 + k, protein, stress, RULES, 1)
        return one

    rates = {}
    before = numba.get_num_threads()
    try:
        for threads in sorted({1, args.threads}):
            numba.set_num_threads(threads)
            p = pool.copy()
            kernel_run(p)(0)  # warm-up (compiled already; first touch of the copy)
            wall = _time(kernel_run(p), args.steps)
            rates[threads] = slots * args.steps / wall
            print(f"numba kernel, {threads} thread(s): {rates[threads] / 1e6:.1f} M spine-steps/s")
        numba.set_num_threads(args.threads)
        y = pool.copy()
        _yardstick(y.state, y.volume, y.size, y.clock, np.float32(0.999), np.float32(1e-4))
        wall = _time(lambda k: _yardstick(y.state, y.volume, y.size, y.clock, np.float32(0.999),
                                          np.float32(1e-4)), args.steps)
    finally:
        numba.set_num_threads(before)
    yard_rate = slots * args.steps / wall
    bandwidth = yard_rate * YARDSTICK_BYTES
    print(f"yardstick ({YARDSTICK_BYTES} B per slot, {args.threads} thread(s)): {yard_rate / 1e6:.1f} M slots/s, "
          f"{bandwidth / 1e9:.2f} GB/s")

    p = pool.copy()
    wall = _time(lambda k: step_numpy(p, t0_d + k / 24, 1 / 24, 1000 + k, protein, stress, RULES, 1),
                 args.numpy_steps)
    numpy_rate = slots * args.numpy_steps / wall
    print(f"numpy reference: {numpy_rate / 1e6:.2f} M spine-steps/s")

    best = rates[args.threads]
    print(f"RESULT spine_steps_per_s={best:.4g} threads={args.threads} "
          f"one_thread_spine_steps_per_s={rates[1]:.4g} numpy_spine_steps_per_s={numpy_rate:.4g} "
          f"speedup_vs_numpy={best / numpy_rate:.1f} yardstick_slots_per_s={yard_rate:.4g} "
          f"yardstick_gb_per_s={bandwidth / 1e9:.3f} fraction_of_yardstick={best / yard_rate:.3f} "
          f"slots={slots}")


if __name__ == "__main__":
    main()
