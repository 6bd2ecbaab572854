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
    return Exists(
        Membership.objects.filter(user_id=OuterRef("user_id"), area_id__in=area_ids, group__name=Role.OFFICER)
    )


def officers_for_inspection(access: Access) -> QuerySet[Officer]:
    """Officers rostered as officers in an area the user inspects (every one for an admin): the
    officers whose absences they record."""
    officers = Officer.objects.select_related("user").order_by("collar_number")
    if access.is_admin:
        return officers
    inspected = access.area_ids(Role.INSPECTOR)
    return officers.filter(_rostered_in(inspected)) if inspected else officers.none()


def absences_for_inspection(access: Access) -> QuerySet[Absence]:
    """The absences an inspector may change: of the officers rostered in the areas they inspect."""
    absences = Absence.objects.select_related("officer__user", "created_by")
    if access.is_admin:
        return absences
    inspected = access.area_ids(Role.INSPECTOR)
    if not inspected:
        return absences.none()
    return absences.filter(
        Exists(
            Membership.objects.filter(
                user_id=OuterRef("officer__user_id"), area_id__in=inspected, group__name=Role.OFFICER
            )
        )
    )


def absences_visible_to(access: Access) -> QuerySet[Absence]:
    """DESIGN.md §6: an inspector the absences of the officers of their areas, an officer their
    own; an admin every one."""
    absences = Absence.objects.select_related("officer__user", "created_by")
    if access.is_admin:
        return absences
    visible = Q(pk__in=[])
    inspected = access.area_ids(Role.INSPECTOR)
    if inspected:
        visible |= Q(
            Exists(
                Membership.objects.filter(
                    user_id=OuterRef("officer__user_id"), area_id__in=inspected, group__name=Role.OFFICER
                )
            )
        )
    if access.area_ids(Role.OFFICER) and access.user_id is not None:
        visible |= Q(officer__user_id=access.user_id)
    return absences.filter(visible)
