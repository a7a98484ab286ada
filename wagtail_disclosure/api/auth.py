"""Token authentication of the staff API: ``Authorization: Bearer <key>``.

Only the header authenticates. A Django session cookie does not, so a page on another
site cannot make a signed-in browser call the staff API, and the API needs no CSRF
protection (django-ninja exempts its views from Django's CSRF middleware; cookie-based
authentication would have to check the CSRF token itself, and there is none here).
"""

from ninja.security import HttpBearer

from ..models import ApiToken


class StaffTokenAuth(HttpBearer):
    """Accepts a usable :class:`~wagtail_disclosure.models.ApiToken` key.

    Unknown keys, revoked or expired tokens and inactive users all give ``None``, which
    django-ninja answers with 401 (``errors.py``: ``not_authenticated`` and
    ``WWW-Authenticate: Bearer``). On success ``request.user`` is the token's user and
    ``request.auth`` the token.
    """

    def authenticate(self, request, token):
        api_token = ApiToken.objects.authenticate(token.strip())
        if api_token is None:
            return None
        # Replace the session user (if any): the token's user is who acts.
        request.user = api_token.user
        request._cached_user = api_token.user
        return api_token


staff_auth = StaffTokenAuth()
