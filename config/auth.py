"""The API token endpoint, rate-limited: a token is a password-equivalent, so guessing at it is
slowed per client address (DRF throttle) on top of django-axes' per-username lockout."""

from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.throttling import ScopedRateThrottle


class ThrottledObtainAuthToken(ObtainAuthToken):
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "token"


obtain_auth_token = ThrottledObtainAuthToken.as_view()
