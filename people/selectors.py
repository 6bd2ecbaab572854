"""Read paths for officers and volunteers."""

from django.db.models import Exists, OuterRef, QuerySet

from sites.access import Access
from sites.models import Membership, Role

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
    # EXISTS rather than a join and DISTINCT: an officer rostered in several of these areas is
    # one row without de-duplicating (and counting) the joined rows of the whole scope.
    rostered = Membership.objects.filter(user_id=OuterRef("user_id"), area_id__in=area_ids, group__name=Role.OFFICER)
    return qs.filter(Exists(rostered))
