"""Serializer fields for the entry pages' ``api_fields`` in Wagtail's v2 API.

Kept apart from :mod:`.v2` and free of Wagtail's API modules, which need the app
registry, so the page models can import them while they load.
"""

from rest_framework.fields import Field


class PublicBodyField(Field):
    """The body as Wagtail's v2 API serialises a StreamField, and nothing for a withdrawn
    entry.

    A withdrawn entry that keeps a public trace shows only its withdrawal on its page and
    in the disclosure API; Wagtail's v2 API must not serve the withdrawn text either.
    """

    def __init__(self, **kwargs):
        kwargs.setdefault("source", "*")
        kwargs.setdefault("read_only", True)
        super().__init__(**kwargs)

    def to_representation(self, page):
        if page.withdrawal is not None:
            return []
        value = page.body
        return value.stream_block.get_api_representation(value, self.context)
