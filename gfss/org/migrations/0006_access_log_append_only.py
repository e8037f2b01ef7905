"""On PostgreSQL the access log refuses UPDATE and DELETE of its rows, whoever asks.

(TRUNCATE stays possible for the database owner, as a retention purge would need.)
"""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION org_accesslogentry_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'the access log is append-only';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER org_accesslogentry_append_only
    BEFORE UPDATE OR DELETE ON org_accesslogentry
    FOR EACH ROW EXECUTE FUNCTION org_accesslogentry_append_only();
"""
DROP = """
DROP TRIGGER IF EXISTS org_accesslogentry_append_only ON org_accesslogentry;
DROP FUNCTION IF EXISTS org_accesslogentry_append_only();
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("org", "0005_access_log")]

    operations = [migrations.RunPython(forwards, backwards)]
