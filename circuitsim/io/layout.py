"""The results file's layout (version 1, docs/results.md): names, units, versions.

What :mod:`circuitsim.io.write` writes and :mod:`circuitsim.io.read` reads
back: the layout version stored in the file (root attribute
``circuitsim_schema_version``; a reader refuses files from a newer layout),
the SONATA identification of the spike groups, and the columns added within
layout 1 that older files lack. The names and units of the columns come with
the record (:mod:`circuitsim.engine.record`, :mod:`circuitsim.engine.records`).
"""

from __future__ import annotations

from typing import Any

import h5py
import numpy as np

#: Layout version written into (and required from) every results file.
RESULTS_SCHEMA_VERSION = 1
#: SONATA spike-file identification (root attributes ``magic`` and ``version``).
SONATA_MAGIC = np.uint32(0x0A7A)
SONATA_VERSION = np.array([0, 1], dtype=np.uint32)
#: The SONATA ``sorting`` enum of a spike population group.
SORTING_DTYPE = h5py.enum_dtype({"none": 0, "by_id": 1, "by_time": 2}, basetype=np.int8)
SORTING_BY_TIME = 2

#: Added within layout 1 with the VTA (2026-11-21): files written before lack
#: these traces and epoch columns, and read back as NaN.
VTA_TRACES = ("rate_vta_dopamine_hz", "rate_vta_gaba_hz", "dopamine_um", "dopamine_rel")
VTA_EPOCH_COLUMNS = ("rate_vta_dopamine_hz", "rate_vta_gaba_hz", "dopamine_rel")
#: Epoch columns added within layout 1 after NBQX: absent in older files, which applied none (0).
NBQX_EPOCH_COLUMNS = ("nbqx_um", "block_ampa")
STR = h5py.string_dtype(encoding="utf-8")


def str_value(value: Any) -> str:
    """An HDF5 string (bytes or str) as str."""
    return value.decode("utf-8") if isinstance(value, bytes) else str(value)


def attr_value(value: Any) -> Any:
    """An HDF5 attribute as a Python value (bytes decoded, NumPy scalars unwrapped)."""
    if isinstance(value, bytes):
        return value.decode("utf-8")
    if isinstance(value, np.generic):
        return value.item()
    return value
