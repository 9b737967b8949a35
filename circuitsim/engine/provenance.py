"""Where a run came from: software versions, seeds, host and times."""

from __future__ import annotations

import platform
import shlex
import socket
import sys
from datetime import UTC, datetime
from importlib import metadata
from typing import Any

from ..config import drugs
from ..config.schema import Config
from ..network.inputs import CircuitSpec

#: Distributions whose versions every results file records (key ``<name>_version``).
RECORDED_PACKAGES = ("circuitsim", "brian2", "numpy", "numba", "h5py", "pydantic", "cython")


def utc_now() -> datetime:
    """The current time, timezone-aware, in UTC."""
    return datetime.now(UTC)


def iso_utc(t: datetime) -> str:
    """ISO 8601 in UTC with a ``Z`` suffix, to the millisecond (``2025-01-31T12:00:00.000Z``)."""
    return t.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def software_versions() -> dict[str, str]:
    """``<package>_version`` for each of :data:`RECORDED_PACKAGES`, plus Python's.

    A package that is not installed is recorded as ``"not installed"``.
    """
    out = {"python_version": platform.python_version()}
    for name in RECORDED_PACKAGES:
        try:
            out[f"{name.lower()}_version"] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[f"{name.lower()}_version"] = "not installed"
    return out


def run_provenance(
    config: Config,
    seeds: dict[str, int],
    start: datetime,
    end: datetime,
    wall_build_s: float,
    wall_run_s: float,
    run_info: dict[str, int | float] | None = None,
) -> dict[str, Any]:
    """The flat provenance mapping stored in ``/provenance`` of a results file.

    Parameters
    ----------
    config : Config
        The run's config (master seed, code generation target).
    seeds : dict
        Component -> integer seed actually used (``FastSample.seeds``); stored
        as ``seed_<component>``.
    start, end : datetime
        Wall-clock start and end of the run (stored as ISO 8601 UTC).
    wall_build_s, wall_run_s : float
        Seconds spent building the network (incl. code generation and, in
        standalone mode, compilation) and running it.
    run_info : dict, optional
        ``FastSample.run_info`` (``threads``, ``wall_binary_s``), stored as is.
    """
    prov: dict[str, Any] = software_versions()
    prov.update(
        seed=int(config.seed),
        host=socket.gethostname(),
        platform=platform.platform(),
        command=shlex.join(sys.argv),
        codegen_target=config.codegen_target,
        start_time=iso_utc(start),
        end_time=iso_utc(end),
        wall_time_s=(end - start).total_seconds(),
        wall_build_s=float(wall_build_s),
        wall_run_s=float(wall_run_s),
    )
    prov.update(run_info or {})
    # An imported network, and a drug defined in a user's file: the path is
    # in the config, the content's digest here.
    if config.circuit.network is not None:
        prov["network_digest"] = CircuitSpec.of(config).connectivity.digest
    for k, dose in enumerate(config.dosing.doses if config.dosing is not None else ()):
        digest = drugs.file_digest(dose.drug)
        if digest is not None:
            prov[f"drug_file_sha256_dose_{k}"] = digest
    for component, value in sorted(seeds.items()):
        prov[f"seed_{component.replace('.', '_')}"] = int(value)
    return prov
