"""The staff API for requests for information (api/staff_requests.py): who sees which
case and which identity fields, transitions over HTTP, the statistics endpoint."""

import datetime

import pytest
from wagtail.models import ModelLogEntry

from tests.utils import make_department
from wagtail_disclosure.api.main import API_PREFIX
from wagtail_disclosure.models import ApiToken, DisclosureRequest, RequestState
from wagtail_disclosure.models.requests import ApplicantType
from wagtail_disclosure.permissions import Role, assign_role
from wagtail_disclosure.workflow import take_transition

pytestmark = [pytest.mark.django_db]

URL = f"/{API_PREFIX}staff/requests"
D = datetime.date.fromisoformat
SECRET_NAME = "王秘密"
SECRET_ID = "110101199001011234"


def bearer(user):
    _token, key = ApiToken.objects.create_token(user=user, name="tests")
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


@pytest.fixture
def world(django_user_model):
    jwc, cwc = make_department("JWC", "教务处"), make_department("CWC", "财务处")
    users = {}
    for username, role, department in [
        ("office", Role.DISCLOSURE_OFFICE, None),
        ("handler", Role.REQUEST_HANDLER, jwc),
        ("other", Role.REQUEST_HANDLER, cwc),
        ("everywhere", Role.REQUEST_HANDLER, None),
    ]:
        user = django_user_model.objects.create_user(username, password="pw")
        assign_role(user, role, department)
        users[username] = user
    office = users["office"]

    def new_case(**fields):
        return DisclosureRequest.objects.create(
            applicant_type=ApplicantType.PERSON,
            name=SECRET_NAME,
            id_number=SECRET_ID,
            phone="13800000000",
            description="2025年本科招生章程的制定依据",
            received_on=D("2026-03-02"),
            **fields,
        )

    routed = new_case()
    take_transition(routed, "accept", office)
    routed = take_transition(routed, "route", office, department=jwc)
    at_office = new_case()
    assert routed.state == RequestState.ROUTED and routed.department == jwc
    assert at_office.department is None
    return {"jwc": jwc, "cwc": cwc, "routed": routed, "at_office": at_office, **users}


def get(client, user, path="", **params):
    return client.get(f"{URL}{path}", params, **bearer(user))


def act(client, user, case, name, **body):
    return client.post(
        f"{URL}/{case.pk}/transitions",
        {"name": name, **body},
        content_type="application/json",
        **bearer(user),
    )


def error_code(response, status):
    assert response.status_code == status, response.content
    return response.json()["error"]["code"]


def test_a_token_is_needed(client, world):
    assert error_code(client.get(URL), 401) == "not_authenticated"


def test_the_office_sees_every_case_with_the_applicant(client, world):
    response = get(client, world["office"])
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"
    body = response.json()
    assert body["count"] == 2
    by_id = {row["id"]: row for row in body["results"]}
    assert by_id[world["routed"].pk]["applicant"]["id_number"] == SECRET_ID
    assert by_id[world["at_office"].pk]["applicant"]["name"] == SECRET_NAME
    assert by_id[world["at_office"].pk]["clock"]["due_date"] == "2026-03-23"
    assert "accept" in [t["name"] for t in by_id[world["at_office"].pk]["transitions"]]


def test_a_department_sees_only_its_cases(client, world):
    body = get(client, world["handler"]).json()
    assert [row["id"] for row in body["results"]] == [world["routed"].pk]
    assert body["results"][0]["applicant"]["name"] == SECRET_NAME
    assert [t["name"] for t in body["results"][0]["transitions"]] == [
        "sign_for",
        "transfer",
        "return_to_office",
    ]
    detail = get(client, world["handler"], f"/{world['routed'].pk}")
    assert detail.status_code == 200
    assert detail.json()["description"] == "2025年本科招生章程的制定依据"
    assert [row["transition"] for row in detail.json()["history"]] == ["accept", "route"]
    # The case still at the office is not theirs: 404, as for a case that does not exist.
    assert error_code(get(client, world["handler"], f"/{world['at_office'].pk}"), 404)
    assert error_code(get(client, world["handler"], "/999999"), 404)


def test_another_department_learns_nothing(client, world):
    other, routed = world["other"], world["routed"]
    response = get(client, other)
    assert response.json()["count"] == 0
    assert error_code(get(client, other, f"/{routed.pk}"), 404) == "not_found"
    response = act(client, other, routed, "sign_for")
    assert error_code(response, 404) == "not_found"
    for response in (get(client, other), get(client, other, f"/{routed.pk}")):
        assert SECRET_NAME not in response.content.decode()
    routed.refresh_from_db()
    assert routed.state == RequestState.ROUTED


def test_identity_only_for_the_department_the_case_is_routed_to(client, world):
    # A handler of every department sees the case still at the office, not who sent it.
    body = get(client, world["everywhere"]).json()
    by_id = {row["id"]: row for row in body["results"]}
    assert by_id[world["at_office"].pk]["applicant"] is None
    assert by_id[world["routed"].pk]["applicant"]["name"] == SECRET_NAME
    detail = get(client, world["everywhere"], f"/{world['at_office'].pk}")
    assert detail.json()["applicant"] is None and detail.json()["delivery_reference"] is None
    assert SECRET_NAME not in detail.content.decode()
    assert SECRET_ID not in detail.content.decode()


