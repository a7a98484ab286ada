"""The link to an entry's review record on Wagtail's page history view
(``templates/wagtailadmin/pages/history.html``, which the package overrides)."""

from django import template
from django.urls import reverse

from ..models import DisclosureEntryPage
from ..permissions import get_roles

register = template.Library()


@register.simple_tag
def review_record_url(page, user):
    """The URL of ``page``'s review record, or ``""`` when it is not an entry or the
    header of its edit view would not offer the record to ``user`` either."""
    specific_class = getattr(page, "specific_class", None)
    if specific_class is None or not issubclass(specific_class, DisclosureEntryPage):
        return ""
    # As the header's "Review record" button decides it (views.record.ReviewRecordMenuItem):
    # whoever holds a role somewhere; the record view checks the department.
    if not get_roles(user):
        return ""
    return reverse("wagtail_disclosure:review_record", args=[page.pk])
