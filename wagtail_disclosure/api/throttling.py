"""Rate limit of the public API: ``WAGTAIL_DISCLOSURE_API_THROTTLE_RATE`` per client.

:class:`PublicRateThrottle` is a ninja ``AnonRateThrottle`` whose rate is read from the
setting at each request (``None`` turns the limit off). Its history lives in Django's
default cache: use a cache shared by all workers (Redis, Memcached, the database) in
production, or each worker counts on its own. Clients are told apart by address, see
ninja's ``NINJA_NUM_PROXIES`` when the site runs behind a proxy.

The check runs before the conditional-GET check (``caching.cached_public_get``), so a
client that revalidates in a loop is limited too.
"""

import math

from ninja.errors import Throttled
from ninja.throttling import AnonRateThrottle

from ..conf import get_setting


class PublicRateThrottle(AnonRateThrottle):
    scope = "wagtail_disclosure_public"
    cache_format = "wagtail_disclosure_api_throttle_%(scope)s_%(ident)s"

    def __init__(self, rate=None):
        # The rate is read from the settings at each request, not when the API is built.
        self.rate = rate or get_setting("API_THROTTLE_RATE")
        self.num_requests, self.duration = self.parse_rate(self.rate)

    def allow_request(self, request):
        if self.rate is None:
            return True
        return super().allow_request(request)


def check_rate(request, api):
    """None if ``request`` is within the rate, else the 429 response of ``api`` (the
    ``NinjaAPI`` serving the request, whose error handlers write the body) to send."""
    throttle = PublicRateThrottle()  # one per request: the instance keeps request state
    if throttle.allow_request(request):
        return None
    wait = throttle.wait()
    if wait is None:
        wait = throttle.duration
    response = api.on_exception(request, Throttled(wait=wait))
    response["Retry-After"] = str(max(1, math.ceil(wait)))
    return response