def test_transitions_through_the_api(client, world):
    office, handler, case = world["office"], world["handler"], world["at_office"]
    response = act(client, office, case, "accept", expected_state="received")
    assert response.status_code == 200, response.content
    assert response.json()["state"] == "accepted"
    response = act(client, office, case, "route", department_id=world["jwc"].pk)
    assert response.json()["state"] == "routed"
    assert error_code(act(client, handler, case, "sign_for", expected_state="accepted"), 409) == (
        "concurrent"
    )
    assert act(client, handler, case, "sign_for").json()["state"] == "in_hand"
    # An answer needs the reason its outcome requires.
    response = act(client, handler, case, "propose_answer", outcome="partial")
    assert error_code(response, 400) == "invalid"
    response = act(client, handler, case, "propose_answer", outcome="partial", reason="涉及隐私")
    assert response.json()["state"] == "proposed"
    assert act(client, office, case, "answer").json()["state"] == "answered"
    response = act(client, office, case, "deliver", reference="EMS1234567890")
    assert response.json()["state"] == "delivered"
    case.refresh_from_db()
    assert case.state == RequestState.DELIVERED and case.outcome == "partial"
    assert case.delivery_reference == "EMS1234567890" and case.department == world["jwc"]
    actions = ModelLogEntry.objects.for_instance(case).values_list("action", flat=True)
    assert "wagtail_disclosure.request.deliver" in set(actions)


def test_transition_errors(client, world):
    office, handler, routed = world["office"], world["handler"], world["routed"]
    # Withdrawing is the office's: 403 for the department, whose case it is.
    response = act(client, handler, routed, "withdraw", comment="申请人撤回")
    assert error_code(response, 403) == "permission_denied"
    assert error_code(act(client, office, routed, "withdraw"), 400) == "reason_required"
    assert error_code(act(client, office, routed, "accept"), 409) == "not_allowed"
    case = world["at_office"]
    take_transition(case, "accept", office)
    assert error_code(act(client, office, case, "route"), 400) == "invalid"
    assert error_code(act(client, office, case, "route", department_id=999999), 400) == "invalid"
    assert error_code(act(client, office, case, "fly"), 400) == "invalid"
    routed.refresh_from_db()
    assert routed.state == RequestState.ROUTED


def test_statistics_are_for_the_office(client, world):
    response = get(client, world["office"], "/statistics", period="calendar", year=2026)
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["start"], body["end"]) == ("2026-01-01", "2026-12-31")
    assert body["figures"]["received"] == 2
    rows = {row["key"]: row for row in body["table3"]["rows"]}
    assert rows["new"]["counts"]["person"] == 2
    assert rows["carried_forward"]["counts"]["total"] == 2
    assert body["table3"]["failing_columns"] == []
    academic = get(client, world["office"], "/statistics", year=2025).json()
    assert (academic["start"], academic["end"]) == ("2025-09-01", "2026-08-31")
    response = get(client, world["handler"], "/statistics", year=2025)
    assert error_code(response, 403) == "permission_denied"
    assert error_code(get(client, world["office"], "/statistics", year=10000), 400) == "invalid"


def test_the_list_takes_a_fixed_number_of_queries(client, world):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    auth = bearer(world["office"])

    def count():
        with CaptureQueriesContext(connection) as queries:
            response = client.get(URL, **auth)
        assert response.status_code == 200
        return len(queries), response.json()["count"]

    count()  # the token's first use is recorded once
    first = count()
    for _ in range(4):
        case = DisclosureRequest.objects.create(
            applicant_type=ApplicantType.PERSON, description="x", received_on=D("2026-03-03")
        )
        case.add_clock_event("pause", D("2026-03-04"), "correction")
    second = count()
    assert (first[1], second[1]) == (2, 6)
    assert first[0] == second[0]


def test_letters_of_a_case_as_text_and_docx(client, world):
    """The letters of a case, as issued, for those who may see it; another department's
    case is not found."""
    import io

    import docx

    from wagtail_disclosure.request_letters import issue_letter

    case = world["routed"]
    letter = issue_letter(case, "receipt", world["office"])
    listing = get(client, world["office"], f"/{case.pk}/letters")
    assert listing.status_code == 200
    (item,) = listing.json()
    assert item["number"] == letter.number and item["body"] == letter.body
    assert item["docx"].endswith(f"/requests/{case.pk}/letters/{letter.pk}/docx")
    answer = get(client, world["handler"], f"/{case.pk}/letters/{letter.pk}/docx")
    assert answer.status_code == 200
    assert answer["Content-Type"].startswith("application/vnd.openxmlformats")
    text = "\n".join(p.text for p in docx.Document(io.BytesIO(answer.content)).paragraphs)
    assert case.tracking_number in text
    other = world["other"]
    assert get(client, other, f"/{case.pk}/letters").status_code == 404
    assert get(client, other, f"/{case.pk}/letters/{letter.pk}/docx").status_code == 404


def test_a_page_past_the_last_is_404_with_the_number_of_pages(client, world):
    response = get(client, world["office"], page=99)
    assert error_code(response, 404) == "not_found"
    message = response.json()["error"]["message"]
    assert "99" in message and ("there are 1" in message or "共 1 页" in message)
