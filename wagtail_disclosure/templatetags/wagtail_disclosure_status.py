"""The review state beside Wagtail's own "Draft"/"Live" in the status side panel."""

from django import template

register = template.Library()


@register.inclusion_tag("wagtail_disclosure/admin/status/side_panel_state.html")
def disclosure_review_state(obj):
    """The review state of ``obj`` when it is a saved entry, and who acts next."""
    from ..models import DisclosureEntryPage
    from ..status import side_panel_state

    if not isinstance(obj, DisclosureEntryPage) or obj.pk is None:
        return {"state": None}
    return side_panel_state(obj)
