"""The imaging sessions of a plasticity run (``plasticity.imaging``): snapshots of the imaged slots.

At each session the slow stage (:mod:`circuitsim.engine.slow`) hands the
spine pool to :meth:`ImagingSessions.take`, which compares the imaged slots
with the previous session (:func:`circuitsim.plasticity.imaging.interval_counts`)
and with the reference session's (the elimination of pre-existing spines,
:func:`~circuitsim.plasticity.imaging.cohort_counts`), and keeps only the
latest snapshot and the reference session's; :meth:`ImagingSessions.readout` gives
the turnover (:class:`~circuitsim.plasticity.imaging.ImagingReadout`).

A snapshot is taken at the first step boundary at or after the session
time. Sessions before the run's start (the stress history, or the dose when
there is none) lengthen the run by a drug-free, stress-free *lead* stepped
from the healthy pool (:func:`lead_h`, the stream :data:`LEAD_STREAM`).
"""

from __future__ import annotations

import dataclasses

import numpy as np

from ..config.schema import Config
from ..plasticity.imaging import ImagingReadout, cohort_counts, interval_counts, readout_from_counts
from ..plasticity.spines import SpinePool
from ..seeds import rng

_S_PER_H = 3600.0

#: The spine kernel's random stream over the lead (the experiment's steps keep ``spines.experiment``).
LEAD_STREAM = "spines.lead"
#: Which pyramidal neurons are imaged (``plasticity.imaging.neurons``).
NEURON_STREAM = "imaging.neurons"


def lead_h(config: Config) -> float:
    """The drug-free, stress-free period (h) before the stress history or the dose that imaging needs (0: none)."""
    p = config.plasticity
    if p is None or p.imaging is None:
        return 0.0
    stress_h = p.stress.duration_s / _S_PER_H if p.stress is not None else 0.0
    return max(0.0, -p.imaging.sessions_s[0] / _S_PER_H - stress_h)


@dataclasses.dataclass
class ImagingSessions:
    """The sessions of one run: which slots are imaged, the counts so far, the last snapshot.

    The spine's identity is its formation time (``birth_d``). In an
    adolescent the maturation delay moves the formation time of young
    spines (:func:`circuitsim.plasticity.spines.delay_maturation`), so there
    it is the spine's intrinsic size factor (``size``, drawn at formation
    and never changed).
    """

    session_d: np.ndarray
    reference: int
    slots: np.ndarray
    neurons: int
    identity: str = "birth_d"
    # Counts so far, as tuples (and the last snapshot, never changed in place):
    # ``copy.copy`` of the sessions is an independent copy.
    time_h: tuple = ()
    spines: tuple = ()
    formed: tuple = ()
    eliminated: tuple = ()
    preexisting: tuple = ()
    preexisting_eliminated: tuple = ()
    last: tuple | None = None
    at_reference: tuple | None = None

    @classmethod
    def of(cls, config: Config, pool: SpinePool, adolescent: bool) -> ImagingSessions:
        """The sessions of `config` on `pool`'s slots (imaged neurons drawn from :data:`NEURON_STREAM`)."""
        im = config.plasticity.imaging
        n = pool.n_neurons
        chosen = np.ones(n, dtype=bool)
        if im.neurons is not None:
            chosen[:] = False
            chosen[rng(config.seed, NEURON_STREAM).choice(n, size=min(im.neurons, n), replace=False)] = True
        slots = np.flatnonzero(np.repeat(chosen, np.diff(pool.offsets)))
        return cls(session_d=np.asarray(im.sessions_d, dtype=np.float64), reference=im.reference, slots=slots,
                   neurons=int(chosen.sum()), identity="size" if adolescent else "birth_d")

    def take(self, pool: SpinePool, t_h: float) -> None:
        """Snapshot the imaged slots at `t_h` (h) for every session due by then."""
        while len(self.time_h) < len(self.session_d) and t_h >= 24.0 * self.session_d[len(self.time_h)] - 1e-9:
            present = pool.state[self.slots] != 0
            identity = getattr(pool, self.identity)[self.slots]
            if self.last is not None:
                _, _, formed, eliminated = interval_counts(*self.last, present, identity)
                self.formed += (formed,)
                self.eliminated += (eliminated,)
                pre = (cohort_counts(*self.at_reference, *self.last, present, identity)
                       if self.at_reference is not None else (0, 0))
                self.preexisting += (pre[0],)
                self.preexisting_eliminated += (pre[1],)
            if len(self.time_h) == self.reference:
                self.at_reference = (present, identity)
            self.spines += (int(np.count_nonzero(present)),)
            self.time_h += (float(t_h),)
            self.last = (present, identity)

    def readout(self) -> ImagingReadout:
        """The turnover between the sessions (all of them must have been taken)."""
        if len(self.time_h) != len(self.session_d):
            raise RuntimeError(f"imaging: {len(self.time_h)} of {len(self.session_d)} sessions taken")
        return readout_from_counts(self.session_d, self.time_h, self.spines, self.formed, self.eliminated,
                                   self.reference, self.neurons, self.preexisting, self.preexisting_eliminated)
