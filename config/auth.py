"""The API token endpoint, rate-limited: a token is a password-equivalent, so guessing at it is
slowed per client address (DRF throttle) on top of django-axes' per-username lockout."""

from rest_framework import status
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.throttling import BaseThrottle, ScopedRateThrottle


def client_ip(request) -> str | None:
    """The client's address as DRF's throttles see it (REMOTE_ADDR, or behind NUM_PROXIES =
    TRUSTED_PROXY_COUNT proxies the X-Forwarded-For entry the outermost one added, which a client
    cannot forge). django-axes uses it too, so a lockout and a throttle agree on who a client is."""
    return BaseThrottle().get_ident(getattr(request, "_request", request))


class _TokenThrottle(ScopedRateThrottle):
    def allow_request(self, request, view):
        try:
            return super().allow_request(request, view)
        except Exception:  # the cache is down: let it through; django-axes still locks out guessing
            return True


class ThrottledObtainAuthToken(ObtainAuthToken):
    throttle_classes = [_TokenThrottle]
    throttle_scope = "token"
    # ObtainAuthToken names its own parsers; take the project's (a bounded JSON parser).
    parser_classes = api_settings.DEFAULT_PARSER_CLASSES

    def post(self, request, *args, **kwargs):
        try:
            return super().post(request, *args, **kwargs)
        except ValidationError:
            # django-axes refuses a locked-out pair inside authenticate(); say so, as the sign-in
            # page does, rather than "unable to log in".
            if getattr(request, "axes_locked_out", False) or getattr(request._request, "axes_locked_out", False):
                return Response(
                    {"detail": "Too many failed sign-in attempts; try again later."},
                    status=status.HTTP_429_TOO_MANY_REQUESTS,
                )
            raise


obtain_auth_token = ThrottledObtainAuthToken.as_view()
