"""Put each trial's facet values into the full-text index as words, and track writes with a state token.

`Trial.search_facets` holds one word per facet value (`search.facet_token`); SQLite's FTS5 table gains
it as a fifth column, PostgreSQL's search vector as weight-D lexemes of the 'simple' configuration.
A search's filters are then terms of the same index query as its words. Existing rows get their words
from their facet rows. `TrialSearchState.token` changes on every insert, update or
delete of trials (a trigger, which also writes the row again if a flush emptied the table), so cached
whole-table figures know when they are stale.
"""

import django.db.models.deletion
from django.db import migrations, models

from celldecide.web.trials import search

OLD_SQLITE_TEARDOWN = (
    "DROP TRIGGER IF EXISTS trials_trial_fts_update",
    "DROP TRIGGER IF EXISTS trials_trial_fts_delete",
    "DROP TRIGGER IF EXISTS trials_trial_fts_insert",
    "DROP TABLE IF EXISTS trials_trial_fts",
)
OLD_SQLITE_SETUP = (
    "CREATE VIRTUAL TABLE trials_trial_fts USING fts5(title, official_title, search_terms, brief_summary, "
    "content='trials_trial', content_rowid='id', tokenize='porter unicode61 remove_diacritics 2')",
    "CREATE TRIGGER trials_trial_fts_insert AFTER INSERT ON trials_trial BEGIN "
    "INSERT INTO trials_trial_fts(rowid, title, official_title, search_terms, brief_summary) "
    "VALUES (new.id, new.title, new.official_title, new.search_terms, new.brief_summary); END",
    "CREATE TRIGGER trials_trial_fts_delete AFTER DELETE ON trials_trial BEGIN "
    "INSERT INTO trials_trial_fts(trials_trial_fts, rowid, title, official_title, search_terms, brief_summary) "
    "VALUES ('delete', old.id, old.title, old.official_title, old.search_terms, old.brief_summary); END",
    "CREATE TRIGGER trials_trial_fts_update AFTER UPDATE OF title, official_title, search_terms, brief_summary "
    "ON trials_trial BEGIN "
    "INSERT INTO trials_trial_fts(trials_trial_fts, rowid, title, official_title, search_terms, brief_summary) "
    "VALUES ('delete', old.id, old.title, old.official_title, old.search_terms, old.brief_summary); "
    "INSERT INTO trials_trial_fts(rowid, title, official_title, search_terms, brief_summary) "
    "VALUES (new.id, new.title, new.official_title, new.search_terms, new.brief_summary); END",
    "INSERT INTO trials_trial_fts(trials_trial_fts) VALUES ('rebuild')",
)
SQLITE_STATE = tuple(
    f"CREATE TRIGGER trials_trial_state_{event.lower()} AFTER {event} ON trials_trial BEGIN "
    "INSERT OR REPLACE INTO trials_trialsearchstate (id, token) VALUES (1, lower(hex(randomblob(8)))); END"
    for event in ("INSERT", "UPDATE", "DELETE")
)
SQLITE_STATE_TEARDOWN = tuple(
    f"DROP TRIGGER IF EXISTS trials_trial_state_{event}" for event in ("insert", "update", "delete")
)


def _postgres_vector_function(with_facets: bool) -> str:
    facets = (
        "\n                || setweight(to_tsvector('simple'::regconfig, COALESCE(NEW.search_facets, '')), 'D')"
        if with_facets
        else ""
    )
    return f"""
    CREATE OR REPLACE FUNCTION trials_trial_search_vector() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP = 'UPDATE' OR NEW.search_vector IS NULL THEN
            NEW.search_vector :=
                setweight(to_tsvector('english'::regconfig, COALESCE(NEW.title, '')), 'A')
                || setweight(to_tsvector('english'::regconfig, COALESCE(NEW.official_title, '')), 'A')
                || setweight(to_tsvector('english'::regconfig, COALESCE(NEW.search_terms, '')), 'B')
                || setweight(to_tsvector('english'::regconfig, COALESCE(NEW.brief_summary, '')), 'C'){facets};
        END IF;
        RETURN NEW;
    END
    $$
    """


