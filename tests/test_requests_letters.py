"""The letters of a request: texts, numbers, kept as issued, .docx, print page, PDF."""

import datetime
import io
from decimal import Decimal

import docx
import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import override_settings
from django.urls import reverse
from django.utils import translation
from django.utils.formats import date_format
from docx.enum.text import WD_ALIGN_PARAGRAPH
from wagtail.models import Site

from tests.office import convert_to_pdf, pdf_text
from tests.utils import make_department, staff
from wagtail_disclosure.models import (
    DisclosureRequest,
    DisclosureSiteSettings,
    LetterTemplate,
    RequestExtension,
    RequestFee,
    RequestLetter,
)
from wagtail_disclosure.models.requests import (
    ApplicantType,
    ExtensionState,
    FeeMode,
    LetterKind,
)
from wagtail_disclosure.permissions import Role, assign_role
from wagtail_disclosure.request_clock import EventKind
from wagtail_disclosure.request_letters import issue_letter, layout, render_docx
from wagtail_disclosure.request_outcomes import GROUPS, outcomes

pytestmark = [pytest.mark.django_db]

D = datetime.date.fromisoformat
UNIVERSITY = "示例大学"
MAR_2, MAR_5 = "March 2, 2026", "March 5, 2026"
REMEDY = ("administrative reconsideration (行政复议) within 60 days", "within 6 months")


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def people(django_user_model):
    site = Site.objects.get(is_default_site=True)
    DisclosureSiteSettings.objects.update_or_create(site=site, defaults={"organiser": UNIVERSITY})
    jwc, cwc = make_department("JWC", "教务处"), make_department("CWC", "财务处")
    office = staff(django_user_model, "office")
    assign_role(office, Role.DISCLOSURE_OFFICE)
    handler = staff(django_user_model, "handler")
    assign_role(handler, Role.REQUEST_HANDLER, jwc)
    other = staff(django_user_model, "other")
    assign_role(other, Role.REQUEST_HANDLER, cwc)
    return {"jwc": jwc, "office": office, "handler": handler, "other": other}


def new_case(jwc, **fields):
    values = {
        "applicant_type": ApplicantType.PERSON,
        "name": "张三",
        "description": "2025年本科招生章程的制定依据",
        "received_on": D("2026-03-02"),
        "department": jwc,
        "correction_items": "请写明文件名称或文号",
    }
    values.update(fields)
    return DisclosureRequest.objects.create(**values)


def one_outcome_per_group():
    chosen = {}
    for code, outcome in outcomes().items():
        chosen.setdefault(outcome.group, code)
    chosen["withheld"] = "withheld_state_secret"
    return chosen


@pytest.mark.parametrize(
    "kind", [LetterKind.RECEIPT, LetterKind.CORRECTION, LetterKind.EXTENSION, LetterKind.FEE]
)
def test_each_letter_to_the_applicant_has_the_case(people, kind):
    case = new_case(people["jwc"])
    if kind == LetterKind.EXTENSION:
        RequestExtension.objects.create(
            request=case, days=10, reason="需要跨部门核对", state=ExtensionState.APPROVED
        )
        case.add_clock_event(EventKind.EXTEND, D("2026-03-20"), days=10)
    if kind == LetterKind.FEE:
        RequestFee.objects.create(
            request=case, mode=FeeMode.PER_PAGE, quantity=45, amount=Decimal("150.00")
        )
    letter = issue_letter(case, kind, people["office"], on=D("2026-03-05"))
    body = letter.body
    assert letter.kind == kind and letter.issued_by == people["office"]
    assert body.startswith("Dear 张三:")
    assert case.tracking_number in body and case.description in body
    assert MAR_2 in body  # received on
    assert body.endswith(f"{UNIVERSITY}\n{MAR_5}")
    assert ("国办函〔2020〕109号" if kind == LetterKind.FEE else "Order No. 29") in body
    assert layout(body)[-2:] == [(UNIVERSITY, "right"), (MAR_5, "right")]
    assert layout(body)[0] == ("Dear 张三:", "plain")
    assert letter.subject and letter.number
    if kind == LetterKind.RECEIPT:
        assert case.lookup_code in body and "March 23, 2026" in body  # the due date
    if kind == LetterKind.CORRECTION:
        assert "请写明文件名称或文号" in body and "15 working days" in body
    if kind == LetterKind.EXTENSION:
        assert "需要跨部门核对" in body and "10 working days" in body
        due = case.clock().due_date
        assert due > D("2026-04-03") and date_format(due, "DATE_FORMAT") in body
    if kind == LetterKind.FEE:
        assert "45 pages" in body and "150.00 yuan" in body


def test_the_consultation_letter_does_not_name_the_applicant(people):
    case = new_case(people["jwc"], name="王小明", phone="13800000000")
    letter = issue_letter(case, LetterKind.CONSULTATION, people["handler"], third_party="某公司")
    assert letter.body.startswith("Dear 某公司:")
    assert case.tracking_number in letter.body and "15 working days" in letter.body
    assert "王小明" not in letter.body and "13800000000" not in letter.body


