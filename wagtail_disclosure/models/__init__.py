from .annual_report import AnnualReportPage, ReportFigure
from .cacheable import PublicChange
from .calendar import WorkingDayOverride
from .checklist import (
    Checklist,
    ChecklistCategory,
    ChecklistItem,
    ReleaseChannel,
    UpdateRule,
)
from .choices import (
    Audience,
    DisclosureMode,
    EducationLevel,
    ExemptionBasis,
    FinanceDocumentType,
    Validity,
)
from .departments import Department
from .document_references import EntryDocumentReference
from .entries import DisclosureAttachment, DisclosureEntryPage, DisclosureEntryTag
from .entry_types import (
    ENTRY_PAGE_TYPES,
    AcademicIntegrityEntryPage,
    AdmissionsEntryPage,
    BasicInformationEntryPage,
    DegreesEntryPage,
    FinanceEntryPage,
    InternationalEntryPage,
    OtherEntryPage,
    PersonnelEntryPage,
    StudentAffairsEntryPage,
    TeachingQualityEntryPage,
    entry_page_type_for,
)
from .imports import ImportedEntry, ImportRun, ImportRunState
from .metadata import DisclosureEntryMixin
from .request_page import DisclosureRequestPage
from .requests import (
    ApplicantType,
    DisclosureRequest,
    LetterTemplate,
    RequestAppeal,
    RequestAssistance,
    RequestClockEvent,
    RequestExtension,
    RequestFee,
    RequestLetter,
    RequestState,
)
from .review import (
    DepartmentGroupObjectPermission,
    DepartmentUserObjectPermission,
    EntryReview,
    ReviewState,
)
from .sections import DisclosureCategoryPage, DisclosureGuidePage, DisclosureIndexPage
from .sequences import IndexNumberSequence
from .site_settings import DisclosureSiteSettings
from .tokens import ApiToken

__all__ = [
    "PublicChange",
    "ImportRun",
    "ImportRunState",
    "ImportedEntry",
    "AnnualReportPage",
    "ReportFigure",
    "ApplicantType",
    "DisclosureRequest",
    "DisclosureRequestPage",
    "LetterTemplate",
    "RequestAppeal",
    "RequestAssistance",
    "RequestClockEvent",
    "RequestExtension",
    "RequestFee",
    "RequestLetter",
    "RequestState",
    "Checklist",
    "ChecklistCategory",
    "ChecklistItem",
    "ReleaseChannel",
    "UpdateRule",
    "Audience",
    "DisclosureMode",
    "EducationLevel",
    "ExemptionBasis",
    "FinanceDocumentType",
    "Validity",
    "Department",
    "EntryDocumentReference",
    "ENTRY_PAGE_TYPES",
    "AcademicIntegrityEntryPage",
    "AdmissionsEntryPage",
    "BasicInformationEntryPage",
    "DegreesEntryPage",
    "DisclosureAttachment",
    "DisclosureCategoryPage",
    "DisclosureEntryMixin",
    "DisclosureEntryPage",
    "DisclosureEntryTag",
    "DisclosureGuidePage",
    "DisclosureIndexPage",
    "FinanceEntryPage",
    "InternationalEntryPage",
    "OtherEntryPage",
    "PersonnelEntryPage",
    "StudentAffairsEntryPage",
    "TeachingQualityEntryPage",
    "entry_page_type_for",
    "IndexNumberSequence",
    "DisclosureSiteSettings",
    "WorkingDayOverride",
    "DepartmentGroupObjectPermission",
    "DepartmentUserObjectPermission",
    "EntryReview",
    "ReviewState",
    "ApiToken",
]
