"""Differences between the supported Wagtail versions (7.4 LTS and 8.x), in one place."""

from wagtail import VERSION as WAGTAIL_VERSION

try:  # Wagtail 8.0+
    from wagtail.permissions import register_permission_policy
except ImportError:  # Wagtail 7.4
    register_permission_policy = None

HAS_POLICY_REGISTRY = register_permission_policy is not None

__all__ = ["WAGTAIL_VERSION", "HAS_POLICY_REGISTRY", "register_permission_policy"]
