"""Errors of the API: always JSON, always with a message a person can read.

Every error body has the shape of :class:`ErrorOut`::

    {"error": {"code": "invalid", "message": "…", "details": [...]}}

Views raise :class:`ApiError` (or Django's ``Http404``/``PermissionDenied``); bad
parameters are ninja ``ValidationError`` and become ``400``, never ``422`` or ``500``.
"""

import logging

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Schema
from ninja.errors import AuthenticationError, HttpError, Throttled, ValidationError

logger = logging.getLogger(__name__)


class ErrorDetail(Schema):
    code: str
    message: str
    details: list[dict] = []


class ErrorOut(Schema):
    error: ErrorDetail


class ApiError(Exception):
    """An error answered with ``status`` and a JSON body (see :class:`ErrorOut`)."""

    def __init__(self, status, code, message, details=None):
        super().__init__(str(message))
        self.status = status
        self.code = code
        self.message = message
        self.details = details or []


def error_body(code, message, details=None):
    return {"error": {"code": code, "message": str(message), "details": details or []}}


def _field_errors(errors):
    """ninja/pydantic errors as ``{"field": ..., "message": ...}`` rows."""
    rows = []
    for error in errors:
        location = [str(part) for part in error.get("loc", ()) if part not in ("query", "body")]
        rows.append({"field": ".".join(location), "message": str(error.get("msg", ""))})
    return rows


def install_handlers(api):
    """Answer every error of ``api`` as JSON (see the module docstring)."""

    def respond(request, status, code, message, details=None, headers=None):
        response = api.create_response(request, error_body(code, message, details), status=status)
        for name, value in (headers or {}).items():
            response[name] = value
        return response

    def api_error(request, exc):
        return respond(request, exc.status, exc.code, exc.message, exc.details)

    def validation_error(request, exc):
        details = _field_errors(exc.errors)
        fields = ", ".join(row["field"] for row in details if row["field"])
        message = (
            _("Invalid parameters: %(fields)s.") % {"fields": fields}
            if fields
            else _("Invalid request.")
        )
        return respond(request, 400, "invalid", message, details)

    def not_found(request, exc):
        return respond(request, 404, "not_found", _("Not found."))

    def permission_denied(request, exc):
        message = str(exc) or _("You do not have permission to do this.")
        return respond(request, 403, "permission_denied", message)

    def unauthenticated(request, exc):
        return respond(
            request,
            401,
            "not_authenticated",
            _("Send a valid API token: Authorization: Bearer <token>."),
            headers={"WWW-Authenticate": "Bearer"},
        )

    def throttled(request, exc):
        headers = {"Retry-After": str(int(exc.wait))} if exc.wait else {}
        return respond(
            request, 429, "throttled", _("Too many requests. Try again later."), headers=headers
        )

    def http_error(request, exc):
        return respond(request, exc.status_code, "error", str(exc))

    def server_error(request, exc):
        if settings.DEBUG_PROPAGATE_EXCEPTIONS:
            raise exc
        logger.exception("Unhandled error in the disclosure API", exc_info=exc)
        return respond(request, 500, "server_error", _("Internal error. It has been logged."))

    api.add_exception_handler(ApiError, api_error)
    api.add_exception_handler(ValidationError, validation_error)
    api.add_exception_handler(Http404, not_found)
    api.add_exception_handler(PermissionDenied, permission_denied)
    api.add_exception_handler(AuthenticationError, unauthenticated)
    api.add_exception_handler(Throttled, throttled)
    api.add_exception_handler(HttpError, http_error)
    api.add_exception_handler(Exception, server_error)


def page_or_404(items, number, page_size, count=None):
    """``(page, paginator)`` of ``items`` (``count`` of them when known, else counted); a
    page past the last one is a 404 that says how many there are."""
    from django.core.paginator import EmptyPage

    from ..pagination import KnownCountPaginator

    paginator = KnownCountPaginator(items, page_size, count=count)
    try:
        return paginator.page(number), paginator
    except EmptyPage as exc:
        raise ApiError(
            404,
            "not_found",
            _("Page %(page)s does not exist; there are %(pages)s.")
            % {"page": number, "pages": paginator.num_pages},
        ) from exc
