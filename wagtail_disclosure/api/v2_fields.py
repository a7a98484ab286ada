"""The page models' output in Wagtail's v2 API: serializer fields for their ``api_fields``.

The page models declare ``api_fields`` with these fields (as they declare
``search_fields``), so this module imports nothing of the package but :mod:`.refs`, and
none of Wagtail's API modules, which need the app registry: the models import it while
they load. Each field reads the whole page (``source="*"``) and keeps the name the page
declares (``api_department``, ``api_attachments``…).

A withdrawn entry that keeps a public trace shows only its title, 索引号, dates,
references and withdrawal, on its page and in the disclosure API; Wagtail's v2 API must
not serve the withdrawn summary, keywords, body or attachments either. The
:class:`TraceOnlyField` fields give the value of a current entry and an empty one for a
withdrawn entry.
"""

from rest_framework.fields import Field

from .refs import category_ref, department_ref, document_serve_url


class PageField(Field):
    """A read-only field computed from the whole page."""

    def __init__(self, **kwargs):
        kwargs.setdefault("source", "*")
        kwargs.setdefault("read_only", True)
        super().__init__(**kwargs)

    def to_representation(self, page):
        raise NotImplementedError


# -- sections and categories ---------------------------------------------------------------


class ChecklistRefField(PageField):
    """The checklist a section follows: ``{"id", "code", "title"}``, or None."""

    def to_representation(self, page):
        checklist = page.checklist
        if checklist is None:
            return None
        return {"id": checklist.pk, "code": checklist.code, "title": checklist.title}


class CategoryRefField(PageField):
    """The checklist category of a category page (``refs.category_ref``)."""

    def to_representation(self, page):
        return category_ref(page.category)


# -- entries -------------------------------------------------------------------------------


class ChecklistItemRefField(PageField):
    """The entry's checklist item, with its category."""

    def to_representation(self, page):
        item = page.checklist_item
        return {
            "id": item.pk,
            "code": item.code,
            "title": item.title,
            "category": {"id": item.category_id, "key": item.category.key},
        }


class DepartmentRefField(PageField):
    """The entry's responsible department (``refs.department_ref``)."""

    def to_representation(self, page):
        return department_ref(page.department)


class ChannelsField(PageField):
    """The release channels (发布渠道) of the entry."""

    def to_representation(self, page):
        return [{"code": channel.code, "name": channel.name} for channel in page.channels.all()]


class WithdrawalField(PageField):
    """When and why the entry was withdrawn, or None."""

    def to_representation(self, page):
        review = page.withdrawal
        if review is None:
            return None
        return {"withdrawn_at": review.withdrawn_at, "reason": review.withdrawal_reason}


class TraceOnlyField(PageField):
    """A field of the whole page that shows nothing for a withdrawn entry."""

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


class AttachmentsField(TraceOnlyField):
    """The attachments, linked through the document serve view; ``[]`` when withdrawn."""

    def public_value(self, page):
        return [
            {
                "title": attachment.display_title,
                "url": document_serve_url(attachment.document),
                "file_type": attachment.document.file_extension.lower(),
                "file_size": attachment.document.file_size,
            }
            for attachment in page.attachments.select_related("document")
        ]
