"""Fill PostgreSQL's `search_vector` by a trigger on every insert and text update, as SQLite's FTS5 triggers do.

The importer then writes each batch with plain multi-row inserts instead of a second UPDATE per row. An
insert that brings its own vector (a copy of stored rows) keeps it. SQLite needs nothing here.
"""

from django.db import migrations

POSTGRES_SETUP = (
    """
    CREATE OR REPLACE FUNCTION trials_trial_search_vector() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP = 'UPDATE' OR NEW.search_vector IS NULL THEN
            NEW.search_vector :=
                setweight(to_tsvector('english'::regconfig, COALESCE(NEW.title, '')), 'A')
                || setweight(to_tsvector('english'::regconfig, COALESCE(NEW.official_title, '')), 'A')
                || setweight(to_tsvector('english'::regconfig, COALESCE(NEW.search_terms, '')), 'B')
                || setweight(to_tsvector('english'::regconfig, COALESCE(NEW.brief_summary, '')), 'C');
        END IF;
        RETURN NEW;
    END
    $$
    """,
    "CREATE TRIGGER trials_trial_search_vector BEFORE INSERT OR UPDATE OF title, official_title, search_terms, "
    "brief_summary ON trials_trial FOR EACH ROW EXECUTE FUNCTION trials_trial_search_vector()",
    # Rows written before this migration already hold the same vector; fill any that do not.
    "UPDATE trials_trial SET title = title WHERE search_vector IS NULL",
)
POSTGRES_TEARDOWN = (
    "DROP TRIGGER IF EXISTS trials_trial_search_vector ON trials_trial",
    "DROP FUNCTION IF EXISTS trials_trial_search_vector()",
)


def _run(statements):
    def apply(apps, schema_editor):
        vendor = schema_editor.connection.vendor
        if vendor == "sqlite":
            return
        if vendor != "postgresql":
            raise RuntimeError(f"trial search supports SQLite and PostgreSQL, not {vendor}")
        for statement in statements:
            schema_editor.execute(statement)

    return apply


class Migration(migrations.Migration):
    dependencies = [("trials", "0002_search_index")]

    operations = [migrations.RunPython(_run(POSTGRES_SETUP), _run(POSTGRES_TEARDOWN))]
