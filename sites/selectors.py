"""Read paths for areas and sites."""

from django.db.models import QuerySet

from .access import Access
from .models import Area, Role, Site


def areas_visible_to(access: Access) -> QuerySet[Area]:
    return access.scope(Area.objects.all(), area_field="id")


def sites_for_inspection(access: Access) -> QuerySet[Site]:
    """Every site of the areas the user inspects (all of them for an admin)."""
    return access.scope(Site.objects.select_related("area"), Role.INSPECTOR)


def areas_with_role(access: Access, *roles: str) -> QuerySet[Area]:
    """The areas where the user holds any of `roles` (the areas a form may write into)."""
    return access.scope(Area.objects.all(), *roles, area_field="id")
