from rest_framework import mixins, viewsets

from .. import services
from ..access import access_for
from ..filters import SiteFilter
from ..models import Role
from ..permissions import RolePermission
from ..selectors import areas_visible_to, areas_with_role, sites_for_inspection
from ..validators import SLUG_PATTERN
from .serializers import AreaSerializer, SiteSerializer


class AreaViewSet(viewsets.ReadOnlyModelViewSet):
    """Areas the caller holds any role in."""

    serializer_class = AreaSerializer
    permission_classes = [RolePermission]
    read_roles = tuple(Role.values)
    lookup_field = "slug"
    lookup_value_regex = SLUG_PATTERN  # anything else is no area: 404 before any query

    def get_queryset(self):
        return areas_visible_to(access_for(self.request.user))


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
