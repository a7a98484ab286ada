"""The public side of requests for information: application form, receipt, status lookup."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone
from hypothesis import HealthCheck, event, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from wagtail_disclosure.models import DisclosureRequest, DisclosureRequestPage, RequestState
from wagtail_disclosure.models.requests import ApplicantType, ReceiptChannel
from wagtail_disclosure.permissions import Role, assign_role
from wagtail_disclosure.request_forms import new_submission_token
from wagtail_disclosure.workflow import take_transition

pytestmark = [pytest.mark.django_db]

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
SECRET_WORD = "Zyxwquorrel"  # in the description of every submission: must never be public


@pytest.fixture(autouse=True)
def _no_rate_limits(settings):
    """Tests submit many times from one address; the rate-limit test sets its own rates."""
    settings.WAGTAIL_DISCLOSURE_REQUEST_SUBMIT_RATE = None
    settings.WAGTAIL_DISCLOSURE_REQUEST_LOOKUP_RATE = None


@pytest.fixture
def page(shared_section):
    page = shared_section.add_child(
        instance=DisclosureRequestPage(
            title="依申请公开",
            slug="apply",
            commitment="本人承诺所获取的信息只用于自身的特殊需要。",
            receipt_text="<p>我们将在规定期限内答复。</p>",
        )
    )
    page.save_revision().publish()
    page.refresh_from_db()
    assert page.live and page.url == "/apply/"
    return page


@pytest.fixture
def client():
    """English pages, so the assertions hold once the strings are translated."""
    return Client(headers={"accept-language": "en"})


def person(**fields):
    data = {
        "applicant_type": "person",
        "name": "李四",
        "id_type": "resident_id",
        "id_number": "11010519491231002x",
        "work_unit": "某中学",
        "phone": "010-12345678",
        "email": "lisi@example.com",
        "description": f"2025年学校预算执行情况 {SECRET_WORD}",
        "purpose": "研究",
        "information_form": "electronic",
        "delivery": "email",
        "commitment": "on",
        "website": "",
    }
    data.update(fields)
    return data


def organisation(**fields):
    data = person(
        applicant_type="organisation",
        name="",
        id_type="",
        id_number="",
        organisation_name="某某研究院",
        organisation_kind="research",
        credit_code="12100000400000624D",
        legal_representative="王五",
        contact_person="赵六",
    )
    data.update(fields)
    return data


def form_token(client, page):
    response = client.get(page.url)
    assert response.status_code == 200
    match = re.search(r'name="token" value="([^"]+)"', response.content.decode())
    assert match, "no submission token in the form"
    return match.group(1)


def submit(client, page, data, token=None):
    data = dict(data)
    data.setdefault("token", token or form_token(client, page))
    return client.post(page.url, data)


def receipt_url(page):
    return page.url + page.reverse_subpage("receipt")


def lookup_url(page):
    return page.url + page.reverse_subpage("lookup")


# --- the application ----------------------------------------------------------------


def test_a_citizen_applies_and_gets_a_receipt(
    page, client, mailoutbox, django_capture_on_commit_callbacks
):
    form_page = client.get(page.url).content.decode()
    assert 'enctype="multipart/form-data"' in form_page and "csrfmiddlewaretoken" in form_page
    assert page.commitment in form_page
    # The honeypot is labelled for screen readers.
    assert re.search(r'<label for="id_website">Leave this field empty</label>', form_page)
    with django_capture_on_commit_callbacks(execute=True):
        response = submit(client, page, person())
    assert response.status_code == 302 and response["Location"] == receipt_url(page)
    case = DisclosureRequest.objects.get()
    assert case.channel == ReceiptChannel.ONLINE and case.state == RequestState.RECEIVED
    assert case.received_on == timezone.localdate()
    assert case.applicant_type == ApplicantType.PERSON
    assert (case.name, case.id_number, case.email) == (
        "李四",
        "11010519491231002X",
        "lisi@example.com",
    )
    assert case.description == f"2025年学校预算执行情况 {SECRET_WORD}"
    assert case.organisation_name == "" and not case.fee_waiver_requested
    assert re.fullmatch(r"YSQ-\d{4}-\d{4}", case.tracking_number)

    receipt = client.get(response["Location"])
    html = receipt.content.decode()
    assert receipt.status_code == 200
    assert "no-cache" in receipt["Cache-Control"]
    assert case.tracking_number in html and case.lookup_code in html
    due = case.clock().due_date
    assert due is not None and due > case.received_on
    assert due.isoformat() in html and case.received_on.isoformat() in html
    assert "我们将在规定期限内答复。" in html
    # The receipt e-mail, sent after the commit.
    assert len(mailoutbox) == 1
    mail = mailoutbox[0]
    assert mail.to == ["lisi@example.com"] and case.tracking_number in mail.subject
    assert case.lookup_code in mail.body and due.isoformat() in mail.body
    assert "http://testserver/apply/lookup/" in mail.body


def test_a_mail_failure_is_logged_not_an_error(
    page, client, settings, caplog, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", 9  # nothing listens there
    with django_capture_on_commit_callbacks(execute=True):
        response = submit(client, page, person())
    assert response.status_code == 302
    assert DisclosureRequest.objects.count() == 1
    assert "Could not send the receipt" in caplog.text


def test_the_same_submission_twice_stores_one_case(page, client):
    token = form_token(client, page)
    first = submit(client, page, person(), token)
    again = submit(client, page, person(), token)
    assert first.status_code == again.status_code == 302
    assert again["Location"] == receipt_url(page)
    case = DisclosureRequest.objects.get()
    assert case.tracking_number in client.get(receipt_url(page)).content.decode()
    # The token is the proof: the same form sent from a browser whose session does not
    # know it (the first answer was lost) shows the same receipt, still one case.
    other = Client(headers={"accept-language": "en"})
    assert submit(other, page, person(), token).status_code == 302
    assert DisclosureRequest.objects.count() == 1
    assert case.tracking_number in other.get(receipt_url(page)).content.decode()
    # A new rendering of the form is a new request.
    assert submit(client, page, person()).status_code == 302
    assert DisclosureRequest.objects.count() == 2


def test_a_forged_token_stores_nothing_and_keeps_the_entries(page, client):
    response = submit(client, page, person(), token="made-up:token")
    assert response.status_code == 400
    html = response.content.decode()
    assert "This form has expired" in html and "李四" in html
    assert DisclosureRequest.objects.count() == 0
    fresh = re.search(r'name="token" value="([^"]+)"', html).group(1)
    assert fresh != "made-up:token"
    assert submit(client, page, person(), fresh).status_code == 302


def test_an_organisation_without_its_credit_code_keeps_what_it_typed(page, client):
    response = submit(client, page, organisation(credit_code=""))
    assert response.status_code == 400
    html = response.content.decode()
    assert DisclosureRequest.objects.count() == 0
    error = re.search(r'<p class="field__error" id="id_credit_code_error">([^<]*)</p>', html)
    assert error and "required for your type of applicant" in error.group(1)
    assert re.search(r'<input[^>]*name="credit_code"[^>]*aria-invalid="true"', html)
    assert re.search(
        r'<input[^>]*name="credit_code"[^>]*aria-describedby="[^"]*id_credit_code_error', html
    )
    for value in ("某某研究院", "王五", "赵六", "010-12345678", "lisi@example.com"):
        assert f'value="{value}"' in html, value
    assert f"2025年学校预算执行情况 {SECRET_WORD}</textarea>" in html
    assert re.search(r'value="research"[^>]*selected', html)
    assert 'href="#id_credit_code"' in html  # the error summary links to the field


def test_the_credit_code_format_is_checked(page, client):
    response = submit(client, page, organisation(credit_code="12100000400000624I"))
    assert response.status_code == 400
    assert "A unified social credit code has 18 characters" in response.content.decode()
    response = submit(client, page, organisation(credit_code="12100000400000624d"))
    assert response.status_code == 302
    case = DisclosureRequest.objects.get()
    assert case.credit_code == "12100000400000624D" and case.organisation_kind == "research"
    assert case.name == case.id_number == ""  # a citizen's fields are not kept


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        (
            {"phone": "", "email": "", "delivery": "collect"},
            "phone",
            "Give a telephone number or an e-mail",
        ),
        ({"email": "", "delivery": "email"}, "email", "to receive the answer by e-mail"),
        ({"delivery": "post", "address": "", "postcode": ""}, "postcode", "by post"),
        ({"delivery": "post", "address": "北京市", "postcode": "1000"}, "postcode", "six digits"),
        ({"id_number": "110105194912310021"}, "id_number", "not a valid resident identity card"),
        ({"fee_waiver_requested": "on", "fee_waiver_reason": ""}, "fee_waiver_reason", "waived"),
        ({"commitment": ""}, "commitment", "confirm the commitment"),
        ({"description": "   "}, "description", "Describe the information"),
        ({"name": ""}, "name", "required for your type of applicant"),
    ],
)
def test_required_fields_follow_the_applicant_and_the_delivery(
    page, client, fields, field, message
):
    response = submit(client, page, person(**fields))
    assert response.status_code == 400
    html = response.content.decode()
    error = re.search(rf'<p class="field__error" id="id_{field}_error">([^<]*)</p>', html)
    assert error and message in error.group(1), html[:0]
    assert DisclosureRequest.objects.count() == 0


def test_a_filled_honeypot_stores_nothing(page, client):
    response = submit(client, page, person(website="http://spam.example/"))
    assert response.status_code == 400
    html = response.content.decode()
    assert "Your request could not be submitted" in html
    assert "李四" in html and "http://spam.example/" not in html
    assert DisclosureRequest.objects.count() == 0


def test_attachments_are_checked_by_size_extension_and_content(page, client, settings):
    settings.WAGTAIL_DISCLOSURE_REQUEST_ATTACHMENT_MAX_BYTES = 100
    cases = [
        (SimpleUploadedFile("big.pdf", PDF + b"x" * 200), "The file is too large"),
        (SimpleUploadedFile("tool.exe", PDF), "Choose a PDF, Word"),
        (SimpleUploadedFile("photo.pdf", PNG), "content is not what its name (.pdf) says"),
        (SimpleUploadedFile("letter.docx", b"PK\x03\x04" + b"\x00" * 40), "content is not what"),
    ]
    for upload, message in cases:
        response = submit(client, page, person(attachment=upload))
        assert response.status_code == 400, message
        html = response.content.decode()
        assert message in html
        assert "choose your attachment again" in html
        assert "李四" in html
    assert DisclosureRequest.objects.count() == 0
    response = submit(client, page, person(attachment=SimpleUploadedFile("我的身份证.pdf", PDF)))
    assert response.status_code == 302
    case = DisclosureRequest.objects.get()
    assert re.fullmatch(r"disclosure_requests/\d{4}/[0-9a-f]{24}\.pdf", case.attachment.name)
    with case.attachment.open("rb") as stored:
        assert stored.read() == PDF


def test_a_png_attachment_is_accepted(page, client):
    response = submit(client, page, person(attachment=SimpleUploadedFile("scan.PNG", PNG)))
    assert response.status_code == 302
    assert DisclosureRequest.objects.get().attachment.name.endswith(".png")


def test_the_form_needs_its_csrf_token(page):
    browser = Client(enforce_csrf_checks=True, headers={"accept-language": "en"})
    token = form_token(browser, page)
    assert browser.post(page.url, person(token=token)).status_code == 403
    assert DisclosureRequest.objects.count() == 0
    csrf = browser.cookies["csrftoken"].value
    response = browser.post(page.url, person(token=token, csrfmiddlewaretoken=csrf))
    assert response.status_code == 302
    assert DisclosureRequest.objects.count() == 1
    lookup = browser.post(lookup_url(page), {"tracking_number": "x", "lookup_code": "y"})
    assert lookup.status_code == 403


# --- the receipt ---------------------------------------------------------------------


def test_the_receipt_is_only_for_the_browser_that_submitted(page, client):
    assert submit(client, page, person()).status_code == 302
    case = DisclosureRequest.objects.get()
    stranger = Client(headers={"accept-language": "en"})
    for url in (receipt_url(page), f"{receipt_url(page)}?pk={case.pk}&id={case.pk}"):
        response = stranger.get(url)
        assert response.status_code == 404
        html = response.content.decode()
        assert "No receipt to show" in html
        assert case.tracking_number not in html and case.lookup_code not in html


# --- the status lookup ---------------------------------------------------------------


@pytest.fixture
def case(page, client):
    assert submit(client, page, person()).status_code == 302
    return DisclosureRequest.objects.get()


def lookup(client, page, number, code):
    return client.post(lookup_url(page), {"tracking_number": number, "lookup_code": code})


def test_the_lookup_shows_state_and_dates_only(page, case, django_user_model):
    client = Client(headers={"accept-language": "en"})
    assert client.get(lookup_url(page)).status_code == 200
    response = lookup(client, page, case.tracking_number.lower(), f" {case.lookup_code.lower()} ")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Received, awaiting acceptance" in html
    assert case.received_on.isoformat() in html
    assert case.clock().due_date.isoformat() in html
    for secret in (
        SECRET_WORD,
        "李四",
        "11010519491231002X",
        "lisi@example.com",
        "010-12345678",
        "某中学",
        "研究",
    ):
        assert secret not in html, secret
    # A correction pauses the clock: the lookup says so, without the correction's text.
    office = django_user_model.objects.create_user("office", password="pw")
    assign_role(office, Role.DISCLOSURE_OFFICE)
    take_transition(case, "request_correction", office, comment="请写明文件名称 Qwertzcorr")
    html = lookup(client, page, case.tracking_number, case.lookup_code).content.decode()
    assert "Awaiting the applicant&#x27;s correction" in html
    assert "The reply period is paused." in html and "Qwertzcorr" not in html


def test_a_wrong_code_reads_as_an_unknown_number(page, case):
    client = Client(headers={"accept-language": "en"})
    wrong = lookup(client, page, case.tracking_number, "AAAAAAAA")
    unknown = lookup(client, page, "YSQ-1999-9999", case.lookup_code)
    assert wrong.status_code == unknown.status_code == 404
    message = "No request matches this tracking number and lookup code."
    for response in (wrong, unknown):
        html = response.content.decode()
        assert message in html
        assert "Received, awaiting acceptance" not in html
    assert lookup(client, page, "", "").status_code == 400


# --- rate limits -----------------------------------------------------------------------


def test_submissions_and_lookups_are_rate_limited(page, client, settings):
    settings.WAGTAIL_DISCLOSURE_REQUEST_SUBMIT_RATE = "2/hour"
    settings.WAGTAIL_DISCLOSURE_REQUEST_LOOKUP_RATE = "3/hour"
    # Validation errors do not count: the applicant may correct their entries.
    assert submit(client, page, person(name="")).status_code == 400
    assert submit(client, page, person()).status_code == 302
    assert submit(client, page, person()).status_code == 302
    refused = submit(client, page, person(name="王二"))
    assert refused.status_code == 429 and int(refused["Retry-After"]) >= 1
    html = refused.content.decode()
    assert "Too many submissions from your address" in html and 'value="王二"' in html
    assert DisclosureRequest.objects.count() == 2
    # Another address is counted apart.
    assert (
        client.post(
            page.url, person(token=new_submission_token()), REMOTE_ADDR="192.0.2.7"
        ).status_code
        == 302
    )
    case = DisclosureRequest.objects.first()
    for _ in range(3):
        assert lookup(client, page, case.tracking_number, "WRONG123").status_code == 404
    limited = lookup(client, page, case.tracking_number, case.lookup_code)
    assert limited.status_code == 429
    assert "Too many lookups" in limited.content.decode()
    assert case.get_state_display() not in limited.content.decode()


# --- nothing of a request is public ------------------------------------------------------


def test_no_request_reaches_search_api_or_navigation(page, case, client, shared_section):
    assert SECRET_WORD in case.description
    search = client.get(
        shared_section.url + shared_section.reverse_subpage("search"), {"q": SECRET_WORD}
    )
    assert search.status_code == 200
    html = search.content.decode()
    assert "0 results" in html and "2025年学校预算执行情况" not in html
    assert case.tracking_number not in html
    api = client.get("/api/disclosure/v1/search", {"q": SECRET_WORD})
    assert api.status_code == 200 and api.json()["count"] == 0
    for url in (
        "/api/disclosure/v1/entries",
        "/api/v2/pages/?search=" + SECRET_WORD,
        "/api/v2/pages/",
        "/sitemap.xml",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        body = response.content.decode()
        assert "预算执行情况" not in body and case.tracking_number not in body, url
    # The portal's 依申请公开 link points at the page.
    nav = re.search(
        r'<nav class="portal-nav".*?</nav>', client.get(page.url).content.decode(), re.S
    )
    assert f'<a href="{page.url}" aria-current="page">' in nav.group(0)


# --- fuzzing -----------------------------------------------------------------------------

FORM_FIELDS = [
    "applicant_type",
    "name",
    "id_type",
    "id_number",
    "work_unit",
    "organisation_name",
    "organisation_kind",
    "credit_code",
    "legal_representative",
    "contact_person",
    "address",
    "postcode",
    "phone",
    "email",
    "description",
    "purpose",
    "information_form",
    "delivery",
    "fee_waiver_requested",
    "fee_waiver_reason",
    "commitment",
    "website",
    "token",
]
NASTY = st.one_of(
    st.text(st.characters(blacklist_categories=("Cs",)), max_size=60),
    st.sampled_from(
        [
            "\x00",
            "a\x00b",
            "\u202e\u200f مرحبا \u200e",
            "😀👨‍👩‍👧" * 30,
            "x" * 6000,
            "　",
            " \t\n",
            "<script>alert(1)</script>",
            "'; DROP TABLE x; --",
            "person",
            "organisation",
            "ß" * 40,
            "١٢٣٤٥٦",
            "𝟏𝟎𝟎𝟎𝟎𝟎",
        ]
    ),
)
FUZZ_SETTINGS = hypothesis_settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@FUZZ_SETTINGS
@given(
    overrides=st.dictionaries(st.sampled_from(FORM_FIELDS), NASTY, max_size=6),
    base=st.sampled_from(["person", "organisation", "empty"]),
)
def test_fuzzed_submissions_never_fail_and_store_once(page, overrides, base):
    client = Client(headers={"accept-language": "en"})
    data = {"person": person, "organisation": organisation, "empty": dict}[base]()
    data["token"] = new_submission_token()
    data.update(overrides)
    before = DisclosureRequest.objects.count()
    response = client.post(page.url, data)
    assert response.status_code in (302, 400), response.status_code
    event(f"answer {response.status_code}")
    stored = DisclosureRequest.objects.count() - before
    assert stored == (1 if response.status_code == 302 else 0)
    again = client.post(page.url, data)
    assert again.status_code == response.status_code
    assert DisclosureRequest.objects.count() - before == stored


VALID_TEXT = st.text(
    st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=80
).filter(lambda value: value.strip())


@FUZZ_SETTINGS
@given(
    name=VALID_TEXT,
    description=VALID_TEXT,
    address=VALID_TEXT,
    purpose=st.one_of(st.just(""), VALID_TEXT),
    organisation_kind=st.sampled_from(["business", "research", "public_interest", "other"]),
    as_organisation=st.booleans(),
)
def test_every_valid_generated_submission_is_stored_once(
    page, name, description, address, purpose, organisation_kind, as_organisation
):
    client = Client(headers={"accept-language": "en"})
    if as_organisation:
        data = organisation(organisation_name=name, organisation_kind=organisation_kind)
    else:
        data = person(name=name)
    data.update(
        description=description,
        address=address,
        purpose=purpose,
        delivery="post",
        postcode="100871",
        token=new_submission_token(),
    )
    before = DisclosureRequest.objects.count()
    first = client.post(page.url, data)
    assert first.status_code == 302, first.content.decode()[:0]
    second = client.post(page.url, data)
    assert second.status_code == 302
    assert DisclosureRequest.objects.count() == before + 1
    case = DisclosureRequest.objects.order_by("-pk").first()
    assert case.description == description.strip() and case.address == address.strip()
    assert case.applicant_name == name.strip()


def test_a_submission_still_being_stored_is_not_stored_twice(page, client):
    from django.core.cache import cache

    from wagtail_disclosure.request_forms import submission_token_key
    from wagtail_disclosure.views.request_public import _token_cache_key

    token = new_submission_token()
    # The first click's request holds the token while its case is being stored.
    assert cache.add(_token_cache_key(submission_token_key(token)), "pending")
    response = submit(client, page, person(), token)
    assert response.status_code == 409
    assert "already being submitted" in response.content.decode()
    assert DisclosureRequest.objects.count() == 0
