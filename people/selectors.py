"""Read paths for officers and volunteers."""

import hmac

from django.db.models import Exists, OuterRef, Q, QuerySet

from calendar_rules.models import PatrolKind
from sites.access import Access
from sites.models import Area, Membership, Role, Site

from .models import Absence, Officer, Volunteer


def volunteers_for_coordination(access: Access) -> QuerySet[Volunteer]:
    """Volunteers (with contact details) of the areas the user coordinates."""
    return access.scope(Volunteer.objects.select_related("area"), Role.CST_COORDINATOR)


HOME_SITE_REFUSED = "Choose an active site of the volunteer's area that has joint patrols."


def home_site_choices(areas: QuerySet[Area], *, current_id: int | None = None) -> QuerySet[Site]:
    """The sites a coordinator may give a volunteer as their home site: the active sites of
    `areas` that have joint patrols (DESIGN.md §6: a CST coordinator sees the sites of joint
    patrols, no others), by area and name; and the volunteer's current home site `current_id`
    (if of `areas`), so that saving another change does not silently drop it. Reads patrols
    through Site's reverse relation (`patrols`) without importing that room."""
    joint = Site.objects.filter(area__in=areas, active=True, patrols__kind=PatrolKind.JOINT).values("pk")
    allowed = Q(pk__in=joint)
    if current_id is not None:
        allowed |= Q(pk=current_id, area__in=areas)
    return Site.objects.filter(allowed).select_related("area").order_by("area__name", "name")


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


def officer_for_feed(token: str) -> Officer | None:
    """The officer whose calendar feed secret is `token`, or None (unknown, replaced, or the
    officer or their account no longer active). Looked up by the secret's SHA-256, so the
    database compares hashes the caller cannot steer, then the secret itself is compared in
    constant time. One query."""
    from .services import calendar_token_hash

    if not token:
        return None
    officer = (
        Officer.objects.select_related("user")
        .filter(calendar_token_hash=calendar_token_hash(token), active=True, user__is_active=True)
        .first()
    )
    if officer is None or not hmac.compare_digest(officer.calendar_token.encode(), token.encode()):
        return None
    return officer


def officer_profile(*, officer: Officer, access: Access, today) -> dict:
    """What an officer's own page and GET /api/v1/me/ show: their areas (where they hold the
    officer role), whether any of those shows site names in the calendar feed, and their
    absences that have not ended (as of `today`), soonest first. Two queries."""
    from sites.models import Area

    areas = list(Area.objects.filter(pk__in=access.area_ids(Role.OFFICER)).order_by("name", "pk"))
    absences = list(Absence.objects.filter(officer=officer, ends_on__gte=today).order_by("starts_on", "id"))
    return {
        "officer": officer,
        "areas": areas,
        "feed_shows_site_name_in": [area for area in areas if area.feed_shows_site_name],
        "absences": absences,
    }
