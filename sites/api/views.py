from django.db.models import QuerySet
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import exceptions, mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from .. import services
from ..access import access_for
from ..filters import SiteFilter
from ..models import Area, AreaSurge, Role
from ..permissions import RolePermission
from ..selectors import areas_visible_to, areas_with_role, sites_for_inspection
from ..surges import surge_end, surge_raise
from ..validators import SLUG_PATTERN
from .serializers import AreaSerializer, AreaSettingsSerializer, AreaSurgeSerializer, SiteSerializer

# The history the surge endpoint returns, newest first: years of an area's raised levels.
SURGE_HISTORY_LIMIT = 100

STALE_RESPONSE = OpenApiResponse(
    inline_serializer("StaleAreaVersion", fields={"version": serializers.ListField(child=serializers.CharField())}),
    description="The settings changed since you read them: read them again and redo the change.",
)


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = services.STALE_AREA_MESSAGE
    default_code = "stale_version"


class AreaViewSet(viewsets.ReadOnlyModelViewSet):
    """Areas the caller holds any role in. Their inspectors read and edit the settings and the
    alert level (`settings/`, `surge/`): another role in the area gets 403, another area 404."""

    serializer_class = AreaSerializer
    permission_classes = [RolePermission]
    read_roles = tuple(Role.values)
    write_roles = (Role.INSPECTOR,)
    lookup_field = "slug"
    lookup_value_regex = SLUG_PATTERN  # anything else is no area: 404 before any query

    def get_queryset(self):
        return areas_visible_to(access_for(self.request.user))

    def _inspected_area(self) -> Area:
        """The area named in the URL (404 outside the caller's areas), refused (403) unless the
        caller inspects it."""
        area = self.get_object()
        if not access_for(self.request.user).holds(Role.INSPECTOR, area.pk):
            raise exceptions.PermissionDenied("Only the area's inspectors may do this.")
        return area

    @extend_schema(
        methods=["GET"],
        summary="The area's alert level: its raised surges, newest first",
        responses={200: AreaSurgeSerializer(many=True)},
    )
    @extend_schema(
        methods=["POST"],
        summary="Raise the area's alert level (a run of the rota starts at once)",
        request=AreaSurgeSerializer,
        responses={201: AreaSurgeSerializer},
    )
    @extend_schema(
        methods=["DELETE"],
        summary="End the area's raised alert level now (a run of the rota starts at once)",
        request=None,
        responses={200: AreaSurgeSerializer},
    )
    @action(detail=True, methods=["get", "post", "delete"], serializer_class=AreaSurgeSerializer, pagination_class=None)
    def surge(self, request, slug=None):
        area = self._inspected_area()
        if request.method == "POST":
            serializer = AreaSurgeSerializer(data=request.data)
            serializer.is_valid(raise_exception=True)
            surge = surge_raise(area=area, by=request.user, **serializer.validated_data)
            return Response(AreaSurgeSerializer(surge).data, status=status.HTTP_201_CREATED)
        if request.method == "DELETE":
            return Response(AreaSurgeSerializer(surge_end(area=area, by=request.user)).data)
        surges: QuerySet[AreaSurge] = area.surges.select_related("raised_by", "ended_by").order_by("-raised_at")
        return Response(AreaSurgeSerializer(surges[:SURGE_HISTORY_LIMIT], many=True).data)

    @extend_schema(methods=["GET"], summary="The area's settings", responses={200: AreaSettingsSerializer})
    @extend_schema(
        methods=["PATCH"],
        summary="Change the area's settings (send the version you read)",
        request=AreaSettingsSerializer,
        responses={200: AreaSettingsSerializer, 409: STALE_RESPONSE},
    )
    @action(detail=True, methods=["get", "patch"], url_path="settings", serializer_class=AreaSettingsSerializer)
    def area_settings(self, request, slug=None):
        area = self._inspected_area()
        if request.method == "PATCH":
            serializer = AreaSettingsSerializer(area, data=request.data, partial=True)
            serializer.is_valid(raise_exception=True)
            fields = dict(serializer.validated_data)
            expected = fields.pop("version", None)
            if expected is None:
                raise exceptions.ValidationError(
                    {"version": ["Send the version you read, so that someone else's change is not overwritten."]}
                )
            try:
                area = services.area_update(area=area, by=request.user, expected_version=expected, **fields)
            except services.StaleVersion:
                raise Conflict({"version": [services.STALE_AREA_MESSAGE]}) from None
        return Response(AreaSettingsSerializer(area).data)


class SiteViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Sites of the caller's areas. Inspectors create and edit; a site is deactivated
    (`active: false`), never deleted."""

    serializer_class = SiteSerializer
    permission_classes = [RolePermission]
    read_roles = (Role.INSPECTOR,)
    write_roles = (Role.INSPECTOR,)
    filterset_class = SiteFilter

    def get_queryset(self):
        return sites_for_inspection(access_for(self.request.user))

    def get_serializer(self, *args, **kwargs):
        kwargs.setdefault("areas", areas_with_role(access_for(self.request.user), Role.INSPECTOR))
        return super().get_serializer(*args, **kwargs)

    def perform_create(self, serializer):
        serializer.instance = services.site_create(by=self.request.user, **serializer.validated_data)

    def perform_update(self, serializer):
        serializer.instance = services.site_update(
            site=serializer.instance, by=self.request.user, **serializer.validated_data
        )
