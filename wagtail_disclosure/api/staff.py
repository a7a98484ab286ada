"""Staff endpoints: the review queue and review transitions, with token authentication.

Every endpoint needs ``Authorization: Bearer <key>`` (``api/auth.py``); a session cookie
is not enough. What a person sees and may do is decided exactly as in the admin: the
queue is ``EntryReview.objects.waiting_for`` (the workflow engine), transitions go through
``workflow.services.take_transition``, the one path that changes a review. This module
only reads, calls the service and maps its errors to status codes. docs/api-staff.md
documents the endpoints.
"""

import functools
from typing import Annotated

from django.db.models import Q
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Path, Query, Router
from wagtail.models import PageLogEntry

from ..models import Department, DisclosureEntryPage, EntryReview
from ..people import person_name
from ..permissions import Role, has_any_role, role_map
from ..workflow.engine import step_label
from ..workflow.queue import attach_deadlines, by_deadline
from ..workflow.services import (
    TransitionError,
    available_transitions,
    get_row,
    take_transition,
)
from .auth import staff_auth
from .errors import ApiError, ErrorOut, page_or_404
from .staff_schemas import (
    MAX_ID,
    DeadlineOut,
    EntryDetailOut,
    MeOut,
    QueueFilters,
    QueueOut,
    TransitionIn,
    TransitionResultOut,
)

router = Router(tags=["staff"], auth=staff_auth)

#: A page id (PostgreSQL ``integer``): larger numbers are answered 400, not a server error.
EntryId = Annotated[int, Path(ge=1, le=MAX_ID, description="The entry's page id.")]

CACHE_CONTROL = "private, no-store"

#: Status code for each ``TransitionError.code`` of ``take_transition``.
TRANSITION_ERROR_STATUS = {
    "unknown": 400,
    "reason_required": 400,
    "permission_denied": 403,
    "not_allowed": 409,
    "concurrent": 409,
    "stale": 409,
}

WORKFLOW = EntryReview.workflow
LOG_PREFIX = WORKFLOW.log_prefix


def private_no_store(run):
    """Every staff answer, errors included, is private to the token holder: no caching."""

    @functools.wraps(run)
    def wrapper(request, *args, **kwargs):
        response = run(request, *args, **kwargs)
        response["Cache-Control"] = CACHE_CONTROL
        return response

    return wrapper


router.add_decorator(private_no_store, mode="view")


def responses(success, *codes):
    """``response=`` of an operation: the success schema and ErrorOut for ``codes``."""
    return {200: success, **dict.fromkeys((400, 401, *codes), ErrorOut)}


# -- shared pieces ------------------------------------------------------------------------


def transition_api_error(error, statuses=TRANSITION_ERROR_STATUS):
    """The :class:`ApiError` answering a ``TransitionError``: its code, mapped to a status
    (409 for codes not in ``statuses``); a missing reason names the ``comment`` field."""
    details = None
    if error.code == "reason_required":
        details = [{"field": "comment", "message": str(error.message)}]
    return ApiError(statuses.get(error.code, 409), error.code, error.message, details)


def department_out(department):
    if department is None:
        return None
    return {"id": department.pk, "name": department.name, "short_code": department.short_code}


def item_out(item):
    category = item.category
    return {
        "id": item.pk,
        "code": item.code,
        "title": item.title,
        "category": {"id": category.pk, "key": category.key, "title": category.title},
    }


def transitions_out(names):
    return [
        {
            "name": name,
            "label": str(step_label(WORKFLOW, name)),
            "needs_reason": WORKFLOW.steps[name].needs_reason,
        }
        for name in names
    ]


def deadline_out(review):
    status = getattr(review, "deadline", None)
    if status is None:
        return None
    return DeadlineOut(
        start=status.start,
        working_days=status.working_days,
        due_date=status.due_date,
        state=status.state.value if hasattr(status.state, "value") else status.state,
        working_days_left=status.working_days_left,
        provisional=status.provisional,
    )


def admin_url(page_id):
    return reverse("wagtailadmin_pages:edit", args=[page_id])


def username(user):
    return user.get_username() if user is not None else None