def _postgres_vector_trigger(columns: str) -> tuple[str, str]:
    return (
        "DROP TRIGGER IF EXISTS trials_trial_search_vector ON trials_trial",
        f"CREATE TRIGGER trials_trial_search_vector BEFORE INSERT OR UPDATE OF {columns} ON trials_trial "
        "FOR EACH ROW EXECUTE FUNCTION trials_trial_search_vector()",
    )


POSTGRES_STATE = (
    """
    CREATE OR REPLACE FUNCTION trials_trial_state() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        INSERT INTO trials_trialsearchstate (id, token) VALUES (1, md5(random()::text || clock_timestamp()::text))
            ON CONFLICT (id) DO UPDATE SET token = EXCLUDED.token;
        RETURN NULL;
    END
    $$
    """,
    "CREATE TRIGGER trials_trial_state AFTER INSERT OR UPDATE OR DELETE ON trials_trial "
    "FOR EACH STATEMENT EXECUTE FUNCTION trials_trial_state()",
)
POSTGRES_STATE_TEARDOWN = (
    "DROP TRIGGER IF EXISTS trials_trial_state ON trials_trial",
    "DROP FUNCTION IF EXISTS trials_trial_state()",
)


def _vendor(schema_editor) -> str:
    vendor = schema_editor.connection.vendor
    if vendor not in {"sqlite", "postgresql"}:
        raise RuntimeError(f"trial search supports SQLite and PostgreSQL, not {vendor}")
    return vendor


def _fill_facet_words(apps, schema_editor) -> None:
    """Give every stored trial the words of its facet rows."""
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        cursor.execute("SELECT trial_id, kind, value FROM trials_trialfacet ORDER BY trial_id, kind, value")
        words: dict[int, list[str]] = {}
        for trial_id, kind, value in cursor.fetchall():
            words.setdefault(trial_id, []).append(search.facet_token(kind, value))
        if words:
            cursor.executemany(
                "UPDATE trials_trial SET search_facets = %s WHERE id = %s",
                [(" ".join(tokens), trial_id) for trial_id, tokens in words.items()],
            )


def forwards(apps, schema_editor) -> None:
    vendor = _vendor(schema_editor)
    apps.get_model("trials", "TrialSearchState").objects.create(id=1, token="initial")
    if vendor == "sqlite":
        for statement in OLD_SQLITE_TEARDOWN:
            schema_editor.execute(statement)
        _fill_facet_words(apps, schema_editor)
        for statement in (*search.SQLITE_SETUP, *SQLITE_STATE):
            schema_editor.execute(statement)
        schema_editor.execute(f"INSERT INTO {search.FTS_TABLE}({search.FTS_TABLE}) VALUES ('rebuild')")
    else:
        schema_editor.execute(_postgres_vector_function(with_facets=True))
        for statement in _postgres_vector_trigger("title, official_title, search_terms, brief_summary, search_facets"):
            schema_editor.execute(statement)
        _fill_facet_words(apps, schema_editor)
        for statement in POSTGRES_STATE:
            schema_editor.execute(statement)


def backwards(apps, schema_editor) -> None:
    vendor = _vendor(schema_editor)
    if vendor == "sqlite":
        for statement in (*SQLITE_STATE_TEARDOWN, *search.SQLITE_TEARDOWN, *OLD_SQLITE_SETUP):
            schema_editor.execute(statement)
    else:
        for statement in POSTGRES_STATE_TEARDOWN:
            schema_editor.execute(statement)
        schema_editor.execute(_postgres_vector_function(with_facets=False))
        for statement in _postgres_vector_trigger("title, official_title, search_terms, brief_summary"):
            schema_editor.execute(statement)
        schema_editor.execute("UPDATE trials_trial SET title = title")


class Migration(migrations.Migration):
    dependencies = [("trials", "0003_search_vector_trigger")]

    operations = [
        migrations.AddField(
            model_name="trial",
            name="search_facets",
            field=models.TextField(blank=True, default="", editable=False),
        ),
        migrations.CreateModel(
            name="TrialSearchState",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("token", models.CharField(default="", max_length=32)),
            ],
        ),
        migrations.RunPython(forwards, backwards),
        # The (trial, kind, value) unique index serves every lookup by trial; one index less to write.
        migrations.AlterField(
            model_name="trialfacet",
            name="trial",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="facets",
                to="trials.trial",
            ),
        ),
    ]
