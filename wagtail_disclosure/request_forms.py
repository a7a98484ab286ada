"""The public application form of requests for information (依申请公开).

:class:`RequestApplicationForm` is a plain Django form (it never touches a case's state):
the applicant's identity (a citizen or an organisation, validated in ``clean()`` since what
is required depends on the type), the information sought, its form and delivery, a fee
waiver request, an optional attachment checked by size, extension and content, the
commitment and a honeypot. :func:`new_case` turns its cleaned data into a stored
:class:`~wagtail_disclosure.models.DisclosureRequest`.

A form carries a one-time submission token (:func:`new_submission_token`): signed, so it
cannot be made up, and random, so whoever holds it is the browser the form was shown to.
The views use it to store a double submit once (docs/requests.md).
"""

import io
import os
import re
import secrets
import string
import zipfile

from django import forms
from django.core import signing
from django.core.validators import RegexValidator
from django.db import transaction
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .conf import get_setting
from .models.requests import (
    ApplicantType,
    DeliveryMethod,
    DisclosureRequest,
    IdType,
    InformationForm,
    OrganisationKind,
    ReceiptChannel,
)

#: How long a rendered form may wait before it is submitted.
TOKEN_MAX_AGE = 3 * 24 * 60 * 60
_TOKEN_SALT = "wagtail_disclosure.request_form"  # noqa: S105 - a salt, not a secret

