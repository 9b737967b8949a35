"""Where the circuit is sampled: the staircase of drug states a timeline needs.

The adiabatic coupling of DESIGN.md samples the circuit's steady state at a
set of drug states and interpolates between them (docs/timeline.md). This
module chooses the states: log-spaced nodes up to a quantised top
(:func:`plan_states`), the held-out midpoints that check the interpolation,
a (ketamine, NBQX) grid's visited cells (:func:`grid_plan`), the states a
refinement round adds (:func:`refinement_plan`), and the config of the
staircase run that measures them (:func:`staircase_config`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from ..config.protocol import Epoch, ProtocolConfig, lagged_settle_s
from ..config.schema import Config
from ..pharmacology.selectivity import dosed_blocker


@dataclass(frozen=True)
class StaircasePlan:
    """The states the circuit is sampled at, in simulation order.

    ``nbqx_um`` is empty for a schedule without NBQX (all states at 0).
    """

    names: tuple[str, ...]
    concentrations_um: tuple[float, ...]
    held_out: tuple[bool, ...]
    nbqx_um: tuple[float, ...] = ()

    @property
    def nbqx(self) -> tuple[float, ...]:
        """The NBQX concentration of every state (zeros without NBQX)."""
        return self.nbqx_um or (0.0,) * len(self.names)

    @property
    def node_indices(self) -> list[int]:
        return [k for k, h in enumerate(self.held_out) if not h]

    @property
    def held_out_indices(self) -> list[int]:
        return [k for k, h in enumerate(self.held_out) if h]


#: The top node is rounded up to ``lowest * LADDER**k``: schedules whose peaks
#: differ by less than this factor (19 %) share their nodes, hence their
#: cached circuit responses (a dose sweep reuses them).
LADDER = 2.0 ** 0.25


def quantised_top(top_um: float, lowest_um: float) -> float:
    """`top_um` rounded up to the next rung ``lowest_um * LADDER**k`` (k >= 1)."""
    k = max(1, math.ceil(math.log(top_um / lowest_um) / math.log(LADDER) - 1e-9))
    return lowest_um * LADDER**k


def node_axis(peak_um: float, lowest_um: float, config: Config) -> np.ndarray:
    """0 and log-spaced nodes from `lowest_um` up to the quantised top over `peak_um`."""
    sp = config.timeline.sampling
    top = quantised_top(max(peak_um * sp.headroom, 2.0 * lowest_um), lowest_um)
    n_nonzero = max(2, math.ceil(sp.per_decade * math.log10(top / lowest_um) - 1e-9) + 1)
    return np.concatenate([[0.0], np.geomspace(lowest_um, top, n_nonzero)])


def midpoint(lo: float, hi: float) -> float:
    """The held-out state between nodes: geometric mean, or half of `hi` above 0."""
    return float(hi) / 2.0 if lo == 0 else math.sqrt(float(lo) * float(hi))


def plan_states(peak_um: float, config: Config) -> StaircasePlan:
    """Node (and held-out) concentrations for a schedule whose effective concentration peaks at `peak_um`."""
    sp = config.timeline.sampling
    nodes = node_axis(peak_um, sp.lowest_um, config)
    names, conc, held = [], [], []
    for k, c in enumerate(nodes):
        if sp.held_out and k > 0:
            mid = midpoint(nodes[k - 1], c)
            names.append(f"mid_{k - 1}")
            conc.append(float(mid))
            held.append(True)
        names.append("baseline" if k == 0 else f"node_{k}")
        conc.append(float(c))
        held.append(False)
    return StaircasePlan(tuple(names), tuple(conc), tuple(held))



def cells(x: np.ndarray, axis: np.ndarray) -> np.ndarray:
    """Index a of the cell [axis[a], axis[a+1]] that holds each of `x`."""
    return np.clip(np.searchsorted(axis, x, side="right") - 1, 0, len(axis) - 2)

def grid_axes(eff_um: np.ndarray, nbqx_um: np.ndarray, config: Config) -> tuple[np.ndarray, np.ndarray]:
    """The first nodes of the ketamine (effective) and the NBQX axis (:func:`node_axis`)."""
    sp = config.timeline.sampling
    return (node_axis(float(np.max(eff_um)), sp.lowest_um, config),
            node_axis(float(np.max(nbqx_um)), sp.lowest_nbqx_um, config))


def visited_cells(eff_um: np.ndarray, nbqx_um: np.ndarray, kx: np.ndarray,
                  nx: np.ndarray) -> list[tuple[int, int]]:
    """The grid cells (a, b) the schedule passes through."""
    return sorted(set(zip(cells(eff_um, kx).tolist(), cells(nbqx_um, nx).tolist(), strict=True)))


def cell_centre(a: int, b: int, kx: np.ndarray, nx: np.ndarray) -> tuple[float, float]:
    """(ketamine, NBQX) of the held-out state of cell (a, b)."""
    return float(midpoint(kx[a], kx[a + 1])), float(midpoint(nx[b], nx[b + 1]))


def grid_plan(states: list[tuple[float, float, bool]], prefix: str = "") -> StaircasePlan:
    """A staircase of (ketamine, NBQX, held_out) states, after the drug-free baseline.

    The order is a snake through the rows of equal NBQX (ascending; ketamine
    ascending in even rows, descending in odd ones), so consecutive states are
    neighbours wherever the states are contiguous.
    """
    rest = sorted({st for st in states if st[:2] != (0.0, 0.0)})
    rows = sorted({n for _k, n, _h in rest})
    direction = {row: (1 if r % 2 == 0 else -1) for r, row in enumerate(rows)}
    rest.sort(key=lambda st: (st[1], direction[st[1]] * st[0]))
    ordered = [(0.0, 0.0, False), *rest]
    names = ["baseline", *(f"{prefix}{'mid' if h else 'node'}_{j}" for j, (_k, _n, h) in enumerate(rest))]
    return StaircasePlan(names=tuple(names), concentrations_um=tuple(k for k, _n, _h in ordered),
                         held_out=tuple(h for *_, h in ordered),
                         nbqx_um=tuple(n for _k, n, _h in ordered))


def refinement_plan(nodes: list, bad: list[float], round_: int) -> StaircasePlan:
    """A staircase of the new held-out states around the promoted nodes `bad` (0 uM first)."""
    xs = sorted(e.concentration_um for e in nodes)
    mids = set()
    for b in bad:
        k = xs.index(b)
        for lo, hi in ((xs[k - 1], b), (b, xs[k + 1] if k + 1 < len(xs) else None)):
            if hi is None:
                continue
            mids.add(hi / 2.0 if lo == 0 else math.sqrt(lo * hi))
    mids = sorted(mids)
    names = ("baseline", *(f"r{round_}_mid_{j}" for j in range(len(mids))))
    return StaircasePlan(names, (0.0, *mids), (False, *([True] * len(mids))))



def split_held_out(plan: StaircasePlan) -> tuple[StaircasePlan, StaircasePlan | None]:
    """`plan` as two staircases: its nodes, and its held-out states (None without any).

    Each starts from the drug-free state (the reference of the relative
    measures; both runs share seed and circuit, so it is the same run up to
    the first step) and keeps the states' order. The two are independent
    samples: one can run beside the other (:mod:`circuitsim.engine.helpers`),
    and the held-out states are measured in a run of their own.
    """
    def part(keep: list[int]) -> StaircasePlan:
        idx = [0, *(k for k in keep if k != 0)]
        return StaircasePlan(names=tuple(plan.names[k] for k in idx),
                             concentrations_um=tuple(plan.concentrations_um[k] for k in idx),
                             held_out=tuple(plan.held_out[k] for k in idx),
                             nbqx_um=tuple(plan.nbqx[k] for k in idx) if plan.nbqx_um else ())

    if plan.names[0] != "baseline" or plan.held_out[0]:
        raise ValueError("a staircase starts from its drug-free node 'baseline'")
    held = plan.held_out_indices
    return part(plan.node_indices), (part(held) if held else None)


#: Significant digits of a quantity in a config (config/units.py,
#: :func:`~circuitsim.config.units.parse_quantity`): a state built in code is
#: rounded as its text would be, so the two are the same run.
CONFIG_DIGITS = 15


def config_float(x: float) -> float:
    """`x` at the config's precision (:data:`CONFIG_DIGITS` significant digits)."""
    return float(f"{float(x):.{CONFIG_DIGITS}g}")


