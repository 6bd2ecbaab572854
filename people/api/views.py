from datetime import date

from django.http import Http404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from calendar_rules.dates import parse_date_param
from sites.access import access_for
from sites.models import Role
from sites.permissions import RolePermission
from sites.selectors import areas_with_role

from .. import services
from ..filters import OfficerFilter, VolunteerFilter
from ..selectors import officers_visible_to, volunteers_for_coordination
from .serializers import OfficerSerializer, UnavailabilitySerializer, VolunteerSerializer


class OfficerViewSet(viewsets.ReadOnlyModelViewSet):
    """Officers rostered in the caller's areas (inspectors and CST coordinators)."""

    serializer_class = OfficerSerializer
    permission_classes = [RolePermission]
    read_roles = (Role.INSPECTOR, Role.CST_COORDINATOR)
    filterset_class = OfficerFilter

    def get_queryset(self):
        return officers_visible_to(access_for(self.request.user))


class VolunteerViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """CST volunteers of the caller's areas, with contact details: CST coordinators and admins.
    Deactivate with `active: false`; volunteers are never deleted. `home_site` is the site they
    usually guard (ranked first when asking for its places). `unavailability/` lists, adds and
    (by date) removes the local dates a volunteer cannot patrol."""

    serializer_class = VolunteerSerializer
    permission_classes = [RolePermission]
    read_roles = (Role.CST_COORDINATOR,)
    write_roles = (Role.CST_COORDINATOR,)
    filterset_class = VolunteerFilter

    def get_queryset(self):
        return volunteers_for_coordination(access_for(self.request.user))

    def get_serializer(self, *args, **kwargs):
        kwargs.setdefault("areas", areas_with_role(access_for(self.request.user), Role.CST_COORDINATOR))
        return super().get_serializer(*args, **kwargs)

    def perform_create(self, serializer):
        serializer.instance = services.volunteer_create(by=self.request.user, **serializer.validated_data)

    def perform_update(self, serializer):
        serializer.instance = services.volunteer_update(
            volunteer=serializer.instance, by=self.request.user, **serializer.validated_data
        )

    @extend_schema(
        methods=["GET"],
        summary="The dates a volunteer cannot patrol",
        description="Every date marked (by the volunteer from their availability link, or a coordinator), in order.",
        responses={200: UnavailabilitySerializer(many=True)},
    )
    @extend_schema(
        methods=["POST"],
        summary="Mark a date the volunteer cannot patrol",
        description=(
            "Asking them for a place on a patrol that (local) date is refused from now on. Marking a "
            "date already marked answers 200 with that mark and changes nothing."
        ),
        request=UnavailabilitySerializer,
        responses={201: UnavailabilitySerializer, 200: UnavailabilitySerializer},
    )
    @action(detail=True, methods=["get", "post"], pagination_class=None, filterset_class=None)
    def unavailability(self, request, pk=None):
        volunteer = self.get_object()
        if request.method == "GET":
            rows = volunteer.unavailable_dates.order_by("on_date")
            return Response(UnavailabilitySerializer(rows, many=True).data)
        body = UnavailabilitySerializer(data=request.data)
        body.is_valid(raise_exception=True)
        existed = volunteer.unavailable_dates.filter(on_date=body.validated_data["on_date"]).exists()
        row = services.volunteer_unavailability_add(volunteer=volunteer, by=request.user, **body.validated_data)
        return Response(
            UnavailabilitySerializer(row).data, status=status.HTTP_200_OK if existed else status.HTTP_201_CREATED
        )

    @extend_schema(
        summary="Unmark a date",
        parameters=[OpenApiParameter("on_date", str, OpenApiParameter.PATH, description="YYYY-MM-DD")],
        request=None,
        responses={204: None},
    )
    @action(
        detail=True,
        methods=["delete"],
        url_path=r"unavailability/(?P<on_date>[0-9]{4}-[0-9]{2}-[0-9]{2})",
        url_name="unavailability-date",
        pagination_class=None,
        filterset_class=None,
    )
    def unavailability_date(self, request, pk=None, on_date: str = ""):
        volunteer = self.get_object()
        try:
            day: date = parse_date_param(on_date, name="on_date")
        except ValueError:
            raise Http404("No such date.") from None
        if not services.volunteer_unavailability_remove(volunteer=volunteer, on_date=day, by=request.user):
            raise Http404("This date is not marked.")
        return Response(status=status.HTTP_204_NO_CONTENT)
