# The index that lists entries newest first (category pages, the API's entries list).

from django.db import migrations

from ._postgresql import entry_index


class Migration(migrations.Migration):
    dependencies = [
        ("wagtail_disclosure", "0016_public_change_item"),
    ]

    operations = [
        # Listings sort by 发布日期 (newest first), then by the first publication and the id.
        # With this index PostgreSQL reads the entries in that order and sorts only the
        # entries of one date (an incremental sort) until the page is full, instead of
        # sorting every entry of the section or category page. PostgreSQL only, as
        # disclosure_entry_item_latest (0015).
        entry_index(
            "disclosure_entry_newest", "publication_date DESC NULLS LAST, page_ptr_id DESC"
        ),
    ]