@pytest.mark.parametrize("group", list(GROUPS))
def test_every_answer_cites_the_law_and_ends_with_the_remedy(people, group):
    outcome = one_outcome_per_group()[group]
    case = new_case(
        people["jwc"],
        outcome=outcome,
        outcome_reason="涉及他人隐私的部分不予公开" if outcomes()[outcome].needs_reason else "",
        outcome_link="https://xxgk.example.edu.cn/zsxx/1.html" if group == "already_public" else "",
    )
    letter = issue_letter(case, LetterKind.ANSWER, people["office"])
    body = letter.body
    assert case.tracking_number in body and "张三" in body
    assert "Order No. 29" in body
    assert all(part in body for part in REMEDY)
    assert body.index(REMEDY[0]) < body.index(UNIVERSITY)  # before the signature
    if case.outcome_reason:
        assert case.outcome_reason in body
    if group == "withheld":
        assert "article 10" in body and str(outcomes()[outcome].label) in body
    if group == "already_public":
        assert case.outcome_link in body


def test_an_answer_needs_an_outcome_and_letters_need_sight_of_the_case(people):
    case = new_case(people["jwc"])
    with pytest.raises(ValidationError):
        issue_letter(case, LetterKind.ANSWER, people["office"])
    with pytest.raises(PermissionDenied):  # another department
        issue_letter(case, LetterKind.CONSULTATION, people["other"])
    with pytest.raises(PermissionDenied):  # the office's letter
        issue_letter(case, LetterKind.RECEIPT, people["handler"])
    assert not RequestLetter.objects.exists()


def test_numbers_count_per_year_and_kind(people):
    case = new_case(people["jwc"], outcome="disclosed")
    office = people["office"]
    numbers = [
        issue_letter(case, LetterKind.RECEIPT, office, on=D("2026-03-02")).number,
        issue_letter(case, LetterKind.RECEIPT, office, on=D("2026-12-31")).number,
        issue_letter(case, LetterKind.ANSWER, office, on=D("2026-12-31")).number,
        issue_letter(case, LetterKind.RECEIPT, office, on=D("2027-01-04")).number,
    ]
    assert numbers == [
        "校公开收〔2026〕1号",
        "校公开收〔2026〕2号",
        "校公开复〔2026〕1号",
        "校公开收〔2027〕1号",
    ]
    with override_settings(
        WAGTAIL_DISCLOSURE_REQUEST_LETTER_NUMBER_PATTERN="{org}依复〔{year}〕{serial:03d}号",
        WAGTAIL_DISCLOSURE_REQUEST_LETTER_ORG="示大",
    ):
        assert issue_letter(case, LetterKind.ANSWER, office, on=D("2027-02-01")).number == (
            "示大依复〔2027〕001号"
        )


def test_an_edited_template_does_not_change_issued_letters(people):
    case = new_case(people["jwc"], outcome="partial", outcome_reason="部分涉及个人隐私")
    template = LetterTemplate.objects.create(
        kind=LetterKind.ANSWER,
        outcome_group="partial",
        subject="答复书 {{ tracking_number }}",
        body="{{ applicant_name }}：\n您的申请（{{ tracking_number }}）{{ outcome_label }}。\n\n"
        "{{ university }}\n{{ letter_number }}",
    )
    first = issue_letter(case, LetterKind.ANSWER, people["office"])
    assert first.subject == f"答复书 {case.tracking_number}"
    assert first.body == (
        f"张三：\n您的申请（{case.tracking_number}）Partly disclosed。\n\n{UNIVERSITY}\n{first.number}"
    )
    template.body = "新的文本 {{ tracking_number }}"
    template.save()
    first.refresh_from_db()
    assert first.body.startswith("张三：")
    second = issue_letter(case, LetterKind.ANSWER, people["office"])
    assert second.body == f"新的文本 {case.tracking_number}"
    # Another group keeps the built-in text.
    other = new_case(people["jwc"], outcome="disclosed")
    assert "Order No. 29" in issue_letter(other, LetterKind.ANSWER, people["office"]).body


def test_the_docx_opens_and_has_the_letter(people):
    case = new_case(
        people["jwc"],
        outcome="withheld_third_party",
        outcome_reason="涉及他人个人隐私",
        description="招生章程\x0b附件\x1f",  # not XML: left out of the .docx
    )
    letter = issue_letter(case, LetterKind.ANSWER, people["office"])
    document = docx.Document(io.BytesIO(render_docx(letter)))
    paragraphs = document.paragraphs
    text = "\n".join(paragraph.text for paragraph in paragraphs)
    assert case.tracking_number in text
    assert "Not disclosed: protects a third party's lawful rights" in text
    assert "招生章程附件" in text
    assert paragraphs[0].text == letter.subject
    assert paragraphs[0].alignment == WD_ALIGN_PARAGRAPH.CENTER
    assert paragraphs[1].text == letter.number
    assert paragraphs[-1].alignment == WD_ALIGN_PARAGRAPH.RIGHT
    assert paragraphs[-2].text == UNIVERSITY


