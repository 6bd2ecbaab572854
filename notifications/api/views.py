"""`/api/v1/notifications/`: the outbox, read-only, scoped as its page is (DESIGN.md §6)."""

from rest_framework import mixins, viewsets

from sites.access import access_for
from sites.models import Role
from sites.pagination import KeysetPagination
from sites.permissions import RolePermission

from ..filters import NotificationFilter
from ..selectors import outbox_for
from .serializers import NotificationSerializer


class NotificationPagination(KeysetPagination):
    # The outbox grows with every message: newest first by a keyset on the id (the index
    # notification_area_id serves one area's), never a count of the whole scope.
    ordering = ("-id",)


class NotificationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """The messages Shomer queued, newest first: an inspector every message of their areas; a
    CST coordinator only the messages to volunteers and coordinators of theirs (never police
    messages, which carry patrol times); an administrator all. Each with its status (pending,
    held for Shabbat until `not_before`, sent, failed), tries and last error — failed sends are
    `?status=failed`. Filter with `status`, `kind` and `area`. 50 a page, linked by keyset cursors
    (no `count`). A message outside the caller's scope is 404. Read-only: messages are queued by
    the changes that cause them."""

    serializer_class = NotificationSerializer
    permission_classes = [RolePermission]
    read_roles = (Role.INSPECTOR, Role.CST_COORDINATOR)
    filterset_class = NotificationFilter
    pagination_class = NotificationPagination

    def get_queryset(self):
        return outbox_for(access_for(self.request.user)).select_related("about_type")
