"""Check-ins and check-outs (`/api/v1/visits/`): an officer's own, written from My day (online,
or queued on the phone and sent later); inspectors read their areas'."""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import exceptions, mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from sites.access import access_for
from sites.models import Role
from sites.openapi import ERRORS
from sites.pagination import KeysetPagination
from sites.permissions import RolePermission
from sites.validators import multi_line_text

from .. import services
from ..models import Visit
from ..selectors import patrols_to_check_in, visits_to_check_out, visits_visible_to
from .serializers import MAX_ID

# A refusal of the check-in service by code, and the field of the request it is about.
_REFUSAL_FIELD = {
    "too_early": "checked_in_at",
    "ended": "checked_in_at",
    "cancelled": "patrol",
    "not_assigned": "patrol",
    "not_own": "patrol",
}
NOTE_MAX_LENGTH = 500


class VisitSerializer(serializers.ModelSerializer):
    flagged = serializers.BooleanField(
        read_only=True, help_text="Checked in farther from the site than the area's flag distance."
    )
    latitude = serializers.FloatField(read_only=True, allow_null=True)
    longitude = serializers.FloatField(read_only=True, allow_null=True)

    class Meta:
        model = Visit
        fields = [
            "id",
            "patrol",
            "officer",
            "checked_in_at",
            "checked_out_at",
            "note",
            "latitude",
            "longitude",
            "distance_m",
            "flagged",
            "client_id",
            "received_at",
        ]
        read_only_fields = fields


class VisitCreateSerializer(serializers.Serializer):
    patrol = serializers.IntegerField(min_value=1, max_value=MAX_ID, help_text="One of your own patrols.")
    client_id = serializers.UUIDField(
        help_text="Made by the phone for this check-in: sending it again answers with the same visit."
    )
    checked_in_at = serializers.DateTimeField(
        required=False,
        allow_null=True,
        default=None,
        help_text="When you arrived, for a check-in sent late (made offline); not in the future, at most "
        "CHECK_IN_LATE_LIMIT_HOURS old. Leave out for now.",
    )
    latitude = serializers.FloatField(min_value=-90, max_value=90, required=False, allow_null=True, default=None)
    longitude = serializers.FloatField(min_value=-180, max_value=180, required=False, allow_null=True, default=None)
    note = serializers.CharField(
        max_length=NOTE_MAX_LENGTH, required=False, allow_blank=True, default="", validators=[multi_line_text]
    )


class VisitCheckOutSerializer(serializers.Serializer):
    checked_out_at = serializers.DateTimeField(
        required=False,
        allow_null=True,
        default=None,
        help_text="When you left, for a check-out sent late; leave out for now.",
    )
    note = serializers.CharField(
        max_length=NOTE_MAX_LENGTH, required=False, allow_blank=True, default="", validators=[multi_line_text]
    )


class VisitPagination(KeysetPagination):
    ordering = ("-checked_in_at", "-id")


def _refused(refused: DjangoValidationError) -> exceptions.ValidationError:
    if hasattr(refused, "error_dict"):
        return exceptions.ValidationError(
            {("non_field_errors" if name == "__all__" else name): m for name, m in refused.message_dict.items()}
        )
    field = _REFUSAL_FIELD.get(getattr(refused, "code", None) or "", "non_field_errors")
    return exceptions.ValidationError({field: refused.messages})


@extend_schema_view(
    list=extend_schema(summary="Check-ins you may see"),
    retrieve=extend_schema(summary="One check-in"),
)
class VisitViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Officers' check-ins ("Arrived") and check-outs ("Leaving") at their patrols' sites. An
    officer checks in on their own patrols only (anyone else's: 404), from
    CHECK_IN_OPENS_MINUTES before the start until the end; a check-in made offline is sent later
    with its own `checked_in_at`. Sending the same `client_id` again answers 200 with the visit
    already made. An officer reads their own visits, an inspector those of their areas (with
    `distance_m` from the site and `flagged` when beyond the area's distance). Newest first."""

    serializer_class = VisitSerializer
    permission_classes = [RolePermission]
    read_roles = (Role.OFFICER, Role.INSPECTOR)
    write_roles = (Role.OFFICER,)
    pagination_class = VisitPagination

    def get_queryset(self):
        access = access_for(self.request.user)
        if self.request.method in ("GET", "HEAD", "OPTIONS"):
            return visits_visible_to(access)
        return visits_to_check_out(access).select_related("patrol__area")

    @extend_schema(
        summary="Check in (Arrived)",
        request=VisitCreateSerializer,
        responses={
            201: VisitSerializer,
            200: OpenApiResponse(VisitSerializer, description="This client_id's visit, made before."),
            404: ERRORS["404"],
        },
    )
    def create(self, request, *args, **kwargs):
        body = VisitCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        access = access_for(request.user)
        patrol = patrols_to_check_in(access).filter(pk=data["patrol"]).first()
        if patrol is None:
            raise exceptions.NotFound("No patrol of yours has this id.")
        try:
            visit, created = services.visit_check_in(
                patrol=patrol,
                officer=request.user.officer,
                by=request.user,
                client_id=data["client_id"],
                checked_in_at=data["checked_in_at"],
                latitude=data["latitude"],
                longitude=data["longitude"],
                note=data["note"],
            )
        except DjangoValidationError as refused:
            raise _refused(refused) from None
        visit = visits_visible_to(access).get(pk=visit.pk)
        return Response(
            self.get_serializer(visit).data, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK
        )

    @extend_schema(summary="Check out (Leaving)", request=VisitCheckOutSerializer, responses={200: VisitSerializer})
    @action(detail=True, methods=["post"], url_path="check-out", pagination_class=None)
    def check_out(self, request, pk=None):
        visit = self.get_object()
        body = VisitCheckOutSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        try:
            visit = services.visit_check_out(
                visit=visit,
                by=request.user,
                checked_out_at=body.validated_data["checked_out_at"],
                note=body.validated_data["note"],
            )
        except DjangoValidationError as refused:
            raise _refused(refused) from None
        visit = visits_visible_to(access_for(request.user)).get(pk=visit.pk)
        return Response(self.get_serializer(visit).data)
