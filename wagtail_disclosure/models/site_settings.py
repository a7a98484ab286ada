"""The footer of the public pages (网站标识): who runs the site and its filing numbers."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting
from wagtail.models import Site


@register_setting(icon="info-circle")
class DisclosureSiteSettings(BaseSiteSetting):
    """Footer fields of a site's disclosure pages, edited under Settings in the admin
    (needs ``wagtail.contrib.settings`` in ``INSTALLED_APPS``)."""

    organiser = models.CharField(
        _("organiser"), max_length=255, blank=True, help_text=_("主办单位, such as the university.")
    )
    address = models.CharField(_("address"), max_length=255, blank=True)
    phone = models.CharField(_("phone"), max_length=50, blank=True)
    email = models.EmailField(_("email"), blank=True)
    icp_number = models.CharField(
        _("ICP licence number"),
        max_length=100,
        blank=True,
        help_text=_("ICP备案号, such as 京ICP备05000000号-1. Links to beian.miit.gov.cn."),
    )
    public_security_number = models.CharField(
        _("public security filing number"),
        max_length=100,
        blank=True,
        help_text=_("公安备案号, such as 京公网安备11010000000000号."),
    )
    public_security_url = models.URLField(
        _("public security filing link"),
        blank=True,
        help_text=_("The record's page on beian.mps.gov.cn."),
    )

    panels = [
        MultiFieldPanel(
            [
                FieldPanel("organiser"),
                FieldPanel("address"),
                FieldPanel("phone"),
                FieldPanel("email"),
            ],
            heading=_("Organiser"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("icp_number"),
                FieldPanel("public_security_number"),
                FieldPanel("public_security_url"),
            ],
            heading=_("Filing numbers"),
        ),
    ]

    ICP_URL = "https://beian.miit.gov.cn/"

    class Meta:
        verbose_name = _("disclosure site footer")
        verbose_name_plural = _("disclosure site footers")

    @property
    def is_empty(self):
        return not any(
            (
                self.organiser,
                self.address,
                self.phone,
                self.email,
                self.icp_number,
                self.public_security_number,
            )
        )

    @classmethod
    def for_public_request(cls, request):
        """The request's site's settings, or ``None``: read once per request, never
        written (a public GET does not create the row, unlike ``for_request``)."""
        attr = "_disclosure_site_settings"
        if request is None:
            return None
        if not hasattr(request, attr):
            site = Site.find_for_request(request)
            setattr(
                request,
                attr,
                cls.base_queryset().filter(site=site).first() if site is not None else None,
            )
        return getattr(request, attr)
