from rest_framework import mixins, viewsets

from sites.access import access_for
from sites.models import Role
from sites.pagination import KeysetPagination
from sites.permissions import RolePermission

from ..filters import PatrolViewFilter
from ..selectors import patrol_views_for_inspection
from .serializers import PatrolViewRecordSerializer


class PatrolViewRecordPagination(KeysetPagination):
    # The record grows by the hour: pages by a keyset on the index audit_view_area_hour_id (one
    # area) or audit_view_hour_id (an admin's every area), never a count of the whole scope.
    ordering = ("-bucket_start", "-id")


class PatrolViewRecordViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """Who was shown future patrol times of the areas the caller inspects: one record per user,
    area, page or endpoint (`channel`) and UTC hour (`bucket_start`), with how many times and when
    first and last. Newest first, 50 a page, linked by keyset cursors (no `count`). Filter with
    `area`, `user`, `channel`, `start` and `end` (dates, inclusive). Read-only: the record is append-only."""

    serializer_class = PatrolViewRecordSerializer
    permission_classes = [RolePermission]
    read_roles = (Role.INSPECTOR,)
    filterset_class = PatrolViewFilter
    pagination_class = PatrolViewRecordPagination

    def get_queryset(self):
        return patrol_views_for_inspection(access_for(self.request.user))
