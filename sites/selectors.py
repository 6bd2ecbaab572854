"""Read paths for areas and sites."""

from collections.abc import Iterable

from django.db.models import QuerySet

from .access import Access
from .models import Area, AreaSurge, Role, Site


def areas_visible_to(access: Access) -> QuerySet[Area]:
    return access.scope(Area.objects.all(), area_field="id")


def sites_for_inspection(access: Access) -> QuerySet[Site]:
    """Every site of the areas the user inspects (all of them for an admin)."""
    return access.scope(Site.objects.select_related("area"), Role.INSPECTOR)


def areas_with_role(access: Access, *roles: str) -> QuerySet[Area]:
    """The areas where the user holds any of `roles` (the areas a form may write into)."""
    return access.scope(Area.objects.all(), *roles, area_field="id")


def open_surges(area_ids: Iterable[int]) -> dict[int, AreaSurge]:
    """The open surge (raised, not yet ended) of each of these areas that has one, by area id.

    Open means `ended_at` is empty: the expiry task closes a surge whose `ends_at` has passed
    within minutes. Until it does, readers that care about the instant (the generator, banners)
    take the surge's window as [raised_at, ends_at)."""
    return {
        surge.area_id: surge for surge in AreaSurge.objects.filter(area_id__in=list(area_ids), ended_at__isnull=True)
    }


def open_surge(area: Area) -> AreaSurge | None:
    return open_surges([area.pk]).get(area.pk)
