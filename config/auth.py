"""Sign-in protection and the API token endpoint.

A token is a password-equivalent. The endpoint that hands one out is slowed per client address
(a DRF throttle) on top of django-axes' lockouts: per username from one address, and per address
whatever the usernames. Tokens are django-rest-knox tokens: only their SHA-512 digest is stored,
each sign-in gets its own, they expire (REST_KNOX["TOKEN_TTL"]), and a client revokes its own
with DELETE.
"""

from axes.attempts import get_cool_off_threshold
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_failure_limit
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth import authenticate, user_logged_out
from django.db.models import Sum
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from knox.auth import TokenAuthentication
from knox.views import LoginView
from rest_framework import serializers, status
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.throttling import BaseThrottle, ScopedRateThrottle


def client_ip(request) -> str | None:
    """The client's address as DRF's throttles see it (REMOTE_ADDR, or behind NUM_PROXIES =
    TRUSTED_PROXY_COUNT proxies the X-Forwarded-For entry the outermost one added, which a client
    cannot forge). django-axes uses it too, so a lockout and a throttle agree on who a client is."""
    return BaseThrottle().get_ident(getattr(request, "_request", request))


class AddressAwareAxesHandler(AxesDatabaseHandler):
    """django-axes' database handler, locking out an address as well as a username at it.

    axes compares one count with one limit; its maintainers suggest a handler for separate limits
    (jazzband/django-axes#661). AXES_LOCKOUT_PARAMETERS stays (username, address), so a successful
    sign-in clears only that pair's failures: signing in to one account does not wipe the record
    of guessing at others from the same address. On top, the failures of every username from the
    address within the cool-off are summed, and at AXES_ADDRESS_FAILURE_LIMIT the address is
    locked out for everyone, on the sign-in page and the token endpoint alike."""

    def get_failures(self, request, credentials: dict | None = None) -> int:
        pair_failures = super().get_failures(request, credentials)
        address = getattr(request, "axes_ip_address", None)
        if address is None:
            return pair_failures
        address_failures = (
            AccessAttempt.objects.filter(
                ip_address=address, attempt_time__gte=get_cool_off_threshold(request)
            ).aggregate(total=Sum("failures_since_start"))["total"]
            or 0
        )
        if address_failures >= settings.AXES_ADDRESS_FAILURE_LIMIT:
            # Report the pair as at its limit: axes then locks the request out as it would the pair.
            return max(pair_failures, get_failure_limit(request, credentials))
        return pair_failures


class _TokenThrottle(ScopedRateThrottle):
    def allow_request(self, request, view):
        try:
            return super().allow_request(request, view)
        except Exception:  # the cache is down: let it through; django-axes still locks out guessing
            return True


class ApiTokenSignInSerializer(serializers.Serializer):
    username = serializers.CharField(max_length=150)
    password = serializers.CharField(max_length=4096, write_only=True, trim_whitespace=False)

    def validate(self, attrs):
        user = authenticate(request=self.context["request"], username=attrs["username"], password=attrs["password"])
        if user is None:
            raise ValidationError("Unable to sign in with the username and password given.", code="authorization")
        return {"user": user}


_TOKEN_RESPONSE = inline_serializer(
    "ApiToken",
    {
        "token": serializers.CharField(help_text="Send as `Authorization: Token <token>`. Shown once."),
        "expiry": serializers.DateTimeField(help_text="When the token stops working."),
    },
)
_BAD_CREDENTIALS = OpenApiResponse(
    inline_serializer(
        "ApiTokenSignInError",
        {
            "username": serializers.ListField(child=serializers.CharField(), required=False),
            "password": serializers.ListField(child=serializers.CharField(), required=False),
            "non_field_errors": serializers.ListField(child=serializers.CharField(), required=False),
        },
    ),
    description="A field is missing or too long, or the username and password do not match.",
)
_DETAIL = inline_serializer("ApiTokenDetail", {"detail": serializers.CharField()})
_LOCKED_OUT = OpenApiResponse(_DETAIL, description="Too many attempts (rate limit or sign-in lockout).")


class ApiTokenView(LoginView):
    """POST: a new token for a username and password. DELETE: revoke the token sent with it."""

    # knox's LoginView is untyped and names its classes from its own settings.
    authentication_classes = [TokenAuthentication]  # type: ignore[assignment]
    throttle_scope = "token"
    # ObtainAuthToken names its own parsers; take the project's (a bounded JSON parser).
    # (The stubs type this setting as import strings; DRF has imported them by now.)
    parser_classes = api_settings.DEFAULT_PARSER_CLASSES  # type: ignore[assignment]

    def get_permissions(self):
        return [AllowAny()] if self.request.method == "POST" else [IsAuthenticated()]

    def get_throttles(self):
        return [_TokenThrottle()] if self.request.method == "POST" else []

    @extend_schema(
        operation_id="auth_token_create",
        description="A new API token for a username and password. Each call issues its own token, "
        "which expires after API_TOKEN_TTL_HOURS; only its digest is stored.",
        request=ApiTokenSignInSerializer,
        responses={200: _TOKEN_RESPONSE, 400: _BAD_CREDENTIALS, 429: _LOCKED_OUT},
        auth=[],
    )
    def post(self, request, format=None):
        serializer = ApiTokenSignInSerializer(data=request.data, context={"request": request})
        try:
            serializer.is_valid(raise_exception=True)
        except ValidationError:
            # django-axes refuses a locked-out client inside authenticate(); say so, as the sign-in
            # page does, rather than "unable to sign in".
            if getattr(request, "axes_locked_out", False) or getattr(request._request, "axes_locked_out", False):
                return Response(
                    {"detail": "Too many failed sign-in attempts; try again later."},
                    status=status.HTTP_429_TOO_MANY_REQUESTS,
                )
            raise
        # knox's LoginView issues the token to request.user (and sends user_logged_in, which
        # resets django-axes' failure count for this username at this address).
        request.user = serializer.validated_data["user"]
        return super().post(request, format=format)

    @extend_schema(
        operation_id="auth_token_destroy",
        description="Revoke the token this request is authenticated with; the user's other tokens still work.",
        request=None,
        responses={204: None, 401: OpenApiResponse(_DETAIL, description="No valid token was sent.")},
    )
    def delete(self, request, format=None):
        request.auth.delete()
        user_logged_out.send(sender=request.user.__class__, request=request, user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


api_token = ApiTokenView.as_view()
