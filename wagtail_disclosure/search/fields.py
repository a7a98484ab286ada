"""Search fields that carry segmented Chinese to any backend."""

from wagtail.search import index

from .segmentation import segment


class SegmentedTitleField(index.SearchField):
    """The page title followed by its segmentation, indexed *as the title*.

    Kept under the name ``title`` so every backend weights it as the title (SQLite puts
    it in the FTS ``title`` column, PostgreSQL in weight A, Elasticsearch in ``title``).
    """

    def get_value(self, obj):
        title = obj.title or ""
        return f"{title} {segment(title)}"


def with_segmented_title(search_fields):
    """``search_fields`` plus the segmented title.

    Wagtail's own ``SearchField("title")`` stays (Wagtail checks that page models keep
    ``Page.search_fields``); both are indexed as the title. On Elasticsearch the later
    one, which holds the raw title too, is the one stored.
    """
    boost = next(
        (
            f.boost
            for f in search_fields
            if type(f) is index.SearchField and f.field_name == "title"
        ),
        None,
    )
    return [*search_fields, SegmentedTitleField("title", boost=boost)]
