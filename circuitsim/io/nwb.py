"""Export a results file to NWB (Neurodata Without Borders) with pynwb.

What goes where:

* ``units``: one row per simulated neuron that fired, spike times in
  seconds (from ``/spikes``, ms), with the columns ``population``
  (``pyramidal``, ``interneuron``, ``vta_dopamine``, ``vta_gaba``) and
  ``node_id`` (the SONATA node id within its population).
* ``pharmacology``: the drug protocol as text (bath epochs with their
  concentrations, or the dosing schedule with routes and species).
* ``source_script`` / ``source_script_file_name``: the full resolved config
  (YAML) that produced the run, so the NWB file says how it was made.
* ``processing/misc``: the binned population traces of ``/timeseries``
  (rates, glutamate, block, concentration) as ``TimeSeries`` with their units.
* ``session_start_time``: the run's start (provenance, UTC); ``identifier``:
  derived from the results file's content hash, so one results file always
  exports to the same identifier.
* ``subject``: for a dosing experiment, the species of its pharmacokinetics
  (a simulated animal, described as such).

Requires ``pip install -e ".[nwb]"`` (pynwb).
"""

from __future__ import annotations

import hashlib
import os
import warnings
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

from ..atomic import atomic_path
from ..config import drugs, dump_config
from ..errors import UserInputError
from .read import Results, read_results

#: NWB wants Latin binomials for species.
SPECIES = {"human": "Homo sapiens", "rat": "Rattus norvegicus", "mouse": "Mus musculus"}
#: Adult, as open-ended ISO 8601 ranges: rodents from 8 weeks, humans from 18 years.
ADULT_AGE = {"human": "P18Y/", "rat": "P8W/", "mouse": "P8W/"}


def _pharmacology_text(results: Results) -> str:
    cfg = results.config
    if cfg.dosing is not None:
        d = cfg.dosing
        doses = "; ".join(
            f"{dose.amount} {drugs.label(dose.drug)} {dose.route} at {dose.start_s / 3600:g} h"
            + (f" over {dose.duration_s / 60:g} min" if dose.duration_s > 0 else "")
            for dose in d.doses)
        return (f"Simulated dosing ({d.species} pharmacokinetics, circuitsim.pharmacology.pk): {doses}. "
                f"NMDA block model: {cfg.pharmacology.block_model}.")
    epochs = "; ".join(f"{e.name}: {e.concentration_um:g} uM racemic ketamine for {e.duration_s:g} s"
                       for e in cfg.protocol.epochs)
    return (f"Simulated bath application (wash-in time constant {cfg.protocol.wash_tau_s:g} s): {epochs}. "
            f"NMDA block model: {cfg.pharmacology.block_model}.")


def _start_time(results: Results) -> datetime:
    text = str(results.provenance.get("start_time", "")).replace("Z", "+00:00")
    try:
        t = datetime.fromisoformat(text)
    except ValueError:
        t = datetime.fromtimestamp(Path(results.path).stat().st_mtime, tz=UTC)
    return t if t.tzinfo is not None else t.replace(tzinfo=UTC)


