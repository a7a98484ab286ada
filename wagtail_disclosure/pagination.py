"""Pagination of listings whose size is already known."""

from django.core.paginator import Paginator


class KnownCountPaginator(Paginator):
    """A ``Paginator`` told how many objects there are (``count``, e.g. from the kept item
    figures of ``catalogue.public_item_figures``) rather than counting them with a query;
    ``None`` counts as usual."""

    def __init__(self, object_list, per_page, count=None, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        if count is not None:
            self.__dict__["count"] = count  # Paginator.count is a cached_property
