"""Create each engine's full-text index: an FTS5 table and its triggers on SQLite, a GIN index on PostgreSQL.

The statements are this migration's own (not `search.SQLITE_SETUP`, which holds the current index of
migration 0004), so that migrating an empty database replays the history as it was.
"""

from django.db import migrations

FTS_TABLE = "trials_trial_fts"
SQLITE_SETUP = (
    f"CREATE VIRTUAL TABLE {FTS_TABLE} USING fts5(title, official_title, search_terms, brief_summary, "
    "content='trials_trial', content_rowid='id', tokenize='porter unicode61 remove_diacritics 2')",
    f"CREATE TRIGGER trials_trial_fts_insert AFTER INSERT ON trials_trial BEGIN "
    f"INSERT INTO {FTS_TABLE}(rowid, title, official_title, search_terms, brief_summary) "
    "VALUES (new.id, new.title, new.official_title, new.search_terms, new.brief_summary); END",
    f"CREATE TRIGGER trials_trial_fts_delete AFTER DELETE ON trials_trial BEGIN "
    f"INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, title, official_title, search_terms, brief_summary) "
    "VALUES ('delete', old.id, old.title, old.official_title, old.search_terms, old.brief_summary); END",
    "CREATE TRIGGER trials_trial_fts_update AFTER UPDATE OF title, official_title, search_terms, brief_summary "
    f"ON trials_trial BEGIN "
    f"INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, title, official_title, search_terms, brief_summary) "
    "VALUES ('delete', old.id, old.title, old.official_title, old.search_terms, old.brief_summary); "
    f"INSERT INTO {FTS_TABLE}(rowid, title, official_title, search_terms, brief_summary) "
    "VALUES (new.id, new.title, new.official_title, new.search_terms, new.brief_summary); END",
)
SQLITE_TEARDOWN = (
    "DROP TRIGGER IF EXISTS trials_trial_fts_update",
    "DROP TRIGGER IF EXISTS trials_trial_fts_delete",
    "DROP TRIGGER IF EXISTS trials_trial_fts_insert",
    f"DROP TABLE IF EXISTS {FTS_TABLE}",
)
POSTGRES_SETUP = ("CREATE INDEX trials_trial_search_gin ON trials_trial USING GIN (search_vector)",)
POSTGRES_TEARDOWN = ("DROP INDEX IF EXISTS trials_trial_search_gin",)


def _run(statements_by_vendor):
    def apply(apps, schema_editor):
        statements = statements_by_vendor.get(schema_editor.connection.vendor)
        if statements is None:
            raise RuntimeError(
                f"trial search supports SQLite and PostgreSQL, not {schema_editor.connection.vendor}"
            )
        for statement in statements:
            schema_editor.execute(statement)

    return apply


class Migration(migrations.Migration):
    dependencies = [("trials", "0001_initial")]

    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE_SETUP, "postgresql": POSTGRES_SETUP}),
            _run({"sqlite": SQLITE_TEARDOWN, "postgresql": POSTGRES_TEARDOWN}),
        ),
    ]
