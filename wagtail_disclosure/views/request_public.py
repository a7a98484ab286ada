"""The public side of requests for information (依申请公开): the application form, the
receipt and the status lookup of a :class:`~wagtail_disclosure.models.DisclosureRequestPage`
(which calls these as ``view(page, request)``).

- **A double submit stores one request.** Every rendering of the form carries a signed,
  random token (``request_forms.new_submission_token``). The first valid submission with a
  token takes it in Django's default cache (``cache.add``, atomic across workers when the
  cache is shared) and, once the case is stored, maps it to the case there and in the
  session. A later submission with the same token shows that case's receipt; one that
  arrives while the first is still being stored is told to wait and submit again.
- **The receipt** shows only the case this browser session just stored (its id is kept in
  the session, never taken from the URL).
- **Rate limits** per client address (``REQUEST_SUBMIT_RATE``, ``REQUEST_LOOKUP_RATE``),
  counted like the public API's (``api.throttling``): submissions that would store a
  request (valid ones, and those caught by the honeypot), and every lookup. Over the limit:
  the page again, with status 429 and nothing the applicant typed lost.
"""

import logging
import math

from django.core.cache import cache
from django.core.mail import send_mail
from django.db import transaction
from django.http import HttpResponseRedirect
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext

from ..api.throttling import PublicRateThrottle
from ..conf import get_setting
from ..models.requests import FINISHED_STATES, DisclosureRequest
from ..request_forms import (
    TOKEN_MAX_AGE,
    RequestApplicationForm,
    RequestLookupForm,
    new_case,
    new_submission_token,
    submission_token_key,
)

logger = logging.getLogger(__name__)

TEMPLATE = "wagtail_disclosure/pages/disclosure_request_page.html"
RECEIPT_TEMPLATE = "wagtail_disclosure/pages/disclosure_request_receipt.html"
LOOKUP_TEMPLATE = "wagtail_disclosure/pages/disclosure_request_lookup.html"
EMAIL_TEMPLATE = "wagtail_disclosure/pages/disclosure_request_receipt_email.txt"

#: Session keys: the case whose receipt this browser may see, and token -> case id.
SESSION_RECEIPT = "wagtail_disclosure_request_receipt"
SESSION_TOKENS = "wagtail_disclosure_request_tokens"
_KEEP_TOKENS = 20
_PENDING = "pending"


class RequestRateThrottle(PublicRateThrottle):
    """The public API's throttle with its own scope and rate (``None``: no limit)."""

    def __init__(self, scope, rate):
        self.scope = scope
        self.rate = rate
        self.num_requests, self.duration = self.parse_rate(rate)


def _over_limit(request, scope, setting):
    """``None`` when ``request`` is within the rate (and counts it), else seconds to wait."""
    throttle = RequestRateThrottle(scope, get_setting(setting))
    if throttle.allow_request(request):
        return None
    wait = throttle.wait()
    return max(1, math.ceil(wait if wait is not None else throttle.duration))


def _render(request, page, template, context, status=200):
    full = page.get_context(request)
    full.update(context)
    response = TemplateResponse(request, template, full, status=status)
    add_never_cache_headers(response)
    return response


def _too_many(response, wait):
    response["Retry-After"] = str(wait)
    return response


def _token_cache_key(key):
    return f"wagtail_disclosure:request-token:{key}"


# -- the application form ---------------------------------------------------------------


def application(page, request):
    if request.method == "POST":
        return _submit(page, request)
    form = RequestApplicationForm(page=page, initial={"token": new_submission_token()})
    return _form_page(request, page, form)


def _form_page(request, page, form, status=200, message="", reselect_file=False):
    form.mark_errors()
    return _render(
        request,
        page,
        TEMPLATE,
        {
            "form": form,
            "message": message,
            "reselect_file": reselect_file,
            "lookup_url": page.url + page.reverse_subpage("lookup"),
        },
        status=status,
    )


