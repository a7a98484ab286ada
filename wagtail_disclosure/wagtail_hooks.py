"""Wiring only: admin screens and page hooks. The logic lives in the modules named."""

from wagtail import hooks

from .sections import ensure_category_pages_after_create, publish_category_pages_after_publish
from .viewsets import DisclosureViewSetGroup


@hooks.register("register_admin_viewset")
def register_disclosure_viewsets():
    return DisclosureViewSetGroup()


hooks.register("after_create_page", ensure_category_pages_after_create)
hooks.register("after_publish_page", publish_category_pages_after_publish)
