"""The parameter data file shipped inside the project (a copy of the fund's parameter set)."""

from pathlib import Path
from typing import Any

import yaml

from gfss.legal.params import ParameterInForce, ParameterSet, parameters_from_yaml_data

DATA_FILE = Path(__file__).parent / "data" / "parameters.yaml"


def read_parameter_file(
    path: Path = DATA_FILE,
) -> list[tuple[dict[str, Any], list[ParameterInForce]]]:
    with path.open(encoding="utf-8") as handle:
        return parameters_from_yaml_data(yaml.safe_load(handle))


def parameter_set_from_file(path: Path = DATA_FILE) -> ParameterSet:
    """The shipped set without a database, for pure calculations and their tests."""
    return ParameterSet.of(value for _, values in read_parameter_file(path) for value in values)
