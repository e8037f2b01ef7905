"""Loading the shipped parameter set into the database."""

from dataclasses import dataclass
from pathlib import Path

from django.db import transaction

from gfss.legal.data_file import DATA_FILE, read_parameter_file
from gfss.legal.models import Parameter, ParameterValue
from gfss.legal.params import Scale


@dataclass(frozen=True)
class LoadReport:
    parameters_created: int
    values_created: int
    values_updated: int
    values_kept: int


@transaction.atomic
def parameters_load(*, path: Path = DATA_FILE, overwrite: bool = False) -> LoadReport:
    """Create the parameters and dated values of the data file that are missing.

    A value already in the database for the same date is kept as an administrator may have
    corrected it; ``overwrite`` makes the file win (recorded in the history like any edit).
    """
    parameters_created = values_created = values_updated = values_kept = 0
    for attributes, values in read_parameter_file(path):
        parameter, created = Parameter.objects.get_or_create(
            code=attributes["code"],
            defaults={"unit": attributes["unit"], "description": attributes["description"]},
        )
        parameters_created += created
        for value in values:
            fields = {
                "value": None if isinstance(value.value, Scale) else value.value,
                "scale": value.value.as_data() if isinstance(value.value, Scale) else None,
                "legal_ref": value.legal_ref,
                "tag": value.tag,
            }
            row, created = ParameterValue.objects.get_or_create(
                parameter=parameter, valid_from=value.valid_from, defaults=fields
            )
            if created:
                values_created += 1
            elif overwrite and any(getattr(row, k) != v for k, v in fields.items()):
                for key, field_value in fields.items():
                    setattr(row, key, field_value)
                row.full_clean()
                row.save(update_fields=[*fields, "updated_at"])
                values_updated += 1
            else:
                values_kept += 1
    return LoadReport(parameters_created, values_created, values_updated, values_kept)