def _file_digest(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def export_nwb(results_path: str | os.PathLike, out_path: str | os.PathLike | None = None) -> Path:
    """Write the results file `results_path` as an NWB file; return its path.

    Parameters
    ----------
    results_path : str or PathLike
        A circuitsim results file (``.h5``).
    out_path : str or PathLike, optional
        Destination; default ``<results>.nwb`` next to it. Written to a
        temporary name and renamed when complete.

    Raises
    ------
    UserInputError
        If pynwb is missing or the results file cannot be read.
    """
    try:
        from hdmf.backends.hdf5.h5_utils import H5DataIO
        from pynwb import NWBHDF5IO, NWBFile, TimeSeries
        from pynwb.file import Subject
        from pynwb.misc import Units
    except ImportError:
        raise UserInputError("export-nwb: needs pynwb (pip install -e \".[nwb]\")") from None
    from ..version import __version__

    src = Path(results_path)
    results = read_results(src)
    out = Path(out_path) if out_path is not None else src.with_suffix(".nwb")
    digest = _file_digest(src)
    cfg = results.config
    nwb = NWBFile(
        session_description=(f"circuitsim {__version__} simulation '{results.name}': a spiking E/I cortical "
                             "circuit under simulated NMDA-receptor block by ketamine"),
        identifier=f"circuitsim-{digest[:32]}",
        session_start_time=_start_time(results),
        experiment_description="In-silico experiment; every quantity is simulated, none is recorded.",
        pharmacology=_pharmacology_text(results),
        source_script=dump_config(cfg),
        source_script_file_name=f"{results.name}.config.yaml",
        keywords=["ketamine", "NMDA receptor", "disinhibition", "simulation", "Brian2"],
    )
    if cfg.dosing is not None:
        species = cfg.dosing.species
        about = f"A simulated {species}: the drug's pharmacokinetics use the {species} preset."
    else:  # a bath protocol: the circuit's calibration targets are rat prefrontal cortex
        species = "rat"
        about = ("A simulated cortical circuit, calibrated to rat prefrontal cortex "
                 "(Homayoun & Moghaddam 2007); no animal.")
    # The model is of an adult (adult body weights in the PK presets, adult
    # animals in the calibration studies): an open-ended ISO 8601 age range.
    nwb.subject = Subject(subject_id=f"simulated-{species}", species=SPECIES[species],
                          description=about + " Age: adult (the model's reference, not a measured animal).",
                          age=ADULT_AGE[species], sex="U")
    nwb.units = Units(name="units", description="spikes of every simulated neuron that fired",
                      resolution=float(cfg.circuit.dt_s))
    nwb.add_unit_column(name="population", description="cell population of the simulated circuit")
    nwb.add_unit_column(name="node_id", description="SONATA node id within its population (0-based)")
    for pop in sorted(results.spikes):
        times_ms, ids = results.spikes[pop]
        order = np.lexsort((times_ms, ids))
        t_s, node = np.asarray(times_ms)[order] / 1000.0, np.asarray(ids)[order]
        cuts = np.flatnonzero(np.diff(node)) + 1
        for chunk_t, chunk_id in zip(np.split(t_s, cuts), np.split(node, cuts), strict=True):
            if chunk_t.size:
                nwb.add_unit(spike_times=chunk_t, population=pop, node_id=int(chunk_id[0]))
    traces = nwb.create_processing_module(name="misc", description="binned population traces of the simulated "
                                                                   "circuit (circuitsim /timeseries)")
    t_s = np.asarray(results.time_ms, dtype=float) / 1000.0
    steps = np.diff(t_s)
    regular = t_s.size > 1 and np.allclose(steps, steps[0], rtol=1e-9, atol=1e-12)
    timing = ({"starting_time": float(t_s[0]), "rate": float(1.0 / steps[0])} if regular
              else {"timestamps": t_s})
    for name, values in sorted(results.timeseries.items()):
        unit = results.units.get(name, "1")
        traces.add(TimeSeries(name=name, data=H5DataIO(np.asarray(values, dtype=float), compression="gzip"),
                              unit="dimensionless" if unit in ("1", "") else unit,
                              description=f"{name} ({unit})", **timing))
    _write_atomically(nwb, out, NWBHDF5IO)
    return out


def _write_atomically(nwb, out: Path, io_class) -> None:
    """Write `nwb` to `out` through the atomic writer (a temporary name ending in .tmp, then renamed)."""
    with atomic_path(out) as tmp, warnings.catch_warnings():
        # The file keeps its .nwb name; only the temporary one lacks it.
        warnings.filterwarnings("ignore", message="The file path provided", category=UserWarning)
        with io_class(str(tmp), "w") as io:
            io.write(nwb)
