import django.db.models.deletion
from django.db import migrations, models


def fill_snapshot(apps, schema_editor):
    """Existing reviews take department and sign-off rule from their entry."""
    EntryReview = apps.get_model("wagtail_disclosure", "EntryReview")
    for review in EntryReview.objects.select_related("page__checklist_item__category"):
        page = review.page
        review.department_id = page.department_id
        review.sign_off_required = bool(
            page.is_major_matter or page.checklist_item.category.requires_sign_off
        )
        review.save(update_fields=["department", "sign_off_required"])


class Migration(migrations.Migration):
    dependencies = [("wagtail_disclosure", "0005_attachment_extracted_text")]

    operations = [
        migrations.AddField(
            model_name="entryreview",
            name="department",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to="wagtail_disclosure.department",
                verbose_name="department of the version in review",
            ),
        ),
        migrations.AddField(
            model_name="entryreview",
            name="sign_off_required",
            field=models.BooleanField(
                default=False,
                help_text="Whether the version in review needs the leader's sign-off.",
                verbose_name="sign-off required",
            ),
        ),
        migrations.RunPython(fill_snapshot, migrations.RunPython.noop),
    ]
