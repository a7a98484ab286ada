from django.apps import apps
from django.core.checks import Warning, register

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
