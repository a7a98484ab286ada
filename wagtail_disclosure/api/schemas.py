"""Response schemas of the public API (pydantic models through django-ninja).

They define the OpenAPI document at ``/api/disclosure/v1/openapi.json`` and are the only
shape data leaves the API in: a field that is not declared here is never sent, whatever
the view builds. Internal fields (review comments, reviewers, restriction reasons,
revisions, owners) have no place here on purpose.
"""

import datetime
from typing import Any

from ninja import Schema
from pydantic import Field


class Choice(Schema):
    """A coded value with its label in the language of the request."""

    value: str
    label: str


class ChecklistOut(Schema):
    id: int
    code: str
    title: str
    document_number: str


class SectionOut(Schema):
    id: int
    title: str
    url: str | None = Field(description="Public URL of the section (the catalogue page).")
    search_url: str | None
    checklist: ChecklistOut | None


class SectionRef(Schema):
    id: int
    title: str
    url: str | None


class DepartmentRef(Schema):
    id: int
    short_code: str
    name: str


class DepartmentOut(Schema):
    id: int
    short_code: str
    name: str
    parent_id: int | None
    phone: str
    email: str
    address: str


class CategoryRef(Schema):
    id: int
    key: str
    number: int
    code: str = Field(description="Two-digit category code used in 索引号.")
    title: str


class ItemRef(Schema):
    id: int
    code: str
    title: str


class EntryRef(Schema):
    id: int
    title: str
    url: str | None
    index_number: str
    publication_date: datetime.date | None


class CatalogueItemOut(Schema):
    id: int
    code: str
    number: int
    title: str
    description: str
    status: str = Field(description="published, not_yet_published or not_applicable.")
    status_label: str
    not_applicable_reason: str | None
    entry_count: int
    last_updated: datetime.datetime | None
    department: DepartmentRef | None
    latest_entries: list[EntryRef]
    sub_items: list["CatalogueItemOut"]


class CatalogueCategoryOut(CategoryRef):
    url: str | None
    published_count: int
    items: list[CatalogueItemOut]


class CatalogueOut(Schema):
    section: SectionRef
    categories: list[CatalogueCategoryOut]


class EntrySummary(Schema):
    id: int
    title: str
    url: str | None
    api_url: str
    index_number: str
    document_number: str
    document_date: datetime.date | None
    publication_date: datetime.date | None
    last_published_at: datetime.datetime | None
    summary: str
    validity: Choice
    category: CategoryRef
    item: ItemRef
    department: DepartmentRef
    withdrawn: bool


class EntryList(Schema):
    count: int
    page: int
    page_size: int
    num_pages: int
    next: str | None
    previous: str | None
    results: list[EntrySummary]


class ChannelOut(Schema):
    code: str
    name: str


class AttachmentOut(Schema):
    id: int
    title: str
    url: str
    file_type: str = Field(description="File extension, such as pdf or xlsx.")
    content_type: str
    file_size: int | None = Field(description="Size in bytes, if known.")


class WithdrawalOut(Schema):
    withdrawn_at: datetime.datetime
    reason: str


class CategoryFieldOut(Schema):
    name: str
    label: str
    value: Any
    display: str


class BlockOut(Schema):
    type: str
    id: str | None
    value: Any


class EntryDetail(EntrySummary):
    section: SectionRef
    keywords: list[str]
    disclosure_mode: Choice
    audience: Choice
    validity_changed_on: datetime.date | None
    first_published_at: datetime.datetime | None
    channels: list[ChannelOut]
    body_html: str
    body: list[BlockOut]
    attachments: list[AttachmentOut]
    withdrawal: WithdrawalOut | None
    category_fields: list[CategoryFieldOut]


class SearchHit(EntrySummary):
    title_html: str = Field(description="The title, HTML-escaped, with matches in <mark>.")
    snippet_html: str = Field(description="An escaped excerpt with matches in <mark>.")


class SearchOut(Schema):
    query: str
    sort: str
    fallback: bool = Field(
        description="True when the search server failed and the database answered."
    )
    count: int = Field(
        description="Matching entries, at most 1,000 (see ``truncated``)."
    )
    truncated: bool = Field(
        description="True when more entries match than are listed and counted: add words "
        "or filters to narrow the search."
    )
    unsearchable: bool = Field(
        False,
        description="True when ``q`` has nothing that can be searched after normalisation "
        "(only punctuation, symbols or emoji): ``results`` is empty and ``message`` says why.",
    )
    message: str = Field(
        "", description="Why there are no results when ``unsearchable``; empty otherwise."
    )
    page: int
    page_size: int
    num_pages: int
    next: str | None
    previous: str | None
    results: list[SearchHit]
