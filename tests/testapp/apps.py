from django.apps import AppConfig


class DisclosureTestAppConfig(AppConfig):
    name = "tests.testapp"
    label = "disclosure_testapp"
    verbose_name = "wagtail-disclosure test app"
    default_auto_field = "django.db.models.BigAutoField"
