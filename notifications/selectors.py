"""Read paths of the outbox: whether an area is in its quiet hours, who a user is to the Shabbat
rule, the outbox page's and endpoint's rows, and an area's recent failed sends."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import QuerySet

from calendar_rules import zmanim
from calendar_rules.locations import area_location
from sites.access import Access
from sites.models import Area, Membership, Role

from . import quiet_hours
from .models import Audience, Notification, NotificationStatus

POLICE_ROLES = (Role.INSPECTOR, Role.OFFICER)


def area_quiet_until(area: Area, moment: datetime) -> datetime | None:
    """Havdalah ending the Shabbat or festival the area is in at `moment`, or None when it is in
    none (no query: the times are computed and cached in memory)."""
    first, last = quiet_hours.days_to_load(moment.astimezone(area.zone).date())
    windows = quiet_hours.quiet_windows(zmanim.times_between(area_location(area), first, last))
    return quiet_hours.quiet_until(windows, moment)


def user_audience(user: AbstractBaseUser, area: Area) -> str:
    """POLICE for a user holding a police role (inspector, officer) in `area`, or none there at
    all (an administrator); CST for a CST coordinator of the area who is not also police there."""
    roles = set(Membership.objects.filter(user_id=user.pk, area=area).values_list("group__name", flat=True))
    if Role.CST_COORDINATOR in roles and not roles & set(POLICE_ROLES):
        return Audience.CST
    return Audience.POLICE


def outbox_for(access: Access) -> QuerySet[Notification]:
    """The messages a user may see in the outbox (DESIGN.md §6): an inspector their areas' (all),
    a CST coordinator only the messages to volunteers and coordinators of theirs, an
    administrator all. Newest first."""
    queryset = Notification.objects.select_related("to_user", "to_volunteer", "area").order_by("-id")
    if access.is_admin:
        return queryset
    inspected = access.area_ids(Role.INSPECTOR)
    coordinated = access.area_ids(Role.CST_COORDINATOR) - inspected
    if not inspected and not coordinated:
        return queryset.none()
    from django.db.models import Q

    return queryset.filter(Q(area_id__in=inspected) | Q(area_id__in=coordinated, audience=Audience.CST))


def shown_email(access: Access, notification: Notification) -> str | None:
    """The address a message went to, as the outbox may show it to this user: a CST volunteer's
    is a contact detail (DESIGN.md §6), shown only to an administrator or a CST coordinator of the
    message's area, and None to anyone else (an inspector). Users' addresses are shown as they are."""
    if notification.to_volunteer_id is not None and not access.holds(Role.CST_COORDINATOR, notification.area_id):
        return None
    return notification.to_email


# Failed sends stay counted on the inspector's Today panel this long after they were queued.
FAILED_RECENT_DAYS = 7


def failed_recently(area: Area, now: datetime) -> int:
    """How many of the area's messages were queued in the last FAILED_RECENT_DAYS and failed
    (retries used up, or no address): shown to its inspectors on the Today panel. One query."""
    since = now - timedelta(days=FAILED_RECENT_DAYS)
    return Notification.objects.filter(area=area, status=NotificationStatus.FAILED, created_at__gte=since).count()
