from django.apps import AppConfig


class DemoContentConfig(AppConfig):
    """Demo data of the example site: ``manage.py load_demo_data``."""

    name = "demo_content"
    label = "demo_content"
    verbose_name = "青岚大学演示数据"
    default_auto_field = "django.db.models.BigAutoField"
