"""Read paths for officers and volunteers."""

from django.db.models import QuerySet

from sites.access import Access
from sites.models import Role

from .models import Officer, Volunteer


def volunteers_for_coordination(access: Access) -> QuerySet[Volunteer]:
    """Volunteers (with contact details) of the areas the user coordinates."""
    return access.scope(Volunteer.objects.select_related("area"), Role.CST_COORDINATOR)


def officers_visible_to(access: Access) -> QuerySet[Officer]:
    """Officers rostered in the areas the user inspects or coordinates."""
    qs = Officer.objects.select_related("user").order_by("collar_number")
    if access.is_admin:
        return qs
    area_ids = access.area_ids(Role.INSPECTOR, Role.CST_COORDINATOR)
    if not area_ids:
        return qs.none()
    return qs.filter(user__memberships__area_id__in=area_ids, user__memberships__group__name=Role.OFFICER).distinct()
