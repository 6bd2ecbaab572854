"""Officers on patrols (`/api/v1/assignments/`) and the officers suggested for a patrol: the
inspectors of the patrol's area (and admins)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, PolymorphicProxySerializer, extend_schema
from rest_framework import exceptions, mixins, serializers, status, viewsets
from rest_framework.response import Response

from people.models import Officer
from sites.access import access_for
from sites.models import Membership, Role
from sites.openapi import FieldErrors
from sites.permissions import RolePermission
from sites.validators import single_line_text

from .. import services
from ..selectors import assignments_for_editing, patrols_for_editing
from .serializers import MAX_ID, AssignmentSerializer

# The service's refusals by code, and the field of the request each is about: everything is the
# officer's conflict (absent, on another patrol, inactive, not in the area, already on it) except
# a patrol that is no longer scheduled.
_REFUSAL_FIELD = {"not_scheduled": "patrol"}


class AssignmentCreateSerializer(serializers.Serializer):
    patrol = serializers.IntegerField(min_value=1, max_value=MAX_ID, help_text="A patrol of an area you inspect.")
    officer = serializers.IntegerField(
        min_value=1, max_value=MAX_ID, help_text="An officer rostered as an officer in the patrol's area."
    )
    override_reason = serializers.CharField(
        max_length=200,
        required=False,
        allow_blank=True,
        default="",
        validators=[single_line_text],
        help_text=(
            "Why the officer is assigned despite the warnings (a duty over the area's limit, too "
            "little rest): required when the assignment would break them, kept with it."
        ),
    )


class AssignmentRemoveSerializer(serializers.Serializer):
    reason = serializers.CharField(
        max_length=200, required=False, allow_blank=True, default="", validators=[single_line_text]
    )


class OverrideNeededSerializer(serializers.Serializer):
    """400 when the assignment would break a soft rule and no `override_reason` was given."""

    override_reason = serializers.ListField(child=serializers.CharField(), help_text="What to override, and how.")
    needs_override = serializers.BooleanField(help_text="Always true: send it again with an `override_reason`.")
    warnings = serializers.ListField(child=serializers.CharField(), help_text="Each warning, as a sentence.")


ASSIGNMENT_REFUSED = OpenApiResponse(
    PolymorphicProxySerializer(
        component_name="AssignmentRefused",
        serializers=[FieldErrors, OverrideNeededSerializer],
        resource_type_field_name=None,
    ),
    description=(
        "Refused. A hard conflict names its field (`officer`: absent, on an overlapping patrol, "
        "inactive, not rostered in the area, already on it; `patrol`: not scheduled). A warning "
        "the inspector may override: `needs_override` true, the `warnings`, and `override_reason` "
        "saying what to give."
    ),
)


class OverrideRequired(exceptions.APIException):
    """400 with the body OverrideNeededSerializer describes (a flag and lists kept as they are,
    not coerced to strings as a ValidationError's detail is)."""

    status_code = status.HTTP_400_BAD_REQUEST
    default_code = "needs_override"

    def __init__(self, needed: services.OverrideNeeded) -> None:
        super().__init__()
        body: Any = {"override_reason": needed.messages, "needs_override": True, "warnings": needed.warnings}
        self.detail = body  # a body as it is, not DRF's tree of ErrorDetail strings


class AssignmentViewSet(mixins.CreateModelMixin, mixins.DestroyModelMixin, viewsets.GenericViewSet):
    """Put an officer on a patrol (POST) or take them off (DELETE), for inspectors of the patrol's
    area. A patrol outside your areas, or an officer not rostered in the patrol's area, names
    nothing (400 on the field) whether or not it exists. The officers on a patrol are listed in
    the patrol's detail; `/api/v1/patrols/{id}/suggestions/` ranks who to put on it."""

    serializer_class = AssignmentSerializer
    permission_classes = [RolePermission]
    read_roles = (Role.INSPECTOR,)
    write_roles = (Role.INSPECTOR,)

    def get_queryset(self):
        return assignments_for_editing(access_for(self.request.user))

    def get_serializer_context(self):
        access = access_for(self.request.user)
        return {**super().get_serializer_context(), "inspects": lambda area_id: access.holds(Role.INSPECTOR, area_id)}

    @extend_schema(
        summary="Put an officer on a patrol",
        request=AssignmentCreateSerializer,
        responses={201: AssignmentSerializer, 400: ASSIGNMENT_REFUSED},
    )
    def create(self, request, *args, **kwargs):
        body = AssignmentCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        access = access_for(request.user)
        patrol = patrols_for_editing(access).filter(pk=body.validated_data["patrol"]).first()
        if patrol is None:
            raise exceptions.ValidationError({"patrol": ["No patrol you inspect has this id."]})
        rostered = Membership.objects.filter(area_id=patrol.area_id, group__name=Role.OFFICER).values("user_id")
        officer = (
            Officer.objects.select_related("user")
            .filter(pk=body.validated_data["officer"], user_id__in=rostered)
            .first()
        )
        if officer is None:
            raise exceptions.ValidationError({"officer": [f"No officer of {patrol.area} has this id."]})
        try:
            assignment = services.assignment_create(
                patrol=patrol, officer=officer, by=request.user, override_reason=body.validated_data["override_reason"]
            )
        except services.OverrideNeeded as needed:
            raise OverrideRequired(needed) from None
        except DjangoValidationError as refused:
            if hasattr(refused, "error_dict"):
                raise
            field = _REFUSAL_FIELD.get(getattr(refused, "code", None) or "", "officer")
            raise exceptions.ValidationError({field: refused.messages}) from None
        assignment = self.get_queryset().get(pk=assignment.pk)
        return Response(self.get_serializer(assignment).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Take an officer off a patrol",
        parameters=[OpenApiParameter("reason", str, description="Why, for the patrol's history (optional, one line).")],
        responses={204: None, 400: OpenApiResponse(FieldErrors, description="Refused (the patrol has started).")},
    )
    def destroy(self, request, *args, **kwargs):
        assignment = self.get_object()
        query = AssignmentRemoveSerializer(data={"reason": request.query_params.get("reason", "")})
        query.is_valid(raise_exception=True)
        try:
            services.assignment_delete(assignment=assignment, by=request.user, reason=query.validated_data["reason"])
        except DjangoValidationError as refused:
            if hasattr(refused, "error_dict"):
                raise
            raise exceptions.ValidationError({"non_field_errors": refused.messages}) from None
        return Response(status=status.HTTP_204_NO_CONTENT)