def load_review(entry_id):
    """The entry's review with what the endpoints show, or 404 if ``entry_id`` is not an
    entry."""
    entry = get_object_or_404(DisclosureEntryPage.objects.only("pk"), pk=entry_id)
    get_row(entry)  # created on first use for entries older than the review
    review = (
        EntryReview.objects.select_related(
            "department",
            "page",
            "page__department",
            "page__checklist_item__category",
            "revision__user",
            "submitted_by",
            "approved_by",
            "cleared_by",
            "signed_off_by",
            "published_by",
        )
        .defer("page__body")
        .get(page_id=entry.pk)
    )
    return entry, review


def may_see(user, review):
    """The admin's rule: a role in the entry's department (or in the department of the
    version in review). Superusers and holders of a role in every department see all."""
    return has_any_role(user, review.page.department_id) or has_any_role(
        user, review.acting_department_id
    )


def refuse():
    return ApiError(
        403,
        "permission_denied",
        _("You do not have a role in this entry's department."),
    )


# -- endpoints ----------------------------------------------------------------------------


@router.get("/me", response=responses(MeOut), summary="Who the token acts for, with roles")
def me(request):
    user = request.user
    held = role_map(user)
    everywhere = [role for role in Role if role.value in held and held[role.value] is None]
    by_department = {}
    for role in Role:
        for department_id in held.get(role.value) or ():
            by_department.setdefault(department_id, []).append(role)
    departments = Department.objects.filter(pk__in=by_department).order_by("sort_order", "name")
    token = request.auth
    return {
        "username": user.get_username(),
        "name": person_name(user),
        "is_superuser": user.is_superuser,
        "roles_in_all_departments": [{"role": r.value, "label": str(r.label)} for r in everywhere],
        "departments": [
            {
                "department": department_out(department),
                "roles": [
                    {"role": r.value, "label": str(r.label)} for r in by_department[department.pk]
                ],
            }
            for department in departments
        ],
        "token": {
            "name": token.name,
            "prefix": token.prefix,
            "created_at": token.created_at,
            "expires_at": token.expires_at,
        },
    }


@router.get(
    "/queue",
    response=responses(QueueOut, 404),
    summary="Entries waiting for this user's decision (the admin's review queue)",
)
def queue(request, filters: Query[QueueFilters]):
    user = request.user
    reviews = EntryReview.objects.waiting_for(user)
    if filters.department is not None:
        reviews = reviews.filter(
            Q(department_id=filters.department)
            | Q(department__isnull=True, page__department_id=filters.department)
        )
    if filters.state is not None:
        reviews = reviews.filter(state=filters.state)
    if filters.category is not None:
        reviews = reviews.filter(page__checklist_item__category_id=filters.category)
    if filters.order == "waiting":
        reviews = reviews.oldest_first()
    else:
        reviews = by_deadline(WORKFLOW, reviews, descending=filters.order == "-deadline")
    page_obj, paginator = page_or_404(reviews, filters.page, filters.page_size)
    rows = attach_deadlines(WORKFLOW, page_obj.object_list)
    results = []
    for review in rows:
        page = review.page
        results.append(
            {
                "id": page.pk,
                "title": page.title,
                "state": review.state,
                "state_label": str(review.get_state_display()),
                "department": department_out(review.acting_department),
                "item": item_out(page.checklist_item),
                "sign_off_required": review.sign_off_required,
                "submitted_at": review.submitted_at,
                "state_changed_at": review.state_changed_at,
                "document_date": page.document_date,
                "deadline": deadline_out(review),
                "transitions": transitions_out(available_transitions(page, user, row=review)),
                "admin_url": admin_url(page.pk),
            }
        )
    return listing_out(request, filters, paginator, page_obj, results)


def listing_out(request, filters, paginator, page_obj, results):
    """A page of a staff listing: counts, links to the next and previous pages, results."""
    return {
        "count": paginator.count,
        "num_pages": paginator.num_pages,
        "page": filters.page,
        "page_size": filters.page_size,
        "next": page_link(request, page_obj.next_page_number()) if page_obj.has_next() else None,
        "previous": page_link(request, page_obj.previous_page_number())
        if page_obj.has_previous()
        else None,
        "results": results,
    }


