"""URLs of the API. Include them at ``api/disclosure/v1/``, before Wagtail's page URLs::

    path("api/disclosure/v1/", include("wagtail_disclosure.api.urls")),
"""

from .main import api

urlpatterns = api.urls[0]
app_name = api.urls_namespace
