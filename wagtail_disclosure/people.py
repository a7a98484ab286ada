"""How the package names a person: Chinese names surname first, without a space.

Django's ``get_full_name()`` is ``first_name + " " + last_name``, which turns 郑蓉
(last_name 郑, first_name 蓉) into "蓉 郑". :func:`person_name` writes Chinese (and other
CJK) names as they are written, surname first and joined; other names as Wagtail writes
them (``get_full_name()``); and falls back to the username.
"""

import re

from django.contrib.auth import get_user_model

# CJK ideographs (with extensions A and compatibility), kana and hangul: names in these
# scripts are written family name first, with no space.
_CJK = re.compile(
    "[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff\U00020000-\U0003134f]"
)


def is_cjk(text):
    return bool(text) and bool(_CJK.search(text))


def person_name(user):
    """The name to show for ``user`` (a user object; ``""`` for ``None``)."""
    if user is None:
        return ""
    first = (getattr(user, "first_name", "") or "").strip()
    last = (getattr(user, "last_name", "") or "").strip()
    if is_cjk(first) or is_cjk(last):
        return f"{last}{first}"
    full_name = user.get_full_name().strip() if hasattr(user, "get_full_name") else ""
    return full_name or user.get_username()


class SurnameFirstNameMixin:
    """For a site's custom user model: ``get_full_name()`` writes Chinese names surname
    first, so that Wagtail's own screens (page history, revisions, locks, the page
    listing's owner, the account menu) show 郑蓉 rather than "蓉 郑". Wagtail names people
    only through ``get_full_name()`` (``wagtail.admin.utils.get_user_display_name``), so
    this is the one place to change it; with Django's own ``auth.User`` see
    docs/translations.md ("Names of people")::

        class User(SurnameFirstNameMixin, AbstractUser):
            pass
    """

    def get_full_name(self):
        first = (self.first_name or "").strip()
        last = (self.last_name or "").strip()
        if is_cjk(first) or is_cjk(last):
            return f"{last}{first}"
        return super().get_full_name()


def anonymous_username():
    """The username of django-guardian's AnonymousUser row (``None`` if guardian is not
    configured with one)."""
    from guardian.conf import settings as guardian_settings

    return getattr(guardian_settings, "ANONYMOUS_USER_NAME", None)


def real_people(queryset=None):
    """Users, without django-guardian's AnonymousUser row: the people a picker offers."""
    if queryset is None:
        queryset = get_user_model()._default_manager.all()
    name = anonymous_username()
    if name is None:
        return queryset
    return queryset.exclude(**{get_user_model().USERNAME_FIELD: name})

