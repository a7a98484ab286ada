"""Which documents each revision of an entry uses (``EntryDocumentReference``).

The table is filled right after this migration is applied, by a ``post_migrate`` handler
(``wagtail_disclosure.documents.rebuild_after_migrate``) that reads every entry revision
with the real models once all migrations of the project have run. If that cannot run,
``manage.py disclosure_rebuild_document_references`` does the same (docs/security.md).
"""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('wagtail_disclosure', '0008_search_index_title_body_gin'),
        ('wagtailcore', '0094_alter_page_locale'),
    ]

    operations = [
        migrations.CreateModel(
            name='EntryDocumentReference',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('document_id', models.CharField(max_length=255, verbose_name='document')),
                ('page', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='wagtail_disclosure.disclosureentrypage', verbose_name='entry')),
                ('revision', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='wagtailcore.revision', verbose_name='revision')),
            ],
            options={
                'verbose_name': 'document used by an entry revision',
                'verbose_name_plural': 'documents used by entry revisions',
                'indexes': [models.Index(fields=['document_id', 'page'], name='wd_docref_document')],
                'constraints': [models.UniqueConstraint(fields=('revision', 'document_id'), name='wagtail_disclosure_docref_unique')],
            },
        ),
    ]
