from rest_framework import mixins, viewsets

from sites.access import access_for
from sites.models import Role
from sites.permissions import RolePermission
from sites.selectors import areas_with_role

from .. import services
from ..filters import OfficerFilter, VolunteerFilter
from ..selectors import officers_visible_to, volunteers_for_coordination
from .serializers import OfficerSerializer, VolunteerSerializer


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
    Deactivate with `active: false`; volunteers are never deleted."""

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
