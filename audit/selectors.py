"""Read paths of the audit record."""

from django.db.models import QuerySet

from sites.access import Access
from sites.models import Role

from .models import PatrolViewRecord


def patrol_views_for_inspection(access: Access) -> QuerySet[PatrolViewRecord]:
    """The records of the areas the user inspects (every one for an admin), newest hour first,
    with user and area (one query per page)."""
    queryset = PatrolViewRecord.objects.select_related("user", "area").order_by("-bucket_start", "-last_seen", "-id")
    return access.scope(queryset, Role.INSPECTOR)
