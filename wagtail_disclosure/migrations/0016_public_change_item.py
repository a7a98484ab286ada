from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("wagtail_disclosure", "0015_public_changes"),
    ]

    operations = [
        migrations.AddField(
            model_name="publicchange",
            name="item",
            field=models.PositiveIntegerField(
                blank=True,
                help_text="The id of the checklist item whose entries changed; empty: any.",
                null=True,
                verbose_name="checklist item",
            ),
        ),
    ]
