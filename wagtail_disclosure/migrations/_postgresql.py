"""Indexes of the entry table that only PostgreSQL can build (SQLite cannot index
``NULLS LAST``), for the migrations that add them. A module of the migrations package whose
name starts with ``_`` is not a migration (Django's loader skips it)."""

from django.db import migrations


def entry_index(name, columns):
    """A ``RunPython`` that creates the index ``name`` on ``columns`` of the entry table on
    PostgreSQL (nothing elsewhere), and drops it when the migration is reversed."""

    def create(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        table = apps.get_model("wagtail_disclosure", "DisclosureEntryPage")._meta.db_table
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {name} ON {schema_editor.quote_name(table)} ({columns})"
        )

    def drop(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(f"DROP INDEX IF EXISTS {name}")

    return migrations.RunPython(create, drop, elidable=False)
