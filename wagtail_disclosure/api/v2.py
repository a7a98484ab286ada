"""Wagtail's v2 pages API, with the disclosure visibility rule (docs/api.md#wagtail-v2-api).

Wagtail's ``PagesAPIViewSet`` lists every live page without a view restriction. Live
entries may still be closed to the public: disclosed on request only, not disclosed, or
for the campus only (公开范围 校内). Register :class:`DisclosurePagesAPIViewSet` instead
of ``PagesAPIViewSet``::

    from wagtail.api.v2.router import WagtailAPIRouter
    from wagtail_disclosure.api.v2 import DisclosurePagesAPIViewSet

    api_router = WagtailAPIRouter("wagtailapi")
    api_router.register_endpoint("pages", DisclosurePagesAPIViewSet)

It hides those entries (and withheld ones) from listings, ``find``, the ``child_of``/
``descendant_of`` filters and the detail view, and leaves every other page as Wagtail
serves it.
"""

from django.db.models import Q
from wagtail.api.v2.views import PagesAPIViewSet

from ..models import DisclosureEntryPage
from ..models.choices import Audience, DisclosureMode


def hidden_entries():
    """Entries that are not publicly visible although they may be live and unrestricted."""
    return DisclosureEntryPage.objects.filter(
        ~Q(disclosure_mode=DisclosureMode.ACTIVE)
        | ~Q(audience=Audience.PUBLIC)
        | Q(review__withheld=True)
    )


class DisclosurePagesAPIViewSet(PagesAPIViewSet):
    def get_base_queryset(self):
        return super().get_base_queryset().exclude(pk__in=hidden_entries().values("pk"))