def _submit(page, request):
    form = RequestApplicationForm(request.POST, request.FILES, page=page)
    key = submission_token_key(request.POST.get("token"))
    if key is not None:
        done = _case_for_token(request, key)
        if done is not None:  # submitted before: its receipt, not a second case
            return _to_receipt(request, page, done)
    if not form.is_valid():
        if key is None or form.is_spam:
            form.data = form.data.copy()
            form.data["token"] = new_submission_token()
            form.data["website"] = ""
        status = 400
        if form.is_spam:
            logger.info("Request form: honeypot filled, nothing stored")
            wait = _over_limit(request, "request_submit", "REQUEST_SUBMIT_RATE")
            if wait:
                return _too_many(_form_page(request, page, form, 429, _rate_message()), wait)
        return _form_page(
            request, page, form, status, reselect_file=bool(request.FILES.get("attachment"))
        )
    wait = _over_limit(request, "request_submit", "REQUEST_SUBMIT_RATE")
    if wait:
        response = _form_page(
            request,
            page,
            form,
            429,
            _rate_message(),
            reselect_file=bool(request.FILES.get("attachment")),
        )
        return _too_many(response, wait)
    cache_key = _token_cache_key(key)
    if not cache.add(cache_key, _PENDING, TOKEN_MAX_AGE):
        done = _case_for_token(request, key)
        if done is not None:
            return _to_receipt(request, page, done)
        return _form_page(
            request,
            page,
            form,
            409,
            gettext(
                "This request is already being submitted. Wait a moment and submit it "
                "again: it will be stored only once."
            ),
        )
    try:
        case = new_case(form.cleaned_data)
    except BaseException:
        cache.delete(cache_key)
        raise
    cache.set(cache_key, case.pk, TOKEN_MAX_AGE)
    tokens = dict(request.session.get(SESSION_TOKENS, {}))
    tokens[key] = case.pk
    request.session[SESSION_TOKENS] = dict(list(tokens.items())[-_KEEP_TOKENS:])
    if case.email:
        lookup_url = request.build_absolute_uri(page.url + page.reverse_subpage("lookup"))
        transaction.on_commit(lambda: send_receipt(case, page, lookup_url))
    return _to_receipt(request, page, case.pk)


def _rate_message():
    return gettext(
        "Too many submissions from your address. Your entries are kept below: try again later."
    )


def _case_for_token(request, key):
    """The id of the case stored with the token ``key``, if any (session, then cache)."""
    pk = request.session.get(SESSION_TOKENS, {}).get(key)
    if pk is None:
        value = cache.get(_token_cache_key(key))
        pk = value if isinstance(value, int) else None
    if pk is not None and DisclosureRequest.objects.filter(pk=pk).exists():
        return pk
    return None


def _to_receipt(request, page, pk):
    request.session[SESSION_RECEIPT] = pk
    return HttpResponseRedirect(page.url + page.reverse_subpage("receipt"))


def _receipt_facts(case):
    clock = case.clock()
    return {"case": case, "due_date": clock.due_date, "paused": clock.is_paused}


def send_receipt(case, page, lookup_url):
    """E-mail the receipt to the applicant; a failure is logged, never raised."""
    try:
        context = {"page": page, "lookup_url": lookup_url, **_receipt_facts(case)}
        subject = gettext("Receipt of your request for information %(number)s") % {
            "number": case.tracking_number
        }
        send_mail(
            subject,
            render_to_string(EMAIL_TEMPLATE, context),
            None,
            [case.email],
            fail_silently=False,
        )
    except Exception:
        logger.exception("Could not send the receipt of request %s", case.tracking_number)


# -- the receipt ------------------------------------------------------------------------


def receipt(page, request):
    pk = request.session.get(SESSION_RECEIPT)
    case = DisclosureRequest.objects.filter(pk=pk).first() if isinstance(pk, int) else None
    context = {
        "form_url": page.url,
        "lookup_url": page.url + page.reverse_subpage("lookup"),
    }
    if case is None:
        return _render(request, page, RECEIPT_TEMPLATE, context, status=404)
    context.update(_receipt_facts(case))
    return _render(request, page, RECEIPT_TEMPLATE, context)


# -- the status lookup ------------------------------------------------------------------


def lookup(page, request):
    context = {"form_url": page.url, "result": None, "not_found": False, "message": ""}
    status = 200
    if request.method == "POST":
        form = RequestLookupForm(request.POST)
        wait = _over_limit(request, "request_lookup", "REQUEST_LOOKUP_RATE")
        if wait:
            form.is_valid()
            context.update(
                form=form,
                message=gettext("Too many lookups from your address. Try again later."),
            )
            form.mark_errors()
            return _too_many(_render(request, page, LOOKUP_TEMPLATE, context, 429), wait)
        if form.is_valid():
            case = form.find()
            if case is None:
                context["not_found"] = True
                status = 404
            else:
                context["result"] = lookup_result(case)
        else:
            status = 400
        form.mark_errors()
    else:
        form = RequestLookupForm()
    context["form"] = form
    return _render(request, page, LOOKUP_TEMPLATE, context, status)


def lookup_result(case):
    """State and dates of ``case``: all the lookup may show."""
    finished = case.state in FINISHED_STATES
    clock = None if finished else case.clock()
    return {
        "tracking_number": case.tracking_number,
        "state": case.get_state_display(),
        "received_on": case.received_on,
        "due_date": clock.due_date if clock else None,
        "paused": bool(clock and clock.is_paused),
        "answered_on": case.answered_on,
        "delivered_on": case.delivered_on,
        "checked_at": timezone.localtime(),
    }


__all__ = ["application", "lookup", "receipt", "send_receipt"]
