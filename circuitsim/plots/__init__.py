"""Figures from a results file (Agg backend; nothing is ever shown on screen)."""

from __future__ import annotations

from pathlib import Path

from ..io.read import Results
from ._common import distinct_concentrations
from .disinhibition import disinhibition_figure
from .dose_response import dose_response_figure

#: A dose-response figure is drawn when the epochs span at least this many concentrations.
MIN_DOSE_RESPONSE_CONCENTRATIONS = 3


def write_figures(results: Results, out_dir: str | Path | None = None, name: str | None = None) -> list[Path]:
    """Write the figures a results file supports; return their paths.

    A bath protocol: ``<name>_disinhibition.png`` always;
    ``<name>_dose_response.png`` when the epochs span at least
    :data:`MIN_DOSE_RESPONSE_CONCENTRATIONS` distinct concentrations. A dosing
    experiment (``/timeline``): ``<name>_pk.png``, ``<name>_timeline.png`` and
    ``<name>_dose_response.png`` (the circuit states the timeline interpolates).

    Parameters
    ----------
    results : Results
        A results file read by :func:`circuitsim.io.read_results`.
    out_dir : str or Path, optional
        Directory for the images (must exist); default: the results file's.
    name : str, optional
        File name stem; default: the results file's name without ``.h5``.
    """
    out = Path(out_dir) if out_dir is not None else results.path.parent
    stem = name or results.name
    if results.days:
        # A plasticity experiment: the slow stage's figures, and the acute
        # ones over the drug's window only (0 to timeline.horizon).
        from .pk import pk_figure
        from .plasticity import arms_figure, cascade_figure, firing_figure, spines_figure, windowed
        from .timeline import timeline_figure

        horizon_h = results.config.timeline.horizon_s / 3600.0
        acute = windowed(results, 0.0, horizon_h)
        paths = [pk_figure(acute, out / f"{stem}_pk.png"),
                 timeline_figure(acute, out / f"{stem}_timeline.png"),
                 cascade_figure(results, out / f"{stem}_cascade.png"),
                 spines_figure(results, out / f"{stem}_spines.png"),
                 firing_figure(results, out / f"{stem}_firing.png")]
        if results.days.get("arms"):
            paths.append(arms_figure(results, out / f"{stem}_arms.png"))
        return paths
    if results.timeline is not None:
        # A dosing experiment: exposure, the acute timeline, and the circuit's
        # steady states it interpolates (the staircase, as a dose response).
        from .pk import pk_figure
        from .timeline import timeline_figure

        return [pk_figure(results, out / f"{stem}_pk.png"),
                timeline_figure(results, out / f"{stem}_timeline.png"),
                dose_response_figure(results, out / f"{stem}_dose_response.png")]
    paths = [disinhibition_figure(results, out / f"{stem}_disinhibition.png")]
    if distinct_concentrations(results) >= MIN_DOSE_RESPONSE_CONCENTRATIONS:
        paths.append(dose_response_figure(results, out / f"{stem}_dose_response.png"))
    return paths


__all__ = ["disinhibition_figure", "dose_response_figure", "write_figures"]
