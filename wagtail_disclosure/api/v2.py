"""Wagtail's v2 pages API, with the disclosure visibility rule (docs/api.md#wagtail-v2-api).

Wagtail's ``PagesAPIViewSet`` lists every live page without a view restriction. Live
entries may still be closed to the public: disclosed on request only, not disclosed, or
for the campus only (公开范围 校内). Register :class:`DisclosurePagesAPIViewSet` instead
of ``PagesAPIViewSet``::

    from wagtail.api.v2.router import WagtailAPIRouter
    from wagtail_disclosure.api.v2 import DisclosurePagesAPIViewSet

    api_router = WagtailAPIRouter("wagtailapi")
    api_router.register_endpoint("pages", DisclosurePagesAPIViewSet)

It hides every entry that ``publicly_visible()`` leaves out from listings, ``find``, the
``child_of``/``descendant_of`` filters and the detail view, and leaves every other page as
Wagtail serves it.

It also answers ``400`` instead of a server error to parameters Wagtail passes on
unchecked (:meth:`DisclosurePagesAPIViewSet.check_parameters`): NUL characters (which
PostgreSQL refuses), integers written with other than ASCII digits or too large for the
database (``int()`` reads "١"; SQLite overflows), and ``search`` longer than
:data:`SEARCH_MAX_LENGTH`. Double quotes are taken out of ``search``: Wagtail's SQLite
backend puts each word in an FTS5 string without escaping them.
"""

import datetime

from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import models
from django.http import Http404
from django.utils.translation import gettext as _
from wagtail.api.v2.utils import BadRequestError
from wagtail.api.v2.views import PagesAPIViewSet

from ..dates import date_range_error
from ..models import DisclosureEntryPage


def hidden_entries():
    """Every entry that ``publicly_visible()`` leaves out."""
    entries = DisclosureEntryPage.objects
    return entries.exclude(pk__in=entries.publicly_visible().values("pk"))


#: Largest id or offset a parameter may carry (a 64-bit signed integer, as the databases).
MAX_INTEGER = 2**63 - 1
#: Integer parameters of Wagtail's pages endpoint (besides integer field filters).
INTEGER_PARAMETERS = frozenset(
    ["limit", "offset", "id", "child_of", "ancestor_of", "descendant_of", "translation_of"]
)
#: Those of them that also take "root", the site's root page.
ROOT_PARAMETERS = frozenset(["child_of", "ancestor_of", "descendant_of", "translation_of"])
#: Longest ``search`` accepted, as in the disclosure API. Longer ones (hundreds of words)
#: make Wagtail's database backends build queries too deep to compile.
SEARCH_MAX_LENGTH = 200


def is_integer(value):
    """ASCII digits only, within :data:`MAX_INTEGER`."""
    return value.isascii() and value.isdigit() and int(value) <= MAX_INTEGER


def check_integer(name, value):
    if not is_integer(value):
        raise BadRequestError(
            _("%(name)s must be a whole number in the digits 0-9, at most %(max)s")
            % {"name": name, "max": MAX_INTEGER}
        )


def check_field_value(name, field, value):
    """400 unless ``value`` is one the database can compare ``field`` with."""
    target = field.target_field if isinstance(field, models.ForeignKey) else field
    if isinstance(target, (models.IntegerField, models.AutoField)):
        check_integer(name, value)
        return
    if isinstance(field, models.ForeignKey) or not isinstance(field, models.Field):
        return  # other keys and tags: Wagtail's own checks
    if isinstance(field, models.BooleanField):
        return  # Wagtail's parse_boolean answers 400
    try:
        python_value = field.to_python(value)
    except (ValidationError, ValueError, TypeError) as exc:
        raise BadRequestError(
            _("%(name)s: %(value)r is not a valid value") % {"name": name, "value": value}
        ) from exc
    if isinstance(python_value, datetime.date):
        # Far-off datetimes overflow in the time zone conversion.
        message = date_range_error(python_value)
        if message:
            raise BadRequestError(f"{name}: {message}")


class ParameterCheckMixin:
    """Answer 400, not a server error, to parameters Wagtail's API views pass on unchecked.

    Used by :class:`DisclosurePagesAPIViewSet` and by the admin's pages API
    (``wagtail_disclosure.admin_scoping.scope_admin_pages_api``).
    """

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        pk = kwargs.get("pk")
        if pk is not None and not is_integer(str(pk)):
            raise Http404(_("Not found."))
        self.check_parameters(request)

    def check_parameters(self, request):
        """Refuse (400) what the database or the search backend would fail on."""
        for name, values in request.GET.lists():
            if "\x00" in name or any("\x00" in value for value in values):
                raise BadRequestError(_("null characters are not allowed"))
        for name in sorted(INTEGER_PARAMETERS & request.GET.keys()):
            for value in request.GET.getlist(name):
                if not (name in ROOT_PARAMETERS and value == "root"):
                    check_integer(name, value)
        if request.GET.get("search_operator", "and") not in ("and", "or"):
            raise BadRequestError(_("search_operator must be and or or"))
        if "search" in request.GET:
            search = request.GET["search"]
            if len(search) > SEARCH_MAX_LENGTH:
                raise BadRequestError(
                    _("search must be at most %(max)s characters long") % {"max": SEARCH_MAX_LENGTH}
                )
            # Without double quotes, and no blank words: the SQLite backend fails on both.
            cleaned = search.replace('"', " ").strip()
            if cleaned != search:
                # Wagtail reads request.GET itself: give it the cleaned words.
                query = request._request.GET.copy()
                query["search"] = cleaned
                query._mutable = False
                request._request.GET = query



def without_trace_only_meta(serializer_class):
    """``serializer_class``, less the promote tab's description of a withdrawn entry.

    ``meta.search_description`` is written by editors like the summary; the public trace
    of a withdrawn entry has neither (docs/security.md#what-is-public).
    """

    class TraceOnlyMetaSerializer(serializer_class):
        def to_representation(self, instance):
            data = super().to_representation(instance)
            meta = data.get("meta")
            withdrawn = isinstance(instance, DisclosureEntryPage) and instance.withdrawal
            if withdrawn and isinstance(meta, dict) and "search_description" in meta:
                meta["search_description"] = ""
            return data

    TraceOnlyMetaSerializer.__name__ = serializer_class.__name__
    return TraceOnlyMetaSerializer


class DisclosurePagesAPIViewSet(ParameterCheckMixin, PagesAPIViewSet):
    def get_base_queryset(self):
        return super().get_base_queryset().exclude(pk__in=hidden_entries().values("pk"))

    def get_serializer_class(self):
        return without_trace_only_meta(super().get_serializer_class())

    def check_field_filters(self, request, model):
        """Field filters (``?depth=``, ``?first_published_at=``, ...) of ``model``: Wagtail
        converts integers with ``int()`` and lets Django's errors on other values (a bad
        or far-off date) through as server errors."""
        names = set(self.get_available_fields(model, db_fields_only=True))
        for name in sorted(names & request.GET.keys()):
            try:
                field = model._meta.get_field(name)
            except FieldDoesNotExist:
                continue
            for value in request.GET.getlist(name):
                check_field_value(name, field, value)

    def filter_queryset(self, queryset):
        self.check_field_filters(self.request, queryset.model)
        return super().filter_queryset(queryset)
