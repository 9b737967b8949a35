"""``circuitsim validate``: the signature suite (:mod:`.suite`), its measures (:mod:`.measures`) and kinds (:mod:`.kinds`)."""

from .kinds import KIND_RULES, KINDS, classify
from .measures import (
    days_signatures,
    dissociation_tracks,
    enantiomer_potency,
    human_bolus,
    interneurons_first,
    inverted_u,
    nasal_bioavailability,
    occupancy_potency,
    rat_dose_series,
    rescue_sites,
)
from .suite import EXPERIMENTS, Experiment, Row, exit_status, format_table, run_validation

__all__ = ["EXPERIMENTS", "KINDS", "KIND_RULES", "Experiment", "Row", "classify", "days_signatures",
           "dissociation_tracks", "enantiomer_potency", "exit_status", "format_table", "human_bolus",
           "interneurons_first", "inverted_u", "nasal_bioavailability", "occupancy_potency", "rat_dose_series",
           "rescue_sites", "run_validation"]
