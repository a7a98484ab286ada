# The index that lists entries newest first (category pages, the API's entries list).

from django.db import migrations

NEWEST_INDEX = "disclosure_entry_newest"


def create_newest_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    table = apps.get_model("wagtail_disclosure", "DisclosureEntryPage")._meta.db_table
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {NEWEST_INDEX} ON {schema_editor.quote_name(table)} "
        "(publication_date DESC NULLS LAST, page_ptr_id DESC)"
    )


def drop_newest_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {NEWEST_INDEX}")


class Migration(migrations.Migration):
    dependencies = [
        ("wagtail_disclosure", "0016_public_change_item"),
    ]

    operations = [
        # Listings sort by 发布日期 (newest first), then by the first publication and the id.
        # With this index PostgreSQL reads the entries in that order and sorts only the
        # entries of one date (an incremental sort) until the page is full, instead of
        # sorting every entry of the section or category page. PostgreSQL only, as
        # disclosure_entry_item_latest (0015): SQLite cannot index NULLS LAST.
        migrations.RunPython(create_newest_index, drop_newest_index, elidable=False),
    ]
