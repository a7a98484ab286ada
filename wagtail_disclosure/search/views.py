"""The search page of a disclosure section (``<section>/search/``) and its suggestions."""

import dataclasses

from django.core.paginator import Paginator
from django.http import JsonResponse
from django.template.response import TemplateResponse

from ..conf import get_setting
from .forms import SearchForm
from .highlight import entry_snippet, mark
from .query import UNSEARCHABLE_MESSAGE, search_entries, searchable_entries, suggest


@dataclasses.dataclass
class ResultRow:
    entry: object
    title: str
    snippet: str
    withdrawn: bool


def result_rows(entries, words):
    """Rows of the results page. A withdrawn entry shows its public trace only: title,
    metadata and, as its snippet, the withdrawal reason (``entry_snippet``)."""
    rows = []
    for entry in entries:
        rows.append(
            ResultRow(
                entry=entry,
                title=mark(entry.title, words),
                snippet=entry_snippet(entry, words),
                withdrawn=entry.withdrawal is not None,
            )
        )
    return rows


def section_years(section):
    dates = searchable_entries(section).dates("document_date", "year", order="DESC")
    return [d.year for d in dates]


def search_view(request, section):
    form = SearchForm(request.GET or None, section=section, years=section_years(section))
    submitted = form.is_bound and form.is_valid()
    outcome = paginated = None
    rows = []
    if submitted:
        outcome = search_entries(
            form.get_query(), filters=form.get_filters(), section=section, sort=form.get_sort()
        )
        paginator = Paginator(outcome.results, get_setting("SEARCH_RESULTS_PER_PAGE"))
        paginated = paginator.get_page(request.GET.get("page"))
        rows = result_rows(paginated.object_list, outcome.words)
    params = request.GET.copy()
    params.pop("page", None)
    context = {
        "page": section,
        "self": section,
        "form": form,
        "outcome": outcome,
        "results": rows,
        "page_obj": paginated,
        "query_string": params.urlencode(),
        "search_url": section.url + section.reverse_subpage("search"),
        "unsearchable_message": UNSEARCHABLE_MESSAGE,
    }
    return TemplateResponse(request, "wagtail_disclosure/search/search_page.html", context)


def suggest_view(request, section):
    titles = suggest(request.GET.get("q", "")[:200], section=section)
    return JsonResponse({"suggestions": titles})
