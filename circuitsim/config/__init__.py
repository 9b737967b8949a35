"""Experiment configuration: schema, units, YAML loading."""

from .load import config_from_dict, dump_config, load_config, packaged_config_path
from .run_options import science_dict
from .schema import Config

__all__ = ["Config", "config_from_dict", "dump_config", "load_config", "packaged_config_path", "science_dict"]
