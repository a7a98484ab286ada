from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WagtailDisclosureAppConfig(AppConfig):
    name = "wagtail_disclosure"
    label = "wagtail_disclosure"
    verbose_name = _("Information disclosure")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import (
            checks,  # noqa: F401  (registers system checks)
            signal_handlers,
        )
        from .compat import register_permission_policy
        from .models import ChecklistItem
        from .permissions import checklist_item_permission_policy

        if register_permission_policy is not None:  # Wagtail 8.0+
            register_permission_policy(ChecklistItem, checklist_item_permission_policy)
        signal_handlers.connect()
