"""What the analysis adds to a run's record before it is written: the plasticity signatures.

The engine records what happened (:class:`circuitsim.engine.record.RunRecord`,
each arm with its role and acute peaks); :func:`annotate` measures the
signatures of SCIENCE.md from the record's own series and arms
(:func:`circuitsim.analysis.signatures.plasticity_signatures`), exactly as
they are measured from a file read back.
"""

from __future__ import annotations

import dataclasses

from ..engine.record import RunRecord
from .adolescence import adolescent_signatures
from .signatures import plasticity_signatures


def annotate(record: RunRecord) -> RunRecord:
    """`record` with its plasticity signatures (``days["signatures"]``); a record without days unchanged."""
    if not record.days or record.timeline is None:
        return record
    days = record.days
    arms = {name: ({k: v for k, v in arm.items() if k not in ("units", "attrs", "checks")}, arm["attrs"])
            for name, arm in days["arms"].items()}
    signatures = plasticity_signatures(record.timeline, arms, days["experiment"]) + adolescent_signatures(days)
    return dataclasses.replace(record, days={**days, "signatures": list(signatures)})
