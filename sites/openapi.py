"""The OpenAPI schema of every app's API tells the truth about errors too (the schema class and hook
named in settings; here, beside the permission class every API view uses).

`ShomerAutoSchema` adds to every operation the error answers it can give, with their bodies:
401 (no or bad credentials) wherever a sign-in is needed, 403 (a role that may not do this), 404
(an object or area outside the caller's scope, or a page past the end), 400 (a field refused,
named in the body) wherever the caller sends a body or filters, and 429 on the token endpoint.
An operation's own `extend_schema(responses=...)` wins where it names one (409 on a rule edit).

A serializer's `omitted_for_some_readers` fields are listed but not required (a patrol's rule and
version go to inspectors only). `require_version_on_patch` marks `version` required in PATCH
bodies: drf-spectacular makes every field of a PATCH optional, but an edit of a versioned object
is refused without it.
"""

from drf_spectacular.extensions import OpenApiSerializerExtension
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiResponse, inline_serializer
from rest_framework import serializers
from rest_framework.permissions import AllowAny

_DETAIL = inline_serializer("ErrorDetail", fields={"detail": serializers.CharField()})


class _FieldErrors(serializers.Serializer):
    """Drawn as the `FieldErrors` component by the schema extension below."""


def _field_errors_schema() -> dict:
    return {
        "type": "object",
        "description": (
            "Each key names a refused field (`non_field_errors` for the request as a whole, "
            "`detail` when the body could not be read); each value lists what was wrong, nested "
            "by position or key for a list or an object."
        ),
        "additionalProperties": {
            "anyOf": [
                {"type": "array", "items": {}},
                {"type": "object"},
                {"type": "string"},
            ]
        },
    }


class _FieldErrorsExtension(OpenApiSerializerExtension):
    target_class = _FieldErrors

    def get_name(self, auto_schema, direction):
        return "FieldErrors"

    def map_serializer(self, auto_schema, direction):
        return _field_errors_schema()


# For an operation whose 400 may also be another body (e.g. one of several in a oneOf).
FieldErrors = _FieldErrors

ERRORS = {
    "400": OpenApiResponse(_FieldErrors, description="Refused: the body names each field and what is wrong."),
    "401": OpenApiResponse(_DETAIL, description="Not signed in: send a token or a session."),
    "403": OpenApiResponse(_DETAIL, description="Your role may not do this."),
    "404": OpenApiResponse(_DETAIL, description="No such object in your scope (or no such page)."),
    "429": OpenApiResponse(_DETAIL, description="Too many requests from this address; wait and try again."),
}


class ShomerAutoSchema(AutoSchema):
    def _error_codes(self) -> list[str]:
        view = self.view
        public = any(isinstance(permission, AllowAny) for permission in view.get_permissions())
        paginated_list = self._is_list_view() and self._get_paginator() is not None
        codes = []
        if self.method in ("POST", "PUT", "PATCH") or self._get_filter_parameters():
            codes.append("400")
        if not public:
            codes += ["401", "403"]
        if "{" in self.path or paginated_list:
            codes.append("404")
        if getattr(view, "throttle_scope", None):
            codes.append("429")
        return codes

    def _map_basic_serializer(self, serializer, direction):
        """Fields a serializer leaves out for some readers (its `omitted_for_some_readers`) are
        listed but not required: a patrol's rule and version go to inspectors only."""
        schema = super()._map_basic_serializer(serializer, direction)
        omitted = set(getattr(serializer, "omitted_for_some_readers", ()))
        if omitted and "required" in schema:
            schema["required"] = [name for name in schema["required"] if name not in omitted]
            if not schema["required"]:
                del schema["required"]
        return schema

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        for code in self._error_codes():
            if code not in responses:
                responses[code] = self._get_response_for_code(ERRORS[code], code, direction=direction)
        return responses


def require_version_on_patch(result, generator, request, public):
    """Every PATCH body of a versioned object requires `version` (the view refuses it without)."""
    for name, component in result.get("components", {}).get("schemas", {}).items():
        if name.startswith("Patched") and "version" in component.get("properties", {}):
            required = component.setdefault("required", [])
            if "version" not in required:
                required.append("version")
    return result