def page_link(request, number):
    params = request.GET.copy()
    params["page"] = number
    return request.build_absolute_uri(f"{request.path}?{params.urlencode()}")


def history_out(entry_id):
    entries = (
        PageLogEntry.objects.filter(page_id=entry_id, action__startswith=LOG_PREFIX)
        .select_related("user")
        .order_by("timestamp", "pk")
    )
    rows = []
    for log_entry in entries:
        data = log_entry.data or {}
        name = data.get("transition") or log_entry.action.removeprefix(LOG_PREFIX)
        label = str(step_label(WORKFLOW, name))
        rows.append(
            {
                "id": log_entry.pk,
                "transition": name,
                "label": label,
                "user": username(log_entry.user),
                "timestamp": log_entry.timestamp,
                "from_state": data.get("from"),
                "to_state": data.get("to"),
                "comment": data.get("comment") or "",
                "revision_id": data.get("revision_id"),
                "withheld": bool(data.get("withheld")),
            }
        )
    return rows


@router.get(
    "/entries/{entry_id}",
    response=responses(EntryDetailOut, 403, 404),
    summary="An entry's review: state, bound revision, possible transitions, history",
)
def entry_detail(request, entry_id: EntryId):
    _entry, review = load_review(entry_id)
    user = request.user
    if not may_see(user, review):
        raise refuse()
    page = review.page
    attach_deadlines(WORKFLOW, [review])
    revision = review.revision
    return {
        "id": page.pk,
        "title": page.title,
        "live": page.live,
        "state": review.state,
        "state_label": str(review.get_state_display()),
        "state_changed_at": review.state_changed_at,
        "department": department_out(review.department or page.department),
        "item": item_out(page.checklist_item),
        "sign_off_required": review.sign_off_required,
        "revision": None
        if revision is None
        else {
            "id": revision.pk,
            "created_at": revision.created_at,
            "user": username(revision.user),
            "is_latest": revision.pk == page.latest_revision_id,
        },
        "latest_revision_id": page.latest_revision_id,
        "live_revision_id": page.live_revision_id,
        "decisions": [
            {"step": step, "user": username(getattr(review, f"{step}_by")), "at": at}
            for step in ("submitted", "approved", "cleared", "signed_off", "published")
            if (at := getattr(review, f"{step}_at")) is not None
        ],
        "last_comment": review.last_comment,
        "withdrawal_reason": review.withdrawal_reason,
        "withheld": review.withheld,
        "deadline": deadline_out(review),
        "transitions": transitions_out(available_transitions(page, user, row=review)),
        "history": history_out(page.pk),
        "admin_url": admin_url(page.pk),
    }


@router.post(
    "/entries/{entry_id}/transitions",
    response=responses(TransitionResultOut, 403, 404, 409),
    summary="Take a review transition (submit, approve, clear, sign_off, publish, …)",
)
def entry_transition(request, entry_id: EntryId, body: TransitionIn):
    entry, review = load_review(entry_id)
    user = request.user
    # As the admin's transition view: without a role in the department that decides,
    # the answer is 403 whatever the state, so outsiders learn nothing about it.
    if not has_any_role(user, review.acting_department_id):
        raise refuse()
    if body.withheld and body.transition != "withdraw":
        raise ApiError(
            400,
            "invalid",
            _("Only a withdrawal can be withheld."),
            [{"field": "withheld", "message": _("Only a withdrawal can be withheld.")}],
        )
    try:
        review = take_transition(
            entry,
            body.transition,
            user,
            comment=body.comment,
            withheld=body.withheld,
            expected_state=body.expected_state,
            expected_version=body.expected_revision,
        )
    except TransitionError as error:
        raise transition_api_error(error) from error
    page = review.page
    page.refresh_from_db(fields=["live", "live_revision", "latest_revision"])
    return {
        "id": page.pk,
        "transition": body.transition,
        "state": review.state,
        "state_label": str(review.get_state_display()),
        "revision_id": review.revision_id,
        "live": page.live,
        "transitions": transitions_out(available_transitions(page, user, row=review)),
    }
