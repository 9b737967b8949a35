"""Config of a bath protocol: epochs of fixed drug concentrations and the wash-in between them."""

from __future__ import annotations

import math

from pydantic import Field, model_validator

from .base import ConfigModel
from .fields import Name, Quantity
from .units import CONCENTRATION, TIME


class Epoch(ConfigModel):
    """A stretch of simulated time at one target concentration."""

    name: Name(64, r"^[A-Za-z0-9_.+-]+$")
    duration_s: Quantity(TIME, gt="0 s", le="1 h") = Field(alias="duration")
    concentration_um: Quantity(CONCENTRATION, ge="0 uM", le="10 mM") = Field(
        "0 uM", alias="concentration"
    )
    # NBQX (AMPA antagonist), brain concentration; washes in with the same wash_tau.
    nbqx_um: Quantity(CONCENTRATION, ge="0 uM", le="10 mM") = Field("0 uM", alias="nbqx")


class ProtocolConfig(ConfigModel):
    """The concentration the circuit sees over time (a bath wash-in).

    At each epoch start the concentration relaxes exponentially from its value
    to the epoch's target with ``wash_tau`` (0 s = a step).
    """

    # Default: 0.8 uM, the clinical antidepressant concentration (plasma Cmax
    # ~185 ng/mL = 0.78 uM after 0.5 mg/kg over 40 min; Zarate et al. 2006) of
    # the calibration targets. 6.5 s leave a 1.76-s steady-state window once
    # the concentration (wash_tau) and the trapping block behind it (1 /
    # k_off) have covered 95 % of the step (4.74 s; with the Hill block,
    # after the 0.3-s transient and 3 wash_tau: 3.2 s); the baseline, with no
    # wash-in, is measured for 0.7 s.
    epochs: list[Epoch] = Field(
        default_factory=lambda: [
            Epoch(name="baseline", duration="1 s", concentration="0 uM"),
            Epoch(name="ketamine", duration="6.5 s", concentration="0.8 uM"),
        ],
        min_length=1,
    )
    # Wash-in time constant. Real wash-ins take minutes (bath exchange in a
    # slice; brain uptake after a dose, which comes with the PK stage); 1 s is
    # the shortest that keeps the circuit quasi-static, i.e. several times its
    # slowest time constant (pyramidal adaptation, 144 ms). With faster
    # wash-ins (0.2 s, 0.5 s) the adaptation overshoot of the pyramidal cells
    # reverses the measured interneuron-first order (docs/calibration.md).
    wash_tau_s: Quantity(TIME, ge="0 s", le="1 h") = Field("1 s", alias="wash_tau")
    baseline_epoch: str = "baseline"

    @model_validator(mode="after")
    def _names(self) -> ProtocolConfig:
        names = [e.name for e in self.epochs]
        if len(set(names)) != len(names):
            raise ValueError(f"epoch names must be unique, got {names}")
        if self.baseline_epoch not in names:
            raise ValueError(
                f"baseline_epoch must name an epoch ({', '.join(names)}), "
                f"got {self.baseline_epoch!r}"
            )
        return self

    @property
    def duration_s(self) -> float:
        return sum(e.duration_s for e in self.epochs)

    @property
    def has_nbqx(self) -> bool:
        """Whether any epoch applies NBQX (the circuit then carries the AMPA block)."""
        return any(e.nbqx_um > 0 for e in self.epochs)

    def settle_times_s(self, settle_fraction: float, block_tau_s: float = 0.0,
                       transient_s: float = 0.0) -> list[float]:
        """Per epoch, how long (s) after ``analysis.transient`` its measuring window waits.

        0 for an epoch that keeps both concentrations (ketamine, NBQX) it
        starts at, and with ``wash_tau = 0`` (steps) and an equilibrium
        block; else ``wash_tau * ln(1 / settle_fraction)``, the time the
        wash-in takes to cover all but `settle_fraction` of its step.

        `block_tau_s` > 0 (the trapping block, 1 / k_off: its slowest
        relaxation) when the ketamine concentration changes: the block then
        follows the concentration through a second lag, and the window
        starts no earlier than the two lags together leave `settle_fraction`
        of the step (:func:`lagged_settle_s`), measured from the epoch start
        like `transient_s`.
        """
        out, c = [], (0.0, 0.0)
        decay = [math.exp(-e.duration_s / self.wash_tau_s) if self.wash_tau_s > 0 else 0.0
                 for e in self.epochs]
        for e, f in zip(self.epochs, decay, strict=True):
            target = (e.concentration_um, e.nbqx_um)
            wait = (self.wash_tau_s * math.log(1.0 / settle_fraction)
                    if self.wash_tau_s > 0 and target != c else 0.0)
            if block_tau_s > 0 and target[0] != c[0]:
                extra = lagged_settle_s(self.wash_tau_s, block_tau_s, settle_fraction) - transient_s
                if extra > 1e-9:  # not when the transient already covers it (a staircase's settling)
                    wait = max(wait, extra)
            out.append(wait)
            c = tuple(t + (x - t) * f for t, x in zip(target, c, strict=True))
        return out


def lagged_settle_s(tau_a_s: float, tau_b_s: float, settle_fraction: float) -> float:
    """When a step passed through two first-order lags (tau_a, tau_b) has all but `settle_fraction` left.

    The remaining fraction is (tau_a e^(-t/tau_a) - tau_b e^(-t/tau_b)) /
    (tau_a - tau_b), (1 + t/tau) e^(-t/tau) for equal lags, and e^(-t/tau)
    for one lag (the other 0); it falls monotonically, so bisection finds t.
    """
    a, b = sorted((tau_a_s, tau_b_s))
    if a == 0.0:
        return b * math.log(1.0 / settle_fraction)

    def left(t: float) -> float:
        if math.isclose(a, b, rel_tol=1e-9):
            return (1.0 + t / b) * math.exp(-t / b)
        return (b * math.exp(-t / b) - a * math.exp(-t / a)) / (b - a)

    lo, hi = 0.0, (a + b) * math.log(1.0 / settle_fraction) + a + b
    while left(hi) > settle_fraction:
        hi *= 2.0
    for _ in range(200):
        mid = 0.5 * (lo + hi)
        lo, hi = (mid, hi) if left(mid) > settle_fraction else (lo, mid)
    return hi
