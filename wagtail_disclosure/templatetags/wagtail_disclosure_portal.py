"""Template tags of the public portal: the top navigation and the catalogue tree
(``wagtail_disclosure.navigation``)."""

from django import template

from ..models import DisclosureSiteSettings
from ..navigation import portal_for

register = template.Library()


@register.inclusion_tag("wagtail_disclosure/includes/navigation.html", takes_context=True)
def disclosure_navigation(context):
    """The section's top navigation; nothing outside a disclosure section."""
    portal = portal_for(context.get("request"), context.get("page"))
    if portal is None:
        return {"links": []}
    if portal.section == context.get("page"):
        portal.seed(context)
    return {"links": portal.links()}


@register.inclusion_tag("wagtail_disclosure/includes/catalogue_tree.html", takes_context=True)
def disclosure_catalogue_tree(context, item=None):
    """The categories of the section, that of the page expanded with its items, ``item``
    (a ``ChecklistItem`` or its id) marked current."""
    page = context.get("page")
    portal = portal_for(context.get("request"), page)
    item_id = getattr(item, "pk", item)
    return {"categories": portal.tree(page, item_id) if portal else []}


@register.inclusion_tag("wagtail_disclosure/includes/site_footer.html", takes_context=True)
def disclosure_site_footer(context):
    """The organiser, contacts and filing numbers of the request's site (its
    ``DisclosureSiteSettings``); nothing while they are not filled in."""
    footer = DisclosureSiteSettings.for_public_request(context.get("request"))
    return {"footer": footer if footer is not None and not footer.is_empty else None}
