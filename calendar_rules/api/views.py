"""The rules API (inspectors of an area) and the calendar of an area (any role in it)."""

from __future__ import annotations

from datetime import timedelta

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import (
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
    inline_serializer,
)
from rest_framework import exceptions, mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.views import APIView

from sites.access import access_for
from sites.models import Role
from sites.openapi import ERRORS
from sites.permissions import RolePermission
from sites.selectors import areas_visible_to, areas_with_role, sites_for_inspection

from .. import services
from ..filters import RuleFilter
from ..models import PatrolRule
from ..occurrences import preview
from ..selectors import area_location, calendar_days, rules_for_inspection, site_services, sites_for_preview
from .serializers import (
    CalendarDaySerializer,
    CalendarQuerySerializer,
    PatrolRuleSerializer,
    PatrolRuleUpdateSerializer,
    PreviewResponseSerializer,
    RulePreviewSerializer,
)

PREVIEW_DEFAULT_DAYS = 28
PREVIEW_MAX_DAYS = 366


STALE_RESPONSE = OpenApiResponse(
    inline_serializer("StaleVersion", fields={"version": serializers.ListField(child=serializers.CharField())}),
    description="The rule changed since you read it: read it again and redo the change.",
)


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = services.STALE_VERSION_MESSAGE
    default_code = "stale_version"


@extend_schema_view(
    list=extend_schema(summary="Rules of the areas you inspect"),
    retrieve=extend_schema(summary="One rule"),
    create=extend_schema(summary="Create a rule"),
    update=extend_schema(
        summary="Replace a rule (send the version you read)",
        request=PatrolRuleUpdateSerializer,
        responses={200: PatrolRuleSerializer, 409: STALE_RESPONSE},
    ),
    partial_update=extend_schema(
        summary="Change a rule (send the version you read)",
        request=PatrolRuleUpdateSerializer,
        responses={200: PatrolRuleSerializer, 409: STALE_RESPONSE},
    ),
)
class RuleViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Patrol rules of the areas the caller inspects. A rule is deactivated (`active: false`),
    never deleted. Updates must carry the `version` read; a stale one is refused with 409."""

    serializer_class = PatrolRuleSerializer
    permission_classes = [RolePermission]
    read_roles = (Role.INSPECTOR,)
    write_roles = (Role.INSPECTOR,)
    filterset_class = RuleFilter

    def get_queryset(self):
        return rules_for_inspection(access_for(self.request.user)).order_by("area__name", "label")

    def get_serializer(self, *args, **kwargs):
        access = access_for(self.request.user)
        kwargs.setdefault("areas", areas_with_role(access, Role.INSPECTOR))
        kwargs.setdefault("sites", sites_for_inspection(access))
        return super().get_serializer(*args, **kwargs)

    def get_serializer_class(self):
        if self.action == "preview":
            return RulePreviewSerializer
        if self.action in ("update", "partial_update"):
            return PatrolRuleUpdateSerializer
        return PatrolRuleSerializer

    def perform_create(self, serializer):
        fields = dict(serializer.validated_data)
        fields.pop("version", None)
        serializer.instance = services.rule_create(by=self.request.user, **fields)

    def perform_update(self, serializer):
        fields = dict(serializer.validated_data)
        expected = fields.pop("version", None)
        if expected is None:
            raise exceptions.ValidationError(
                {"version": ["Send the version you read, so that someone else's change is not overwritten."]}
            )
        try:
            serializer.instance = services.rule_update(
                rule=serializer.instance, by=self.request.user, expected_version=expected, **fields
            )
        except services.StaleVersion:
            raise Conflict({"version": [services.STALE_VERSION_MESSAGE]}) from None

    @extend_schema(
        summary="Preview an unsaved rule",
        description=(
            "Takes a rule's fields (nothing is saved; `label` may be left out) and a date window "
            f"(`start` default today, `end` default start + {PREVIEW_DEFAULT_DAYS} days, at most "
            f"{PREVIEW_MAX_DAYS} days), and returns the patrols it would make, in the area's local time."
        ),
        request=RulePreviewSerializer,
        responses={200: PreviewResponseSerializer},
    )
    @action(detail=False, methods=["post"])
    def preview(self, request):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        fields = dict(serializer.validated_data)
        area = fields["area"]
        today = area.today()
        start = fields.pop("start", None) or today
        end = fields.pop("end", None) or start + timedelta(days=PREVIEW_DEFAULT_DAYS)
        limit = fields.pop("limit", 200)
        if end < start:
            raise exceptions.ValidationError({"end": ["The end date is before the start date."]})
        if (end - start).days > PREVIEW_MAX_DAYS:
            raise exceptions.ValidationError({"end": [f"A preview covers at most {PREVIEW_MAX_DAYS} days."]})
        chosen = fields.pop("sites", [])
        fields.setdefault("label", "(preview)")
        rule = PatrolRule(**fields)
        # Nothing is saved, so the label need not be unique: skip unique and DB constraints
        # (clean() checks everything those constraints hold).
        rule.full_clean(validate_unique=False, validate_constraints=False)
        rule.clean_sites(chosen)
        site_pairs = sites_for_preview(
            area=area,
            site_selection=rule.site_selection,
            sites=chosen,
            site_kinds=rule.site_kinds,
            risk_tiers=rule.site_risk_tiers,
        )
        spec = rule.as_spec()
        # A rule anchored to "the site's service" takes each site's own window.
        services = site_services(area) if spec.uses_services else {}
        rows = preview(spec, area_location(area), start, end, site_pairs, limit=limit + 1, services=services)
        response = {
            "description": rule.description,
            "start": start,
            "end": end,
            "timezone": area.zone.key,
            "truncated": len(rows) > limit,
        }
        return Response(PreviewResponseSerializer({**response, "occurrences": rows[:limit]}).data)


class CalendarView(APIView):
    """An area's calendar, one object per day. Any role in the area may read it: the dates are
    public, but the area's reference point (and so the times) belong to the area."""

    permission_classes = [RolePermission]
    read_roles = tuple(Role.values)

    @extend_schema(
        summary="The Jewish calendar and times of an area",
        description=(
            "One object per day from `start` to `end` inclusive (at most ten years): its observances "
            "and, where they apply, sunset, candle-lighting, havdalah and fast times as ISO 8601 "
            "datetimes with the area's UTC offset (null where they do not apply). A missing or bad "
            "range is a 400 naming the parameter; an area you hold no role in is a 404."
        ),
        parameters=[CalendarQuerySerializer],
        responses={200: CalendarDaySerializer(many=True), 400: ERRORS["400"], 404: ERRORS["404"]},
    )
    def get(self, request):
        query = CalendarQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        area = get_object_or_404(areas_visible_to(access_for(request.user)), slug=query.validated_data["area"])
        days = calendar_days(area_location(area), query.validated_data["start"], query.validated_data["end"])
        return Response(CalendarDaySerializer(days, many=True).data)
