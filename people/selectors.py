"""Read paths for officers and volunteers."""

from django.db.models import Exists, OuterRef, Q, QuerySet

from sites.access import Access
from sites.models import Membership, Role

from .models import Absence, Officer, Volunteer


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


def _rostered_in(area_ids) -> Exists:
    """The officer (of the outer row, through `user_id`) holds the officer role in one of `area_ids`."""
    return Exists(
        Membership.objects.filter(user_id=OuterRef("user_id"), area_id__in=area_ids, group__name=Role.OFFICER)
    )


def officers_rostered_for_inspection(access: Access) -> QuerySet[Officer]:
    """Officers rostered (the officer role) in the areas the user inspects; every officer for an
    admin. The officers whose absences an inspector records."""
    queryset = Officer.objects.select_related("user").order_by("collar_number")
    if access.is_admin:
        return queryset
    area_ids = access.area_ids(Role.INSPECTOR)
    if not area_ids:
        return queryset.none()
    return queryset.filter(_rostered_in(area_ids))


def absences_for_inspection(access: Access) -> QuerySet[Absence]:
    """Absences an inspector reads and edits (DESIGN.md §6): those of officers rostered in the
    areas they inspect; every one for an admin. With the officer and who recorded it."""
    queryset = Absence.objects.select_related("officer__user", "created_by")
    if access.is_admin:
        return queryset
    area_ids = access.area_ids(Role.INSPECTOR)
    if not area_ids:
        return queryset.none()
    return queryset.filter(Exists(Officer.objects.filter(pk=OuterRef("officer_id")).filter(_rostered_in(area_ids))))


def absences_visible_to(access: Access) -> QuerySet[Absence]:
    """Absences as DESIGN.md §6 scopes them: an inspector those of the officers rostered in their
    areas, an officer their own; an admin every one."""
    queryset = Absence.objects.select_related("officer__user", "created_by")
    if access.is_admin:
        return queryset
    visible = Q(pk__in=[])
    inspected = access.area_ids(Role.INSPECTOR)
    if inspected:
        visible |= Q(Exists(Officer.objects.filter(pk=OuterRef("officer_id")).filter(_rostered_in(inspected))))
    if access.area_ids(Role.OFFICER) and access.user_id is not None:
        visible |= Q(officer__user_id=access.user_id)
    return queryset.filter(visible)
