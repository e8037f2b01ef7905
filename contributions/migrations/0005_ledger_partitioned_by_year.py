"""PostgreSQL only: the ledger becomes a table partitioned by period, one partition a year.

Works on an existing database: the table is renamed, a partitioned table of the same columns
is made with a partition per year from 2005 (or the first year in it) through next year and a
default one, the rows move over, the old table goes, and the keys, indexes and triggers are
made on the partitioned table (so the indexes are built once, after the rows are in). The
decisions it carries are written in ``contributions.models``. SQLite keeps one table.
"""

from django.db import migrations

LEDGER = "contributions_contributionline"

FORWARD = f"""
LOCK TABLE {LEDGER} IN ACCESS EXCLUSIVE MODE;
ALTER TABLE {LEDGER} RENAME TO {LEDGER}_single;
CREATE TABLE {LEDGER} (
    LIKE {LEDGER}_single INCLUDING DEFAULTS INCLUDING IDENTITY INCLUDING CONSTRAINTS
) PARTITION BY RANGE (period);
DO $$
DECLARE
    first_year int := least(2005, (SELECT extract(year FROM min(period))::int FROM {LEDGER}_single));
    last_year int := greatest(
        extract(year FROM now())::int + 1,
        (SELECT extract(year FROM max(period))::int FROM {LEDGER}_single)
    );
BEGIN
    FOR year IN first_year..last_year LOOP
        EXECUTE format(
            'CREATE TABLE {LEDGER}_y%s PARTITION OF {LEDGER} FOR VALUES FROM (%L) TO (%L)',
            year, make_date(year, 1, 1), make_date(year + 1, 1, 1)
        );
    END LOOP;
END $$;
CREATE TABLE {LEDGER}_default PARTITION OF {LEDGER} DEFAULT;
INSERT INTO {LEDGER} SELECT * FROM {LEDGER}_single;
SELECT setval(
    pg_get_serial_sequence('{LEDGER}', 'id'),
    coalesce((SELECT max(id) FROM {LEDGER}), 1),
    (SELECT count(*) > 0 FROM {LEDGER})
);
DROP TABLE {LEDGER}_single;

ALTER TABLE {LEDGER} ADD CONSTRAINT {LEDGER}_pkey PRIMARY KEY (id, period);
-- A line's period is fixed by its document line, and a reversal has its line's period: with
-- the period added these mean what they meant without it.
ALTER TABLE {LEDGER} ADD CONSTRAINT contributions_contributionline_unique_line
    UNIQUE (document_id, line_no, period);
-- Partial: an index of every line's NULL would cost the import for nothing.
CREATE UNIQUE INDEX contributions_contributionline_reversed_once ON {LEDGER} (reverses_id, period)
    WHERE reverses_id IS NOT NULL;
CREATE INDEX contrib_line_person_period ON {LEDGER} (person_id, period);
CREATE INDEX contrib_line_payer_period ON {LEDGER} (payer_id, period);
CREATE INDEX contrib_line_period_brin ON {LEDGER} USING brin (period);

CREATE FUNCTION contributions_ledger_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    -- Only moving lines out of the default partition into a new one (contributions.partitions).
    IF current_setting('gfss.ledger_maintenance', true) = 'on' THEN
        IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'The contribution ledger is append-only: % of line % refused.', TG_OP, OLD.id
        USING ERRCODE = 'restrict_violation',
              HINT = 'A correction is a reversal row and a new row.';
END $$;
CREATE TRIGGER contributions_ledger_append_only BEFORE UPDATE OR DELETE ON {LEDGER}
    FOR EACH ROW EXECUTE FUNCTION contributions_ledger_append_only();

CREATE FUNCTION contributions_ledger_reversal_check() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    -- The period in the condition prunes the look-up to one partition.
    IF NOT EXISTS (
        SELECT 1 FROM {LEDGER} WHERE id = NEW.reverses_id AND period = NEW.period
    ) THEN
        RAISE EXCEPTION 'Line % reverses line %, which is no line of period %.',
            NEW.id, NEW.reverses_id, NEW.period
            USING ERRCODE = 'foreign_key_violation';
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER contributions_ledger_reversal_check AFTER INSERT ON {LEDGER}
    FOR EACH ROW WHEN (NEW.reverses_id IS NOT NULL)
    EXECUTE FUNCTION contributions_ledger_reversal_check();

CREATE FUNCTION contributions_ledger_reference_check() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    line_id bigint := (to_jsonb(NEW) ->> TG_ARGV[0])::bigint;
BEGIN
    -- No period here: the look-up probes each partition's primary key index.
    IF NOT EXISTS (SELECT 1 FROM {LEDGER} WHERE id = line_id) THEN
        RAISE EXCEPTION '%.% = % names no contribution line.', TG_TABLE_NAME, TG_ARGV[0], line_id
            USING ERRCODE = 'foreign_key_violation';
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER contributions_quarantinedline_corrected_line_check
    AFTER INSERT OR UPDATE OF corrected_line_id ON contributions_quarantinedline
    FOR EACH ROW WHEN (NEW.corrected_line_id IS NOT NULL)
    EXECUTE FUNCTION contributions_ledger_reference_check('corrected_line_id');
CREATE TRIGGER refunds_refundline_contribution_check
    AFTER INSERT OR UPDATE OF contribution_id ON refunds_refundline
    FOR EACH ROW WHEN (NEW.contribution_id IS NOT NULL)
    EXECUTE FUNCTION contributions_ledger_reference_check('contribution_id');
CREATE TRIGGER refunds_refundposting_ledger_line_check
    AFTER INSERT OR UPDATE OF ledger_line_id ON refunds_refundposting
    FOR EACH ROW EXECUTE FUNCTION contributions_ledger_reference_check('ledger_line_id');
"""

