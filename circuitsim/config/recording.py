"""Config of what a run records beyond spikes and population means: cell variables, written as SONATA reports."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from .base import ConfigModel
from .fields import Quantity
from .units import TIME

#: The cell variables that can be recorded, with their units (SI).
VARIABLE_UNITS = {"v": "V", "g_ampa": "S", "g_nmda": "S", "g_gaba": "S", "block": "1", "open_frac": "1",
                  "mg_unblock": "1", "w_adapt": "A"}
RecordedVariable = Literal["v", "g_ampa", "g_nmda", "g_gaba", "block", "open_frac", "mg_unblock", "w_adapt"]


class RecordingConfig(ConfigModel):
    """Which variables of which cortical cells every circuit sample records, and how often.

    ``variables``: any of ``v`` (membrane potential), ``g_ampa``, ``g_nmda``,
    ``g_gaba`` (conductances), ``block`` (the drug's NMDA block),
    ``open_frac`` (NMDA open fraction), ``mg_unblock``, ``w_adapt`` (the
    adaptation current; only cells with adaptation). Empty (default):
    nothing beyond spikes and the population means of ``/timeseries``.
    ``cells``: node ids recorded in each population of ``populations``;
    or ``fraction``: that share of each population's cells, evenly spaced;
    or ``node_set``: a node set of the network's node-sets file (the
    ``node_sets_file`` of ``circuit.network``'s circuit config; SONATA
    node-set rules, evaluated by libsonata on each population); none of
    them: every cell. Each variable becomes one SONATA soma report beside
    the results file (docs/results.md, "Reports").
    """

    variables: list[RecordedVariable] = Field(default_factory=list)
    populations: list[Literal["pyramidal", "interneuron"]] = Field(
        default_factory=lambda: ["pyramidal", "interneuron"], min_length=1)
    cells: list[int] | None = Field(None, min_length=1)
    fraction: float | None = Field(None, gt=0, le=1)
    node_set: str | None = Field(None, min_length=1)
    interval_s: Quantity(TIME, gt="0 s", le="10 s") = Field("1 ms", alias="interval")

    @model_validator(mode="after")
    def _one_selection(self) -> RecordingConfig:
        given = [k for k in ("cells", "fraction", "node_set") if getattr(self, k) is not None]
        if len(given) > 1:
            raise ValueError(f"{given[0]}: give one of cells, fraction and node_set (expected one), got "
                             + " and ".join(f"{k} {getattr(self, k)!r}" for k in given))
        if self.cells is not None and (min(self.cells) < 0 or len(set(self.cells)) != len(self.cells)):
            raise ValueError(f"cells: expected distinct node ids >= 0, got {self.cells}")
        if len(set(self.variables)) != len(self.variables):
            raise ValueError(f"variables: expected each variable once, got {self.variables}")
        return self
