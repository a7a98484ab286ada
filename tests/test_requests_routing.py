"""A request routed to more than one department: the lead department (主办) answers, the
assisting ones (协办) give their part without seeing who asked; the lead can hand the case
to another department (转办). Over HTTP with real logins, and through the staff API."""

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from wagtail.models import ModelLogEntry

from tests.utils import build_once, fresh, grant, make_department, staff
from wagtail_disclosure.api.main import API_PREFIX
from wagtail_disclosure.models import (
    ApiToken,
    DisclosureRequest,
    RequestAssistance,
    RequestState,
)
from wagtail_disclosure.models.requests import ApplicantType, IdType, LetterKind
from wagtail_disclosure.permissions import Role
from wagtail_disclosure.request_assistance import AssistanceError, contribute
from wagtail_disclosure.request_letters import issue_letter
from wagtail_disclosure.workflow import TransitionError, take_transition

pytestmark = [pytest.mark.django_db]

D = datetime.date.fromisoformat
PASSWORD = "pw"
SECRET_ID = "110101199003070011"


def build_world():
    User = get_user_model()
    jwc, cwc, rsc = (
        make_department("JWC", "教务处"),
        make_department("CWC", "财务处"),
        make_department("RSC", "人事处"),
    )
    office = staff(User, "office")
    grant(office, Role.DISCLOSURE_OFFICE)
    people = {"office": office}
    for code, department in (("jwc", jwc), ("cwc", cwc), ("rsc", rsc)):
        people[f"h_{code}"] = staff(User, f"{code}-handler")
        grant(people[f"h_{code}"], Role.REQUEST_HANDLER, department)
    case = DisclosureRequest.objects.create(
        applicant_type=ApplicantType.PERSON,
        name="张三",
        id_type=IdType.RESIDENT_ID,
        id_number=SECRET_ID,
        description="2025年奖学金评定办法及经费来源",
        received_on=D("2026-03-02"),
    )
    case = take_transition(case, "accept", office)
    case = take_transition(case, "route", office, department=jwc, assisting=[cwc, jwc])
    return {"jwc": jwc, "cwc": cwc, "rsc": rsc, "case": case, **people}


@pytest.fixture(scope="module")
def _world_once(request, django_db_setup, django_db_blocker):
    yield from build_once(request, django_db_blocker, build_world)


@pytest.fixture
def world(_world_once, db):
    return fresh(_world_once)


API = f"/{API_PREFIX}staff/requests"


def bearer(user):
    _token, key = ApiToken.objects.create_token(user=user, name="tests")
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


def case_url(case):
    return reverse("disclosure_requests:inspect", args=[case.pk])


def as_user(client, user):
    client.force_login(user)
    return client


def test_the_case_has_a_lead_and_one_assisting_department(world):
    case = world["case"]
    assert case.state == RequestState.ROUTED and case.department == world["jwc"]
    # The lead department is not also its own assistant.
    assert list(case.assistance.values_list("department__name", flat=True)) == ["财务处"]


def test_who_sees_the_case_and_who_sees_the_applicant(client, world):
    case = world["case"]
    for who in ("office", "h_jwc"):
        html = as_user(client, world[who]).get(case_url(case)).content.decode()
        assert case.description in html and SECRET_ID in html, who
    # The assisting department sees the request, not who asked.
    response = as_user(client, world["h_cwc"]).get(case_url(case))
    html = response.content.decode()
    assert response.status_code == 200 and case.description in html
    assert SECRET_ID not in html and "张三" not in html
    assert 'action="' + reverse("disclosure_requests:contribute", args=[case.pk]) in html
    listing = client.get(reverse("disclosure_requests:index")).content.decode()
    assert case.tracking_number in listing and "张三" not in listing
    # Letters name the applicant: not for the assisting department, on no surface.
    letter = issue_letter(case, LetterKind.RECEIPT, world["office"])
    for view in ("request_letter_print", "request_letter_docx"):
        assert (
            client.get(reverse(f"wagtail_disclosure:{view}", args=[letter.pk])).status_code == 404
        )
    page = client.get(case_url(case)).content.decode()
    assert reverse("wagtail_disclosure:request_letter_print", args=[letter.pk]) not in page
    assert "张三" not in page
    with pytest.raises(PermissionDenied):
        issue_letter(case, LetterKind.CONSULTATION, world["h_cwc"], third_party="某公司")
    letters_api = f"{API}/{case.pk}/letters"
    assert client.get(letters_api, **bearer(world["h_cwc"])).json() == []
    assert (
        client.get(f"{letters_api}/{letter.pk}/docx", **bearer(world["h_cwc"])).status_code == 404
    )
    assert len(client.get(letters_api, **bearer(world["h_jwc"])).json()) == 1
    # A department not asked sees nothing of it.
    assert as_user(client, world["h_rsc"]).get(case_url(case)).status_code == 404
    assert (
        case.tracking_number
        not in client.get(reverse("disclosure_requests:index")).content.decode()
    )
    api = client.get(API, **bearer(world["h_rsc"]))
    assert api.status_code == 200 and api.json()["count"] == 0


