from django.apps import apps
from django.conf import settings
from django.core.checks import Tags, Warning, register
from django.core.files.storage import FileSystemStorage

REQUIRED_APPS = {
    "wagtail.contrib.table_block": "entry bodies offer a table block",
    "wagtail.documents": "entries carry attachments",
    "ninja": (
        "the API's docs page (/api/disclosure/v1/docs/) then loads Swagger UI from a CDN "
        "instead of the site's own static files"
    ),
}


@register()
def required_apps_check(app_configs, **kwargs):
    """wagtail_disclosure.W001: an app the package relies on is not installed."""
    messages = []
    for app_name, why in REQUIRED_APPS.items():
        if not apps.is_installed(app_name):
            messages.append(
                Warning(
                    f"'{app_name}' is not in INSTALLED_APPS; {why}.",
                    hint=f"Add '{app_name}' to INSTALLED_APPS.",
                    id="wagtail_disclosure.W001",
                )
            )
    return messages


@register(Tags.security)
def document_serve_method_check(app_configs, **kwargs):
    """wagtail_disclosure.W004: documents can be downloaded without the entry check.

    Documents of entries that are not public are refused in Wagtail's serve view
    (``wagtail_disclosure.documents``). With ``WAGTAILDOCS_SERVE_METHOD = "direct"`` links
    point at the storage and the view is never called; with ``"redirect"`` the view
    checks, then sends the browser to the file's storage URL, which on a file system
    storage is a public ``MEDIA_URL`` address anyone can reuse. Only ``"serve_view"``
    (Wagtail's default for file system storage) keeps the check in front of every download.
    """
    if not apps.is_installed("wagtail.documents"):
        return []
    method = getattr(settings, "WAGTAILDOCS_SERVE_METHOD", None)
    hint = (
        'Set WAGTAILDOCS_SERVE_METHOD = "serve_view", and do not let the web server serve '
        "MEDIA_ROOT/documents/ directly (docs/security.md)."
    )
    if method == "direct":
        return [
            Warning(
                'WAGTAILDOCS_SERVE_METHOD is "direct": document links point at the storage, '
                "so documents of entries that are not public can be downloaded without any "
                "check.",
                hint=hint,
                id="wagtail_disclosure.W004",
            )
        ]
    if method == "redirect" and isinstance(document_storage(), FileSystemStorage):
        return [
            Warning(
                'WAGTAILDOCS_SERVE_METHOD is "redirect" with a file system storage: after the '
                "check, downloads are redirected to a public MEDIA_URL address that anyone "
                "who learns it can use without the check.",
                hint=hint,
                id="wagtail_disclosure.W004",
            )
        ]
    return []


def document_storage():
    from wagtail.documents import get_document_model

    return get_document_model()._meta.get_field("file").storage


@register()
def sqlite_transactions_check(app_configs, **kwargs):
    """wagtail_disclosure.W005: SQLite without IMMEDIATE transactions (docs/installation.md#sqlite)."""
    from django.db import connections

    connection = connections["default"]
    return sqlite_transaction_messages(connection.vendor, connection.settings_dict)


def sqlite_transaction_messages(vendor, settings_dict):
    if vendor != "sqlite":
        return []
    options = settings_dict.get("OPTIONS") or {}
    if str(options.get("transaction_mode", "")).upper() == "IMMEDIATE":
        return []
    return [
        Warning(
            "The default database is SQLite without IMMEDIATE transactions: people who "
            "write at the same moment (two reviewers taking a step on one entry, say) get "
            '"database is locked" errors instead of waiting for each other.',
            hint=(
                'Set DATABASES["default"]["OPTIONS"] = {"transaction_mode": "IMMEDIATE", '
                '"timeout": 20} (docs/installation.md#sqlite).'
            ),
            id="wagtail_disclosure.W005",
        )
    ]


@register(Tags.security)
def page_search_filter_check(app_configs, **kwargs):
    """wagtail_disclosure.W006: Wagtail's admin page search is told not to filter by
    permissions, so it would list every department's entries to every editor."""
    if getattr(settings, "WAGTAILADMIN_PAGE_SEARCH_FILTER_BY_PERMISSIONS", True):
        return []
    return [
        Warning(
            "WAGTAILADMIN_PAGE_SEARCH_FILTER_BY_PERMISSIONS is False: Wagtail's admin page "
            "search then lists the disclosure entries of every department to every editor.",
            hint="Remove the setting (it defaults to True).",
            id="wagtail_disclosure.W006",
        )
    ]


@register()
def app_order_check(app_configs, **kwargs):
    """wagtail_disclosure.W007: the package comes after Wagtail's admin in INSTALLED_APPS."""
    return app_order_messages([config.name for config in apps.get_app_configs()])


def app_order_messages(app_names):
    """Django looks for templates and merges translations in INSTALLED_APPS order, the
    first app winning. The package overrides some of Wagtail's admin templates (the entry
    status in the page editor's side panel, a header label) and some of Wagtail's wording;
    after ``wagtail.admin`` those overrides are not used."""
    names = list(app_names)
    if "wagtail_disclosure" not in names or "wagtail.admin" not in names:
        return []
    if names.index("wagtail_disclosure") < names.index("wagtail.admin"):
        return []
    return [
        Warning(
            "'wagtail_disclosure' comes after 'wagtail.admin' in INSTALLED_APPS: the page "
            "editor then shows Wagtail's own status panel instead of the entry's review "
            "state, and Wagtail's wording where the package translates or corrects it.",
            hint=(
                "Put 'wagtail_disclosure' before the Wagtail apps in INSTALLED_APPS "
                "(docs/installation.md)."
            ),
            id="wagtail_disclosure.W007",
        )
    ]