def test_the_print_page_and_docx_only_for_who_sees_the_case(people, client):
    case = new_case(people["jwc"], outcome="disclosed")
    letter = issue_letter(case, LetterKind.ANSWER, people["office"])
    urls = [
        reverse("wagtail_disclosure:request_letter_print", args=[letter.pk]),
        reverse("wagtail_disclosure:request_letter_docx", args=[letter.pk]),
    ]
    client.force_login(people["other"])
    for url in urls:
        response = client.get(url)
        assert response.status_code == 404
        assert case.tracking_number.encode() not in response.content
    for user in (people["office"], people["handler"]):
        client.force_login(user)
        page, download = (client.get(url) for url in urls)
        assert page.status_code == 200 and download.status_code == 200
        html = page.content.decode()
        assert case.tracking_number in html and letter.number in html
        assert "@page { size: A4" in html and "wagtail" not in html.lower()
        assert "private, no-store" in page["Cache-Control"]
        assert download["Content-Type"].startswith("application/vnd.openxmlformats")
        assert case.tracking_number in "\n".join(
            p.text for p in docx.Document(io.BytesIO(download.content)).paragraphs
        )
    client.logout()
    assert client.get(urls[0]).status_code in (302, 404)


@pytest.mark.office
def test_every_letter_converts_to_pdf_with_its_content(people, tmp_path):
    """Each kind of letter, and the answer of each outcome group, as .docx: read back with
    python-docx, converted to PDF by headless LibreOffice (one process for all), and the
    PDF's text holds the case, the letter number and what that letter must say."""
    letters = []
    with translation.override("zh-hans"):
        for kind in (
            LetterKind.RECEIPT,
            LetterKind.CORRECTION,
            LetterKind.EXTENSION,
            LetterKind.FEE,
            LetterKind.CONSULTATION,
        ):
            case = new_case(people["jwc"])
            if kind == LetterKind.EXTENSION:
                RequestExtension.objects.create(
                    request=case, days=10, reason="需要跨部门核对", state=ExtensionState.APPROVED
                )
                case.add_clock_event(EventKind.EXTEND, D("2026-03-20"), days=10)
            if kind == LetterKind.FEE:
                RequestFee.objects.create(
                    request=case, mode=FeeMode.PER_PAGE, quantity=45, amount=Decimal("150.00")
                )
            extra = {"third_party": "某科技有限公司"} if kind == LetterKind.CONSULTATION else {}
            expected = {
                LetterKind.RECEIPT: case.lookup_code,
                LetterKind.CORRECTION: "请写明文件名称或文号",
                LetterKind.EXTENSION: "需要跨部门核对",
                LetterKind.FEE: "150.00",
                LetterKind.CONSULTATION: "某科技有限公司",
            }[kind]
            letters.append((issue_letter(case, kind, people["office"], **extra), [expected]))
        for group, outcome in one_outcome_per_group().items():
            case = new_case(
                people["jwc"],
                outcome=outcome,
                outcome_reason="涉及他人隐私的部分不予公开"
                if outcomes()[outcome].needs_reason
                else "",
                outcome_link="https://xxgk.example.edu.cn/zsxx/1.html"
                if group == "already_public"
                else "",
            )
            letter = issue_letter(case, LetterKind.ANSWER, people["office"])
            letters.append((letter, ["行政复议", "行政诉讼"]))
    assert len(letters) == 5 + len(GROUPS)
    sources = []
    for index, (letter, _expected) in enumerate(letters):
        source = tmp_path / f"letter-{index:02d}.docx"
        source.write_bytes(render_docx(letter))
        text = "\n".join(p.text for p in docx.Document(str(source)).paragraphs)
        assert letter.request.tracking_number in text and letter.subject in text
        sources.append(source)
    for (letter, expected), pdf in zip(
        letters, convert_to_pdf(sources, tmp_path / "pdf"), strict=True
    ):
        text = "".join(pdf_text(pdf).split())  # PDF text comes with line breaks anywhere
        assert pdf.read_bytes().startswith(b"%PDF")
        for needed in [letter.request.tracking_number, letter.number, *expected]:
            assert "".join(needed.split()) in text, (letter.kind, letter.request.outcome, needed)


def test_the_letter_text_form_checks_the_template(people):
    from wagtail_disclosure.views.letter_templates import LetterTemplateViewSet

    form_class = LetterTemplateViewSet.edit_handler.bind_to_model(LetterTemplate).get_form_class()
    data = {"kind": LetterKind.ANSWER, "outcome_group": "partial", "subject": "答复书"}
    broken = form_class(data={**data, "body": "{% if %}"})
    assert not broken.is_valid() and "body" in broken.errors
    wrong_group = form_class(data={**data, "kind": LetterKind.RECEIPT, "body": "回执"})
    assert not wrong_group.is_valid() and "outcome_group" in wrong_group.errors
    unknown_group = form_class(data={**data, "outcome_group": "nope", "body": "x"})
    assert not unknown_group.is_valid()
    good = form_class(data={**data, "body": "{{ applicant_name }}：\n{{ outcome_label }}"})
    assert good.is_valid(), good.errors
    good.save()
    assert LetterTemplate.objects.get().outcome_group == "partial"