#: Extensions accepted for the attachment, and the kind of content each must have.
ATTACHMENT_TYPES = {
    "pdf": "pdf",
    "doc": "ole",
    "docx": "docx",
    "jpg": "jpeg",
    "jpeg": "jpeg",
    "png": "png",
}
_MAGIC = {
    "pdf": (b"%PDF-",),
    "ole": (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",),
    "jpeg": (b"\xff\xd8\xff",),
    "png": (b"\x89PNG\r\n\x1a\n",),
    "docx": (b"PK\x03\x04",),
}

PERSON_FIELDS = ("name", "id_type", "id_number", "work_unit")
ORGANISATION_FIELDS = (
    "organisation_name",
    "organisation_kind",
    "credit_code",
    "legal_representative",
    "contact_person",
)
#: Required for each type of applicant (checked in ``clean()``).
REQUIRED_FOR = {
    ApplicantType.PERSON: ("name", "id_type", "id_number"),
    ApplicantType.ORGANISATION: (
        "organisation_name",
        "organisation_kind",
        "credit_code",
        "legal_representative",
        "contact_person",
    ),
}

_RESIDENT_ID = re.compile(r"^[0-9]{17}[0-9X]\Z")
_RESIDENT_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CREDIT_CODE = re.compile(r"^[0-9A-HJ-NPQRTUWXY]{2}[0-9]{6}[0-9A-HJ-NPQRTUWXY]{10}\Z")
#: Upper case for ASCII letters only (``"ß".upper()`` is two letters).
_ASCII_UPPER = str.maketrans(string.ascii_lowercase, string.ascii_uppercase)


def new_submission_token():
    """A signed, random one-time token for one rendering of the form."""
    return signing.TimestampSigner(salt=_TOKEN_SALT).sign(secrets.token_urlsafe(18))


def submission_token_key(token):
    """The random part of a valid ``token``, or ``None`` if it is forged or too old."""
    if not isinstance(token, str) or len(token) > 200:
        return None
    try:
        return signing.TimestampSigner(salt=_TOKEN_SALT).unsign(token, max_age=TOKEN_MAX_AGE)
    except signing.BadSignature:  # SignatureExpired is one
        return None


def resident_id_is_valid(value):
    """Whether ``value`` is an 18-character resident ID number with a right check digit."""
    if not _RESIDENT_ID.match(value):
        return False
    total = sum(
        int(digit) * weight for digit, weight in zip(value[:17], _RESIDENT_ID_WEIGHTS, strict=True)
    )
    return "10X98765432"[total % 11] == value[-1]


def _sniff(upload):
    """The kind of content of ``upload`` by its first bytes (a .docx also by its parts)."""
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    for kind, signatures in _MAGIC.items():
        if head.startswith(signatures):
            if kind == "docx":
                try:
                    with zipfile.ZipFile(upload) as archive:
                        if "word/document.xml" not in archive.namelist():
                            return "zip"
                except (zipfile.BadZipFile, OSError, ValueError, EOFError):
                    return None
                finally:
                    upload.seek(0)
            return kind
    return None


class RequestApplicationForm(forms.Form):
    """The application (依申请公开申请表); ``page`` gives the commitment's wording."""

    error_css_class = "field--error"
    required_css_class = "field--required"

    applicant_type = forms.ChoiceField(
        label=_("Applicant"),
        choices=ApplicantType.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose whether you apply as a citizen or an organisation.")},
    )
    # -- a citizen --
    name = forms.CharField(label=_("Name"), max_length=100, required=False)
    id_type = forms.ChoiceField(
        label=_("Identity document"),
        choices=[("", _("Choose a document"))] + list(IdType.choices),
        required=False,
    )
    id_number = forms.CharField(label=_("Document number"), max_length=40, required=False)
    work_unit = forms.CharField(label=_("Work unit"), max_length=200, required=False)
    # -- an organisation --
    organisation_name = forms.CharField(
        label=_("Name of the organisation"), max_length=200, required=False
    )
    organisation_kind = forms.ChoiceField(
        label=_("Kind of organisation"),
        choices=[("", _("Choose a kind"))] + list(OrganisationKind.choices),
        required=False,
    )
    credit_code = forms.CharField(
        label=_("Unified social credit code"),
        max_length=18,
        required=False,
        help_text=_("18 characters: digits and capital letters."),
    )
    legal_representative = forms.CharField(
        label=_("Legal representative"), max_length=100, required=False
    )
    contact_person = forms.CharField(label=_("Contact person"), max_length=100, required=False)
    # -- how to reach the applicant --
    address = forms.CharField(label=_("Postal address"), max_length=300, required=False)
    postcode = forms.CharField(
        label=_("Postcode"),
        max_length=6,
        required=False,
        validators=[RegexValidator(r"^[0-9]{6}\Z", _("A postcode has six digits."))],
    )
    phone = forms.CharField(
        label=_("Telephone"),
        max_length=40,
        required=False,
        validators=[
            RegexValidator(
                r"^\+?[0-9 ()\-]{5,39}\Z",
                _("Enter a telephone number: digits, spaces, +, - and brackets."),
            )
        ],
    )
    email = forms.EmailField(label=_("E-mail"), max_length=254, required=False)
    # -- the request --
    description = forms.CharField(
        label=_("Information sought"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Name, date, document number or other features that identify the information."),
        error_messages={"required": _("Describe the information you are asking for.")},
    )
    purpose = forms.CharField(
        label=_("Purpose"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    information_form = forms.ChoiceField(
        label=_("Form of the information"),
        choices=InformationForm.choices,
        initial=InformationForm.ELECTRONIC,
        widget=forms.RadioSelect,
    )
    delivery = forms.ChoiceField(
        label=_("Way of delivery"),
        choices=DeliveryMethod.choices,
        initial=DeliveryMethod.EMAIL,
        widget=forms.RadioSelect,
    )
    fee_waiver_requested = forms.BooleanField(
        label=_("I ask for the fee to be waived"), required=False
    )
    fee_waiver_reason = forms.CharField(
        label=_("Reason for the fee waiver"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    attachment = forms.FileField(
        label=_("Attachment (optional)"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.doc,.docx,.jpg,.jpeg,.png"}),
    )
    commitment = forms.BooleanField(
        label=_("I confirm that the information I gave is true."),
        error_messages={"required": _("Tick the box to confirm the commitment.")},
    )
    # The honeypot: hidden from sight, announced to screen readers as a field to leave empty.
    website = forms.CharField(
        label=_("Leave this field empty"),
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )
    token = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, page=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.page = page
        self.is_spam = False
        if page is not None and page.commitment:
            self.fields["commitment"].label = page.commitment
        limit = get_setting("REQUEST_ATTACHMENT_MAX_BYTES")
        self.fields["attachment"].help_text = _(
            "PDF, Word (.doc, .docx), JPEG or PNG, at most %(limit)s."
        ) % {"limit": filesizeformat(limit)}

    # -- fields -------------------------------------------------------------------------

    def clean_id_number(self):
        return self.cleaned_data["id_number"].translate(_ASCII_UPPER).replace(" ", "")

    def clean_phone(self):
        value = self.cleaned_data["phone"]
        if value and sum(char in string.digits for char in value) < 5:
            raise forms.ValidationError(
                _("Enter a telephone number: digits, spaces, +, - and brackets."), code="invalid"
            )
        return value

    def clean_credit_code(self):
        value = self.cleaned_data["credit_code"].translate(_ASCII_UPPER).replace(" ", "")
        if value and not _CREDIT_CODE.match(value):
            raise forms.ValidationError(
                _(
                    "A unified social credit code has 18 characters: digits and capital "
                    "letters except I, O, S, V and Z."
                ),
                code="invalid",
            )
        return value

    def clean_attachment(self):
        upload = self.cleaned_data.get("attachment")
        if not upload:
            return None
        limit = get_setting("REQUEST_ATTACHMENT_MAX_BYTES")
        if upload.size > limit:
            raise forms.ValidationError(
                _("The file is too large (%(size)s): the limit is %(limit)s."),
                code="too_large",
                params={"size": filesizeformat(upload.size), "limit": filesizeformat(limit)},
            )
        extension = os.path.splitext(upload.name or "")[1].lower().lstrip(".")
        if extension not in ATTACHMENT_TYPES:
            raise forms.ValidationError(
                _("Choose a PDF, Word (.doc, .docx), JPEG or PNG file."), code="type"
            )
        if _sniff(upload) != ATTACHMENT_TYPES[extension]:
            raise forms.ValidationError(
                _(
                    "The file's content is not what its name (.%(extension)s) says. Choose a "
                    "real PDF, Word, JPEG or PNG file."
                ),
                code="content",
                params={"extension": extension},
            )
        upload.wd_extension = "jpg" if extension == "jpeg" else extension
        return upload

    # -- the whole form -----------------------------------------------------------------

    def clean(self):
        data = super().clean()
        if data.get("website"):
            # A robot filled the honeypot: a generic error, nothing stored (docs/requests.md).
            self.is_spam = True
            raise forms.ValidationError(
                _("Your request could not be submitted. Check your entries and try again."),
                code="spam",
            )
        if submission_token_key(data.get("token")) is None:
            self.add_error(
                None,
                forms.ValidationError(
                    _("This form has expired. Check your entries and submit it again."),
                    code="token",
                ),
            )
        applicant_type = data.get("applicant_type")
        missing = _("This field is required for your type of applicant.")
        for name in REQUIRED_FOR.get(applicant_type, ()):
            if name in data and not data[name]:
                self.add_error(name, forms.ValidationError(missing, code="required"))
        if applicant_type == ApplicantType.PERSON:
            id_number = data.get("id_number")
            if (
                id_number
                and data.get("id_type") == IdType.RESIDENT_ID
                and not resident_id_is_valid(id_number)
            ):
                self.add_error(
                    "id_number",
                    forms.ValidationError(
                        _("This is not a valid resident identity card number (18 characters)."),
                        code="invalid",
                    ),
                )
            for name in ORGANISATION_FIELDS:
                data[name] = ""
        elif applicant_type == ApplicantType.ORGANISATION:
            for name in PERSON_FIELDS:
                data[name] = ""
        # How to reach the applicant and deliver the answer.
        if "phone" in data and "email" in data and not data["phone"] and not data["email"]:
            self.add_error(
                "phone",
                forms.ValidationError(
                    _("Give a telephone number or an e-mail address."), code="required"
                ),
            )
        delivery = data.get("delivery")
        if delivery == DeliveryMethod.EMAIL and "email" in data and not data["email"]:
            self.add_error(
                "email",
                forms.ValidationError(
                    _("Give your e-mail address to receive the answer by e-mail."),
                    code="required",
                ),
            )
        if delivery == DeliveryMethod.POST:
            for name in ("address", "postcode"):
                if name in data and not data[name]:
                    self.add_error(
                        name,
                        forms.ValidationError(
                            _(
                                "Give your postal address and postcode to receive the answer by post."
                            ),
                            code="required",
                        ),
                    )
        if data.get("fee_waiver_requested"):
            if "fee_waiver_reason" in data and not data["fee_waiver_reason"]:
                self.add_error(
                    "fee_waiver_reason",
                    forms.ValidationError(_("Say why the fee should be waived."), code="required"),
                )
        else:
            data["fee_waiver_reason"] = ""
        return data

    def mark_errors(self):
        """Set ``aria-invalid`` and ``aria-describedby`` on the widgets of invalid fields
        (call after validation, before rendering)."""
        for name, field in self.fields.items():
            described = []
            if field.help_text:
                described.append(f"{self[name].auto_id}_help")
            if name in self.errors:
                described.append(f"{self[name].auto_id}_error")
                field.widget.attrs["aria-invalid"] = "true"
            if described:
                field.widget.attrs["aria-describedby"] = " ".join(described)

    def visible_errors(self):
        """``(bound field, messages)`` of every invalid field, in form order."""
        return [
            (self[name], self.errors[name])
            for name in self.fields
            if name in self.errors and not self[name].is_hidden
        ]


#: Fields of the form stored on the case as they are.
_STORED_FIELDS = (
    ("applicant_type",)
    + PERSON_FIELDS
    + ORGANISATION_FIELDS
    + (
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
    )
)


def new_case(data):
    """Store the request of a valid form's ``cleaned_data``: received online today."""
    case = DisclosureRequest(
        channel=ReceiptChannel.ONLINE,
        submitted_at=timezone.now(),
        received_on=timezone.localdate(),
        **{name: data.get(name) or _empty(name) for name in _STORED_FIELDS},
    )
    upload = data.get("attachment")
    with transaction.atomic():
        if upload:
            # A random name: the applicant's file name may say who they are.
            name = f"{secrets.token_hex(12)}.{upload.wd_extension}"
            upload.seek(0)
            case.attachment.save(name, io.BytesIO(upload.read()), save=False)
        case.save()
    return case


def _empty(name):
    return False if name == "fee_waiver_requested" else ""


class RequestLookupForm(forms.Form):
    """The status lookup: tracking number and 查询码."""

    tracking_number = forms.CharField(
        label=_("Tracking number"),
        max_length=32,
        help_text=_("As on your receipt, e.g. YSQ-2026-0001."),
        error_messages={"required": _("Enter the tracking number of your request.")},
    )
    lookup_code = forms.CharField(
        label=_("Lookup code"),
        max_length=16,
        help_text=_("The 8-character code on your receipt."),
        error_messages={"required": _("Enter the lookup code from your receipt.")},
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )

    def clean_tracking_number(self):
        return self.cleaned_data["tracking_number"].translate(_ASCII_UPPER).replace(" ", "")

    def clean_lookup_code(self):
        return self.cleaned_data["lookup_code"].translate(_ASCII_UPPER).replace(" ", "")

    mark_errors = RequestApplicationForm.mark_errors

    def find(self):
        """The case whose number and code match (constant-time comparison), else None."""
        from django.utils.crypto import constant_time_compare

        number = self.cleaned_data["tracking_number"]
        code = self.cleaned_data["lookup_code"]
        case = DisclosureRequest.objects.filter(tracking_number=number).first()
        expected = case.lookup_code if case is not None else "-" * 8
        if constant_time_compare(expected, code) and case is not None:
            return case
        return None
