"""Serializer fields for the entry pages' ``api_fields`` in Wagtail's v2 API.

Kept apart from :mod:`.v2` and free of Wagtail's API modules, which need the app
registry, so the page models can import them while they load.

A withdrawn entry that keeps a public trace shows only its title, 索引号, dates,
references and withdrawal, on its page and in the disclosure API; Wagtail's v2 API must
not serve the withdrawn summary, keywords, body or attachments either. Each field below
gives the value of a current entry and an empty one for a withdrawn entry.
"""

from rest_framework.fields import Field


class TraceOnlyField(Field):
    """A field of the whole page that shows nothing for a withdrawn entry."""

    def __init__(self, **kwargs):
        kwargs.setdefault("source", "*")
        kwargs.setdefault("read_only", True)
        super().__init__(**kwargs)

    def to_representation(self, page):
        if page.withdrawal is not None:
            return self.withdrawn_value()
        return self.public_value(page)

    def withdrawn_value(self):
        return []

    def public_value(self, page):
        raise NotImplementedError


class PublicBodyField(TraceOnlyField):
    """The body as Wagtail's v2 API serialises a StreamField; ``[]`` when withdrawn."""

    def public_value(self, page):
        value = page.body
        return value.stream_block.get_api_representation(value, self.context)


class PublicSummaryField(TraceOnlyField):
    """The summary (内容概述); ``""`` when withdrawn."""

    def withdrawn_value(self):
        return ""

    def public_value(self, page):
        return page.summary


class PublicKeywordsField(TraceOnlyField):
    """The keywords as Wagtail's ``TagsField`` lists them (names, sorted); ``[]`` when
    withdrawn."""

    def public_value(self, page):
        return list(page.keywords.all().order_by("name").values_list("name", flat=True))
