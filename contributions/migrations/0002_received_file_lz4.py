"""Received files are compressed with lz4 on PostgreSQL: several times faster to store than
the default pglz, for a little more disk; the bytes stay exactly as received."""

from django.db import migrations


def lz4_on(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "ALTER TABLE contributions_receivedfile ALTER COLUMN content SET COMPRESSION lz4"
        )


def lz4_off(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "ALTER TABLE contributions_receivedfile ALTER COLUMN content SET COMPRESSION pglz"
        )


class Migration(migrations.Migration):
    dependencies = [("contributions", "0001_ledger_documents_quarantine_penalties")]

    operations = [migrations.RunPython(lz4_on, lz4_off)]
