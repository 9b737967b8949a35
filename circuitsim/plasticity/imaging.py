"""What two-photon imaging of the same dendrites would see: spine turnover between sessions.

In vivo imaging counts the spines on the same stretches of dendrite at a few
sessions (e.g. days -3, -1, +1, +3, ... around a dose, Phoumthipphavong et
al. 2016, eNeuro) and compares consecutive sessions spine by spine. The
model's pool knows every spine; this module sees it as imaging does: a slot
either holds a spine at a session or not, and a spine seen at two sessions
is the same spine when it sits in the same slot with the same identity (its
formation time ``birth_d`` in the pool, :class:`~circuitsim.plasticity.spines.SpinePool`).
A spine that forms and is lost between two sessions is never seen.

Pure NumPy: the engine takes the snapshots (:mod:`circuitsim.engine.sessions`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

#: Baseline turnover imaged in young-adult mouse medial frontal cortex, saline group
#: of Phoumthipphavong et al. 2016 (eNeuro; n = 8 mice, as quoted in issue 18):
#: (from day, to day) -> (formed %, SEM, eliminated %, SEM), 2-day intervals, % of
#: the spines at the earlier session. What the spine rates are to be calibrated on.
PHOUMTHIPPHAVONG_SALINE = {(-3.0, -1.0): (12.9, 1.2, 22.6, 1.9), (-1.0, 1.0): (14.4, 1.1, 19.6, 1.4)}


@dataclass(frozen=True)
class ImagingReadout:
    """Spine turnover between imaging sessions (see :func:`imaging_readout` for the definitions).

    Attributes
    ----------
    session_d : ndarray (n_sessions,)
        Session times as asked for, days from the first dose.
    time_h : ndarray (n_sessions,)
        When each snapshot was taken: the first step boundary of the run at
        or after the session (h from the first dose).
    spines : ndarray of int64 (n_sessions,)
        Spines seen at each session.
    formed, eliminated : ndarray of int64 (n_sessions - 1,)
        Spines gained and lost between consecutive sessions.
    formed_pct, eliminated_pct : ndarray (n_sessions - 1,)
        The same as % of the spines seen at the earlier session.
    density_rel : ndarray (n_sessions,)
        Spines seen relative to the reference session.
    preexisting, preexisting_eliminated : ndarray of int64 (n_sessions - 1,)
        Of the spines seen at the earlier session, those already seen (the
        same spine) at the reference session, and how many of them were
        lost by the later one; 0 for intervals that start before the
        reference session.
    preexisting_eliminated_pct : ndarray (n_sessions - 1,)
        The elimination of pre-existing spines: ``100 preexisting_eliminated
        / preexisting`` (NaN before the reference session).
    reference : int
        Index of the reference session.
    neurons : int
        Pyramidal neurons imaged.
    """

    session_d: np.ndarray
    time_h: np.ndarray
    spines: np.ndarray
    formed: np.ndarray
    eliminated: np.ndarray
    formed_pct: np.ndarray
    eliminated_pct: np.ndarray
    density_rel: np.ndarray
    preexisting: np.ndarray
    preexisting_eliminated: np.ndarray
    preexisting_eliminated_pct: np.ndarray
    reference: int
    neurons: int


def interval_counts(present_a, identity_a, present_b, identity_b) -> tuple[int, int, int, int]:
    """Spines seen at sessions a and b, and those formed and eliminated from a to b.

    Parameters
    ----------
    present_a, present_b : array of bool (n_slots,)
        Whether each slot holds a spine at session a and at session b.
    identity_a, identity_b : array (n_slots,)
        Each slot's spine identity at a and at b (e.g. its formation time);
        ignored where the slot is empty.

    Returns
    -------
    (seen_a, seen_b, formed, eliminated) : int
        A spine persists when its slot holds a spine at both sessions with
        the same identity; ``formed`` = seen at b and not persisting,
        ``eliminated`` = seen at a and not persisting. A slot whose spine
        was replaced by a new one counts once in each.
    """
    present_a = np.asarray(present_a, dtype=bool)
    present_b = np.asarray(present_b, dtype=bool)
    kept = int(np.count_nonzero(present_a & present_b & (np.asarray(identity_a) == np.asarray(identity_b))))
    seen_a, seen_b = int(np.count_nonzero(present_a)), int(np.count_nonzero(present_b))
    return seen_a, seen_b, seen_b - kept, seen_a - kept


def cohort_counts(present_ref, identity_ref, present_a, identity_a, present_b, identity_b) -> tuple[int, int]:
    """Spines seen at session a that were already there at the reference session, and how many of them b lost.

    A spine is the same at two sessions when its slot holds a spine of the
    same identity at both (as in :func:`interval_counts`). Returns
    ``(preexisting, lost)``.
    """
    same_ref = (np.asarray(present_ref, dtype=bool) & np.asarray(present_a, dtype=bool)
                & (np.asarray(identity_ref) == np.asarray(identity_a)))
    kept = np.asarray(present_b, dtype=bool) & (np.asarray(identity_b) == np.asarray(identity_a))
    return int(np.count_nonzero(same_ref)), int(np.count_nonzero(same_ref & ~kept))


def _pct(x: np.ndarray, of: np.ndarray) -> np.ndarray:
    of = np.asarray(of, dtype=np.float64)
    return np.divide(100.0 * np.asarray(x, dtype=np.float64), of, out=np.full(len(x), np.nan), where=of > 0)


def readout_from_counts(session_d, time_h, spines, formed, eliminated, reference: int = 0,
                        neurons: int = 0, preexisting=None, preexisting_eliminated=None) -> ImagingReadout:
    """The readout from the counts of :func:`interval_counts` and :func:`cohort_counts`.

    ``formed_pct[k] = 100 formed[k] / spines[k]``, ``eliminated_pct[k] =
    100 eliminated[k] / spines[k]`` (NaN when no spine was seen at session
    k), ``density_rel = spines / spines[reference]`` (NaN when none was
    seen there) and ``preexisting_eliminated_pct[k] = 100
    preexisting_eliminated[k] / preexisting[k]`` (NaN where no pre-existing
    spine was seen: before the reference session; both counts 0 when not given).
    """
    spines = np.asarray(spines, dtype=np.int64)
    formed = np.asarray(formed, dtype=np.int64)
    eliminated = np.asarray(eliminated, dtype=np.int64)
    n = len(formed)
    pre = np.zeros(n, np.int64) if preexisting is None else np.asarray(preexisting, dtype=np.int64)
    pre_lost = (np.zeros(n, np.int64) if preexisting_eliminated is None
                else np.asarray(preexisting_eliminated, dtype=np.int64))
    if not 0 <= reference < len(spines):
        raise ValueError(f"reference: expected a session index from 0 to {len(spines) - 1}, got {reference}")
    before = spines[:-1]
    ref = float(spines[reference])
    density = spines / ref if ref > 0 else np.full(len(spines), np.nan)
    return ImagingReadout(
        session_d=np.asarray(session_d, dtype=np.float64), time_h=np.asarray(time_h, dtype=np.float64),
        spines=spines, formed=formed, eliminated=eliminated, formed_pct=_pct(formed, before),
        eliminated_pct=_pct(eliminated, before), density_rel=np.asarray(density, dtype=np.float64),
        preexisting=pre, preexisting_eliminated=pre_lost, preexisting_eliminated_pct=_pct(pre_lost, pre),
        reference=int(reference), neurons=int(neurons))


def imaging_readout(session_d, present, identity, reference: int = 0, time_h=None,
                    neurons: int = 0) -> ImagingReadout:
    """What imaging the same slots at every session sees.

    Parameters
    ----------
    session_d : array (n_sessions,)
        Session times (days).
    present : array of bool (n_sessions, n_slots)
        Whether each imaged slot holds a spine at each session.
    identity : array (n_sessions, n_slots)
        The identity of each slot's spine at each session (the pool's
        formation time ``birth_d``); ignored where the slot is empty.
    reference : int
        The session that density is relative to.
    time_h : array, optional
        When each snapshot was taken (h); ``24 session_d`` by default.
    neurons : int
        How many neurons the slots belong to (stored with the readout).

    Returns
    -------
    ImagingReadout
        Between consecutive sessions k and k + 1, with N_k the spines seen
        at k and a spine seen at both when the same slot holds a spine of
        the same identity at both:

        * formation % = 100 (spines seen at k + 1 not seen at k) / N_k;
        * elimination % = 100 (spines seen at k not seen at k + 1) / N_k;

        and density relative to the reference session, N_k / N_reference;
        from the reference session on, the elimination of pre-existing
        spines: of the spines seen at k that were seen at the reference
        session, the % not seen at k + 1 (:func:`cohort_counts`; the
        elimination "of pre-existing spines" of Pryazhnikov et al. 2018).
        A spine formed and lost between two sessions counts in neither; a
        spine replaced by a new one in the same slot counts as one
        elimination and one formation.
    """
    present = np.asarray(present, dtype=bool)
    identity = np.asarray(identity)
    if present.ndim != 2 or identity.shape != present.shape or len(present) != len(session_d):
        raise ValueError(f"expected present and identity of shape (sessions, slots) with {len(session_d)} "
                         f"sessions, got {present.shape} and {identity.shape}")
    counts = [interval_counts(present[k], identity[k], present[k + 1], identity[k + 1])
              for k in range(len(present) - 1)]
    cohort = [cohort_counts(present[reference], identity[reference], present[k], identity[k],
                            present[k + 1], identity[k + 1]) if k >= reference else (0, 0)
              for k in range(len(present) - 1)]
    spines = [int(np.count_nonzero(p)) for p in present]
    t = 24.0 * np.asarray(session_d, dtype=np.float64) if time_h is None else time_h
    return readout_from_counts(session_d, t, spines, [c[2] for c in counts], [c[3] for c in counts],
                               reference, neurons, [c[0] for c in cohort], [c[1] for c in cohort])