def test_the_assisting_department_takes_no_step_but_gives_its_part_once(client, world):
    case = world["case"]
    with pytest.raises(TransitionError):
        take_transition(case, "sign_for", world["h_cwc"])
    with pytest.raises(AssistanceError):
        contribute(case, world["h_rsc"], world["rsc"].pk, "x")
    as_user(client, world["h_cwc"])
    contribute_url = reverse("disclosure_requests:contribute", args=[case.pk])
    empty = client.post(contribute_url, {"department": world["cwc"].pk, "text": "  "}, follow=True)
    assert not RequestAssistance.objects.filter(contributed_at__isnull=False).exists()
    assert "财务处" in empty.content.decode()
    client.post(
        contribute_url, {"department": world["cwc"].pk, "text": "经费来自学校奖助学金专项。"}
    )
    row = RequestAssistance.objects.get()
    assert row.contribution == "经费来自学校奖助学金专项。" and row.contributed_by == world["h_cwc"]
    with pytest.raises(AssistanceError) as again:
        contribute(case, world["h_cwc"], world["cwc"].pk, "第二次")
    assert again.value.code == "already_done"
    # In the timeline, and on the lead department's case page.
    assert (
        ModelLogEntry.objects.for_instance(case)
        .filter(action="wagtail_disclosure.request.contribution")
        .exists()
    )
    lead_page = as_user(client, world["h_jwc"]).get(case_url(case)).content.decode()
    assert "经费来自学校奖助学金专项。" in lead_page
    # Another department cannot write in the name of the assisting one.
    with pytest.raises(AssistanceError) as forged:
        contribute(case, world["h_jwc"], world["cwc"].pk, "代写")
    assert forged.value.code == "permission_denied"


def test_the_lead_department_transfers_the_case(client, world):
    case = world["case"]
    with pytest.raises(TransitionError):
        take_transition(case, "transfer", world["h_jwc"], comment="不掌握", department=world["jwc"])
    with pytest.raises(TransitionError):  # a reason is needed
        take_transition(case, "transfer", world["h_jwc"], department=world["rsc"])
    response = as_user(client, world["h_jwc"]).post(
        reverse("disclosure_requests:transition", args=[case.pk, "transfer"]),
        {
            "comment": "奖学金评定由人事处掌握",
            "department": world["rsc"].pk,
            "expected_state": "routed",
        },
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.department == world["rsc"] and case.state == RequestState.ROUTED
    assert as_user(client, world["h_jwc"]).get(case_url(case)).status_code == 404
    html = as_user(client, world["h_rsc"]).get(case_url(case)).content.decode()
    assert SECRET_ID in html
    take_transition(case, "sign_for", world["h_rsc"])


def test_the_api_routes_with_assisting_departments(client, world):
    case = DisclosureRequest.objects.create(
        applicant_type=ApplicantType.PERSON,
        name="李四",
        description="学生宿舍收费标准",
        received_on=D("2026-03-03"),
    )
    take_transition(case, "accept", world["office"])
    office = bearer(world["office"])
    endpoint = f"{API}/{case.pk}/transitions"
    bad = client.post(
        endpoint,
        {"name": "route", "department_id": world["jwc"].pk, "assisting_department_ids": [999999]},
        content_type="application/json",
        **office,
    )
    assert (
        bad.status_code == 400
        and bad.json()["error"]["details"][0]["field"] == "assisting_department_ids"
    )
    case.refresh_from_db()
    assert case.state == RequestState.ACCEPTED
    good = client.post(
        endpoint,
        {
            "name": "route",
            "department_id": world["jwc"].pk,
            "assisting_department_ids": [world["cwc"].pk, world["rsc"].pk],
        },
        content_type="application/json",
        **office,
    )
    assert good.status_code == 200, good.content
    detail = client.get(f"{API}/{case.pk}", **bearer(world["h_rsc"]))
    assert detail.status_code == 200
    body = detail.json()
    assert body["applicant"] is None and body["transitions"] == []
    assert sorted(row["department"]["name"] for row in body["assisting"]) == ["人事处", "财务处"]
