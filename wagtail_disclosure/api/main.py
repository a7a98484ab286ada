"""The django-ninja API object: routers, error handling, schema and docs page."""

from ninja import NinjaAPI
from ninja.renderers import JSONRenderer

from .. import __version__
from . import annual_reports, public, staff, staff_requests
from .errors import install_handlers

API_PREFIX = "api/disclosure/v1/"


class UnicodeJSONRenderer(JSONRenderer):
    """JSON with Chinese as UTF-8 characters, not ``\\uXXXX`` escapes (half the bytes)."""

    json_dumps_params = {"ensure_ascii": False}


def build_api():
    api = NinjaAPI(
        title="wagtail-disclosure API",
        version="1",
        description=(
            "Public read API of the information-disclosure section (信息公开) and the staff "
            f"review API. wagtail-disclosure {__version__}. See docs/api.md."
        ),
        urls_namespace="wagtail_disclosure_api",
        openapi_url="/openapi.json",
        docs_url="/docs/",
        renderer=UnicodeJSONRenderer(),
    )
    install_handlers(api)
    api.add_router("/", public.router)
    api.add_router("/", annual_reports.router)
    api.add_router("/staff/", staff.router)
    api.add_router("/staff/", staff_requests.router)
    return api


api = build_api()
