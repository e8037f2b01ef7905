"""Trigram indexes for the search by name (participants.selectors), on PostgreSQL only: the
search is a LIKE '%word%', which a b-tree cannot serve. SQLite has no such index and scans."""

from django.db import migrations

INDEXES = [
    ("participants_person_surname_trgm", "participants_person", "surname"),
    ("participants_person_first_name_trgm", "participants_person", "first_name"),
    ("participants_person_patronymic_trgm", "participants_person", "patronymic"),
    ("participants_payer_name_trgm", "participants_payer", "name"),
]


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, table, column in INDEXES:
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {name} ON {table} USING gin ({column} gin_trgm_ops)"
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, _table, _column in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("participants", "0002_lifeevent")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
