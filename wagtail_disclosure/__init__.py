"""wagtail-disclosure: statutory information disclosure (高校信息公开) for Wagtail."""

__version__ = "0.1.0.dev0"