def state_key(ketamine_um: float, nbqx_um: float) -> tuple[float, float]:
    """A drug state as it is simulated (:func:`config_float` of each concentration)."""
    return config_float(ketamine_um), config_float(nbqx_um)


def staircase_config(config: Config, plan: StaircasePlan) -> Config:
    """`config` with its protocol replaced by the staircase of `plan` (and no dosing).

    Each state is held for its settling time (:func:`settle_s`) plus
    ``sampling.window`` and measured in that window; concentrations step
    (``wash_tau`` 0). The protocol is built from numbers (never through
    config text) and the sections it replaces are the only ones that change.
    """
    settle = settle_s(config, plan)
    hold_s = config_float(settle + config.timeline.sampling.window_s)
    epochs = [Epoch.model_construct(name=n, duration_s=hold_s, concentration_um=config_float(c),
                                    nbqx_um=config_float(b))
              for n, c, b in zip(plan.names, plan.concentrations_um, plan.nbqx, strict=True)]
    protocol = ProtocolConfig.model_construct(epochs=epochs, wash_tau_s=0.0, baseline_epoch="baseline")
    update = {"protocol": protocol, "dosing": None}
    if config.dosing is not None:  # how the dosed blocker differs from ketamine outlives the dosing section
        blocker = dosed_blocker(config.dosing.doses, config.pharmacology)
        if blocker != config.pharmacology.blocker:
            update["pharmacology"] = config.pharmacology.model_copy(update={"blocker": blocker})
    if settle != config.analysis.transient_s:
        update["analysis"] = config.analysis.model_copy(update={"transient_s": config_float(settle)})
    return config.model_copy(update=update)


def settle_s(config: Config, plan: StaircasePlan) -> float:
    """How long each state of `plan` runs before its measuring window: ``analysis.transient``, or longer for a trapping block.

    The use-dependent block relaxes towards its steady state at rate
    k_on C o + k_off, never slower than ``k_off``; after
    ln(1 / ``analysis.settle_fraction``) / k_off (3 s at the default 1 /s and
    0.05) a step has covered all but that fraction of its change. A
    staircase held only for ``analysis.transient`` measured 76-79 % of the
    settled block (docs/calibration.md, "Next steps"). The Hill block
    follows the concentration at once, and a staircase without the drug
    (the drug-free checks of the slow stage; NBQX's block is a Hill block)
    has no block to wait for: the block starts at 0 and stays there.
    """
    transient = config.analysis.transient_s
    if config.pharmacology.block_model != "trapping" or not any(c > 0 for c in plan.concentrations_um):
        return transient
    return max(transient, lagged_settle_s(0.0, config.pharmacology.block_tau_s, config.analysis.settle_fraction))
