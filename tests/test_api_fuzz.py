"""Schema-driven fuzzing of the API with schemathesis (issue #5).

Every operation of ``/api/disclosure/v1/openapi.json`` is called with requests generated
from the schema: valid ones (positive mode) and invalid ones (negative mode: wrong types,
out-of-range values, missing or extra fields). Each response must not be a server error
and must conform to the schema: a documented status code, the documented content type,
a body valid against the documented schema and the documented headers.

Requests go through Django's WSGI handler in-process, on the test database, with public
entries, a withheld one, a draft and a campus-only one in it, and with a staff token for
the staff endpoints. The test counts the requests and asserts there were at least
``MIN_REQUESTS`` of them.

The full fuzz takes a while, so ``make test`` runs it in one nox session only (marker
``full_fuzz``, noxfile.py); every session runs the same fuzz with a few examples per
operation.
"""

import contextlib

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from wagtail_disclosure.api.main import API_PREFIX

from .utils import make_department, make_entry, make_section, reviewer

pytestmark = [pytest.mark.django_db, pytest.mark.each_database]

#: The issue's bar: at least this many generated requests in one run.
MIN_REQUESTS = 500
#: Examples per operation and generation mode (hypothesis may stop earlier when an
#: operation has few distinct inputs, e.g. no parameters at all).
EXAMPLES_PER_OPERATION = 40
#: Generated responses of each of 200 and 400 in the full fuzz, at least.
MIN_PER_STATUS = 50
#: The small fuzz of every session: examples per operation and mode, and its bars.
SMALL_EXAMPLES_PER_OPERATION = 4
SMALL_MIN_REQUESTS = 50
SMALL_MIN_PER_STATUS = 10

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    response_headers_conformance,
]


@pytest.fixture
def content(settings):
    settings.WAGTAIL_DISCLOSURE_API_THROTTLE_RATE = None
    settings.DEBUG_PROPAGATE_EXCEPTIONS = False
    section = make_section()
    jwc = make_department()
    cwc = make_department("CWC", "财务处")
    make_entry(section, "admissions", title="2026年本科招生章程", department=jwc)
    make_entry(section, "finance", title="2025年部门决算", department=cwc, summary="决算公开")
    make_entry(section, "basic", title="学校章程", document_number="校发〔2025〕1号")
    make_entry(section, "teaching", title="本科教学质量报告", publish=False)
    make_entry(section, "students", title="校内通知", audience="campus",
        restriction_reason="仅供校内师生查阅。",
    )
    return section


@contextlib.contextmanager
def database_connection_kept():
    """Keep Django from closing the test's connection at the end of each WSGI request.

    Django's own test client does the same: the test runs inside a transaction on one
    connection, which ``close_old_connections`` would close (it sees autocommit off).
    """
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def staff_headers():
    """Authorization for the staff endpoints: a token of a user holding every role."""
    from wagtail_disclosure.models import ApiToken

    _token, key = ApiToken.objects.create_token(user=reviewer(), name="fuzzing")
    return {"Authorization": f"Bearer {key}"}


@pytest.mark.full_fuzz
def test_every_operation_survives_generated_requests(content):
    with database_connection_kept():
        fuzz_every_operation(EXAMPLES_PER_OPERATION, MIN_REQUESTS, MIN_PER_STATUS)


def test_every_operation_survives_a_few_generated_requests(content):
    with database_connection_kept():
        fuzz_every_operation(SMALL_EXAMPLES_PER_OPERATION, SMALL_MIN_REQUESTS, SMALL_MIN_PER_STATUS)


def fuzz_every_operation(examples_per_operation, min_requests, min_per_status):
    schema = schemathesis.openapi.from_wsgi(
        f"/{API_PREFIX}openapi.json", get_wsgi_application()
    )
    headers = staff_headers()
    calls = {"total": 0, "by_status": {}}
    operations = []
    for result in schema.get_all_operations():
        operation = result.ok()
        operations.append(f"{operation.method.upper()} {operation.path}")
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            strategy = operation.as_strategy(generation_mode=mode)

            @given(case=strategy)
            @hypothesis_settings(
                max_examples=examples_per_operation,
                deadline=None,
                database=None,
                derandomize=True,
                suppress_health_check=list(HealthCheck),
            )
            def run(case):
                response = case.call(headers=headers)
                calls["total"] += 1
                calls["by_status"][response.status_code] = (
                    calls["by_status"].get(response.status_code, 0) + 1
                )
                case.validate_response(response, checks=CHECKS)

            try:
                run()
            except Unsatisfiable:
                # Negative mode on an operation without any input: nothing invalid to send.
                if mode is not GenerationMode.NEGATIVE:
                    raise
                calls["no_negative_inputs"] = [*calls.get("no_negative_inputs", []), operations[-1]]

    assert len(operations) >= 8, operations
    assert calls["total"] >= min_requests, calls
    assert not any(status >= 500 for status in calls["by_status"]), calls
    # Generated requests reach the success paths too, not only the validation errors.
    assert calls["by_status"].get(200, 0) >= min_per_status, calls
    assert calls["by_status"].get(400, 0) >= min_per_status, calls
