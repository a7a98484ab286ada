from django.db import models
from django.utils.translation import gettext_lazy as _


class DisclosureMode(models.TextChoices):
    """公开方式."""

    ACTIVE = "active", _("Proactive disclosure")
    ON_REQUEST = "on_request", _("Disclosure on request")
    EXEMPT = "exempt", _("Not disclosed")


class Audience(models.TextChoices):
    """公开范围."""

    PUBLIC = "public", _("The public")
    CAMPUS = "campus", _("Campus only")


class Validity(models.TextChoices):
    """有效性."""

    VALID = "valid", _("In force")
    EXPIRED = "expired", _("Expired")
    REPEALED = "repealed", _("Repealed")


class ExemptionBasis(models.TextChoices):
    """Grounds for not disclosing (《高等学校信息公开办法》 第十条 and 第四条)."""

    STATE_SECRET = "state_secret", _("State secret")
    COMMERCIAL_SECRET = "commercial_secret", _("Commercial secret")
    PRIVACY = "privacy", _("Personal privacy")
    OTHER_RULE = "other_rule", _("Other laws, regulations or school rules")
    SECURITY = "security", _("National, public or campus security and stability")


class EducationLevel(models.TextChoices):
    UNDERGRADUATE = "undergraduate", _("Undergraduate (bachelor)")
    VOCATIONAL = "vocational", _("Higher vocational (associate)")
    MASTER = "master", _("Master's")
    DOCTORAL = "doctoral", _("Doctoral")
    CONTINUING = "continuing", _("Continuing education")
    OTHER = "other", _("Other")


class FinanceDocumentType(models.TextChoices):
    BUDGET = "budget", _("Budget")
    FINAL_ACCOUNTS = "final_accounts", _("Final accounts")
    PROCUREMENT = "procurement", _("Procurement and tendering")
    FEES = "fees", _("Fees and charges")
    RULES = "rules", _("Rules and regulations")
    OTHER = "other", _("Other")
