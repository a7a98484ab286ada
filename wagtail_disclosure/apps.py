from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WagtailDisclosureAppConfig(AppConfig):
    name = "wagtail_disclosure"
    label = "wagtail_disclosure"
    verbose_name = _("Information disclosure")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import (
            admin_scoping,
            checks,  # noqa: F401  (registers system checks)
            signal_handlers,
        )
        from .compat import fix_sqlite_fts_quoting, limit_search_words, register_permission_policy
        from .models import (
            ApiToken,
            ChecklistItem,
            DepartmentGroupObjectPermission,
            DepartmentUserObjectPermission,
        )
        from .permissions import (
            api_token_permission_policy,
            checklist_item_permission_policy,
            group_role_permission_policy,
            user_role_permission_policy,
        )

        if register_permission_policy is not None:  # Wagtail 8.0+; on 7.4 viewsets carry them
            register_permission_policy(ChecklistItem, checklist_item_permission_policy)
            register_permission_policy(DepartmentUserObjectPermission, user_role_permission_policy)
            register_permission_policy(
                DepartmentGroupObjectPermission, group_role_permission_policy
            )
            register_permission_policy(ApiToken, api_token_permission_policy)
        signal_handlers.connect()
        admin_scoping.install()  # staff see only their departments' entries in the admin
        fix_sqlite_fts_quoting()  # a lone " in any search is no server error on SQLite
        limit_search_words()  # nor a search of hundreds of words on any database

        from .search import signal_handlers as search_signal_handlers

        search_signal_handlers.connect()

        from .api import signal_handlers as api_signal_handlers

        api_signal_handlers.connect()