BACKWARD = f"""
DROP TRIGGER refunds_refundposting_ledger_line_check ON refunds_refundposting;
DROP TRIGGER refunds_refundline_contribution_check ON refunds_refundline;
DROP TRIGGER contributions_quarantinedline_corrected_line_check ON contributions_quarantinedline;
ALTER TABLE {LEDGER} RENAME TO {LEDGER}_partitioned;
CREATE TABLE {LEDGER} (
    LIKE {LEDGER}_partitioned INCLUDING DEFAULTS INCLUDING IDENTITY INCLUDING CONSTRAINTS
);
INSERT INTO {LEDGER} SELECT * FROM {LEDGER}_partitioned;
SELECT setval(
    pg_get_serial_sequence('{LEDGER}', 'id'),
    coalesce((SELECT max(id) FROM {LEDGER}), 1),
    (SELECT count(*) > 0 FROM {LEDGER})
);
DROP TABLE {LEDGER}_partitioned;
DROP FUNCTION contributions_ledger_append_only();
DROP FUNCTION contributions_ledger_reversal_check();
DROP FUNCTION contributions_ledger_reference_check();
ALTER TABLE {LEDGER} ADD CONSTRAINT {LEDGER}_pkey PRIMARY KEY (id);
ALTER TABLE {LEDGER} ADD CONSTRAINT contributions_contributionline_unique_line
    UNIQUE (document_id, line_no);
ALTER TABLE {LEDGER} ADD CONSTRAINT {LEDGER}_reverses_id_key UNIQUE (reverses_id);
CREATE INDEX contrib_line_person_period ON {LEDGER} (person_id, period);
CREATE INDEX contrib_line_payer_period ON {LEDGER} (payer_id, period);
"""


def _run(schema_editor, sql):
    if schema_editor.connection.vendor == "postgresql":
        # Without parameters: the script has percent signs of its own (format()).
        with schema_editor.connection.cursor() as cursor:
            cursor.execute(sql)


def forward(apps, schema_editor):
    _run(schema_editor, FORWARD)


def backward(apps, schema_editor):
    _run(schema_editor, BACKWARD)


class Migration(migrations.Migration):
    dependencies = [
        ("contributions", "0004_ledger_references_unconstrained"),
        # Its foreign keys to the ledger are gone before the old table is dropped.
        ("refunds", "0003_ledger_references_unconstrained"),
    ]

    operations = [migrations.RunPython(forward, backward, elidable=False)]
