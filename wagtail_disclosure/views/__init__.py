"""Admin views of wagtail_disclosure, one module per screen."""
