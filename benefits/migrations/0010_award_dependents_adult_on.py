import re

from django.db import migrations

_NOTE = re.compile(r"youngest dependent turns 18 on (\d{4}-\d{2}-\d{2})")


def _notes_to_dates(apps, schema_editor):
    # The note was English text; the date it named is kept and the page words it.
    award = apps.get_model("benefits", "Award")
    changed = []
    for row in award.objects.filter(calculation__has_key="period_note").only("calculation"):
        calculation = dict(row.calculation)
        found = _NOTE.fullmatch(str(calculation.pop("period_note")))
        if found:
            calculation["dependents_adult_on"] = found.group(1)
        row.calculation = calculation
        changed.append(row)
    award.objects.bulk_update(changed, ["calculation"], batch_size=2000)


class Migration(migrations.Migration):
    dependencies = [("benefits", "0009_award_life_events")]

    operations = [migrations.RunPython(_notes_to_dates, migrations.RunPython.noop)]
