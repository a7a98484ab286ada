"""The link to an entry's review record on Wagtail's page history view
(``templates/wagtailadmin/pages/history.html``, which the package overrides)."""

from django import template
from django.urls import reverse

from ..models import DisclosureEntryPage
from ..views.record import ReviewRecordMenuItem

register = template.Library()


@register.simple_tag
def review_record_url(page, user):
    """The URL of ``page``'s review record, or ``""`` when it is not an entry or the
    header of its edit view would not offer the record to ``user`` either."""
    specific_class = getattr(page, "specific_class", None)
    if specific_class is None or not issubclass(specific_class, DisclosureEntryPage):
        return ""
    if not ReviewRecordMenuItem(page=page).is_shown(user):
        return ""
    return reverse("wagtail_disclosure:review_record", args=[page.pk])
