"""The emails officers get about their patrols, queued in the outbox by the services that change
the patrols, in the same transaction (a change rolled back sends nothing):

- put on a patrol (`assignment_create`, also through the bulk action) and taken off it
  (`assignment_delete`);
- their patrol moved — a new time or site (`patrol_update`) — cancelled (`patrol_cancel`, also
  bulk), or back on the rota (`patrol_restore`, also bulk; sent as "put on a patrol": they are on
  it again);
- the evening before a duty, a reminder (`duty_reminders_queue`, Celery beat every 15 minutes).

Each honours the officer's settings on their profile (Officer.notify_patrol_changes,
Officer.notify_evening_reminder); nobody is emailed about their own edit, nor when inactive. The
generator never moves or cancels a patrol an officer is on (it is *held*, patrols/planning.py),
so a run causes none of these. What the emails say: patrols/officer_emails.py.

Event keys (each once per recipient, notifications.Notification): `assigned:<assignment>`,
`unassigned:<assignment>`, `moved:<patrol>:<version>`, `cancelled:<patrol>:<version>`,
`restored:<patrol>:<version>` — one edit, one email, however often the request is retried — and
`duty-reminder:<area id>:<local date>`: one reminder per officer, area and duty day, whatever the
number of workers or beat runs (an officer on duty that day in two areas gets one from each, on
each area's own evening, filed under that area and listing its duties only; a reminder queued
under the earlier key `duty-reminder:<local date>` counts for its row's area).

An officer is emailed only about patrols of the areas where they hold the officer role, as My day
shows them (patrols.selectors.my_day): one taken off an area's officers (now, say, only a CST
coordinator there) hears nothing more of its patrols, and no officer email is ever of CST
audience (which every coordinator of the area would see in the outbox).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING

from django.conf import settings
from django.db.models import F, Q
from django.urls import reverse

from notifications.models import Notification, NotificationKind
from notifications.services import notification_queue
from people.models import Officer
from sites.history import editor_user
from sites.models import Area, Membership, Role

from .. import officer_emails
from ..models import Assignment, Patrol, PatrolStatus
from ..officer_emails import Duty
from ..planning import local_midnight

if TYPE_CHECKING:
    from sites.history import Editor

# The evening reminder goes from this local time on the day before a duty (in the area's zone)
# until midnight; the beat runs every 15 minutes, so it goes by 18:15.
REMINDER_FROM = time(18, 0)

# (subject, body) from whether the email may carry times and sites.
Compose = Callable[[bool], tuple[str, str]]


def my_day_link() -> str:
    return settings.SITE_URL + reverse("patrols:my_day")


def duty_of(patrol: Patrol) -> Duty:
    """A patrol as an officer's email shows it: times in the area's zone, the site's name where
    the area shows it. Called before a move too, for the times it had."""
    area = patrol.area
    zone = area.zone
    return Duty(
        starts=patrol.starts_at.astimezone(zone),
        ends=patrol.ends_at.astimezone(zone),
        site_name=patrol.site.name if area.feed_shows_site_name else "",
    )


def _wants_changes(officer: Officer, by: Editor) -> bool:
    user = officer.user
    if not (officer.active and officer.notify_patrol_changes and user.is_active):
        return False
    editor = editor_user(by)
    return editor is None or editor.pk != user.pk  # nobody is told of their own edit


def _is_officer_in(officer: Officer, area: Area) -> bool:
    """Whether the officer's user holds the officer role in `area` (DESIGN.md §6: an officer sees
    their own patrols in the areas where they are an officer, as My day does)."""
    return Membership.objects.filter(user_id=officer.user_id, area=area, group__name=Role.OFFICER).exists()


def _queue(
    *, officer: Officer, area: Area, kind: str, event_key: str, compose: Compose, about: Patrol, checked: bool = False
) -> bool:
    """Queue one email to the officer about `area`'s patrol, unless they no longer hold the officer
    role there (`checked`: the caller already knows they do). Such an email is always of police
    audience, so it may carry the times (and the site, where the area allows it)."""
    if not checked and not _is_officer_in(officer, area):
        return False
    subject, body = compose(True)
    return (
        notification_queue(
            kind=kind, event_key=event_key, subject=subject, body=body, area=area, to_user=officer.user, about=about
        )
        is not None
    )


def _officers_on(patrol: Patrol) -> list[Officer]:
    return list(Officer.objects.filter(assignments__patrol=patrol).select_related("user").order_by("pk"))


def notify_assigned(*, assignment: Assignment, by: Editor) -> bool:
    """Tell the officer they are on `assignment`'s patrol (if they want to know)."""
    officer, patrol = assignment.officer, assignment.patrol
    if not _wants_changes(officer, by):
        return False
    duty = duty_of(patrol)
    return _queue(
        officer=officer,
        area=patrol.area,
        kind=NotificationKind.OFFICER_ASSIGNED,
        event_key=f"assigned:{assignment.pk}",
        compose=lambda detailed: officer_emails.assigned_email(duty, link=my_day_link(), detailed=detailed),
        about=patrol,
    )


def notify_unassigned(*, assignment: Assignment, patrol: Patrol, by: Editor) -> bool:
    """Tell the officer they are off `patrol` (call before the assignment row is deleted)."""
    officer = assignment.officer
    if not _wants_changes(officer, by):
        return False
    duty = duty_of(patrol)
    return _queue(
        officer=officer,
        area=patrol.area,
        kind=NotificationKind.OFFICER_UNASSIGNED,
        event_key=f"unassigned:{assignment.pk}",
        compose=lambda detailed: officer_emails.unassigned_email(duty, link=my_day_link(), detailed=detailed),
        about=patrol,
    )


def _tell_officers_on(patrol: Patrol, *, by: Editor, kind: str, event_key: str, compose: Compose) -> int:
    """Queue one email to each officer on `patrol` who wants to know and is still an officer of
    its area (one query for the area's roles of them all, not one per officer)."""
    officers = [officer for officer in _officers_on(patrol) if _wants_changes(officer, by)]
    rostered = set(
        Membership.objects.filter(
            user_id__in=[officer.user_id for officer in officers], area=patrol.area, group__name=Role.OFFICER
        ).values_list("user_id", flat=True)
    )
    return sum(
        _queue(
            officer=officer,
            area=patrol.area,
            kind=kind,
            event_key=event_key,
            compose=compose,
            about=patrol,
            checked=True,
        )
        for officer in officers
        if officer.user_id in rostered
    )


def notify_moved(*, patrol: Patrol, before: Duty, by: Editor) -> int:
    """Tell each officer on `patrol` (saved with its new time or site) that it moved from `before`."""
    if patrol.status != PatrolStatus.SCHEDULED:
        return 0
    after = duty_of(patrol)
    return _tell_officers_on(
        patrol,
        by=by,
        kind=NotificationKind.PATROL_MOVED,
        event_key=f"moved:{patrol.pk}:{patrol.version}",
        compose=lambda detailed: officer_emails.moved_email(before, after, link=my_day_link(), detailed=detailed),
    )


def notify_cancelled(*, patrol: Patrol, by: Editor) -> int:
    """Tell each officer on `patrol` (just cancelled) that it will not happen."""
    duty = duty_of(patrol)
    return _tell_officers_on(
        patrol,
        by=by,
        kind=NotificationKind.PATROL_CANCELLED,
        event_key=f"cancelled:{patrol.pk}:{patrol.version}",
        compose=lambda detailed: officer_emails.cancelled_email(duty, link=my_day_link(), detailed=detailed),
    )


def notify_restored(*, patrol: Patrol, by: Editor) -> int:
    """Tell each officer still on `patrol` (just restored) that it is back on, and they with it."""
    duty = duty_of(patrol)
    return _tell_officers_on(
        patrol,
        by=by,
        kind=NotificationKind.OFFICER_ASSIGNED,
        event_key=f"restored:{patrol.pk}:{patrol.version}",
        compose=lambda detailed: officer_emails.restored_email(duty, link=my_day_link(), detailed=detailed),
    )


def duty_reminders_queue(*, now: datetime) -> int:
    """Queue the evening reminder for every officer with a duty tomorrow, in each area where it
    is past REMINDER_FROM (local) today: their scheduled patrols of tomorrow's local date in that
    area, one email per officer, area and duty day (event key `duty-reminder:<area id>:<date>`; a
    second run or a second worker queues nothing more). Only officers who want it
    (Officer.notify_evening_reminder), active, with an active account, and only about the areas
    where they hold the officer role. Returns how many were queued. Safe to run at any time and
    in several workers at once."""
    windows = Q()
    days: dict[int, date] = {}
    for area in Area.objects.all():
        local = now.astimezone(area.zone)
        if local.time() < REMINDER_FROM:
            continue
        tomorrow = local.date() + timedelta(days=1)
        days[area.pk] = tomorrow
        windows |= Q(
            patrol__area=area,
            patrol__starts_at__gte=local_midnight(tomorrow, area.zone),
            patrol__starts_at__lt=local_midnight(tomorrow + timedelta(days=1), area.zone),
        )
    if not days:
        return 0
    assignments = (
        Assignment.objects.filter(windows)
        .filter(
            patrol__status=PatrolStatus.SCHEDULED,
            officer__active=True,
            officer__notify_evening_reminder=True,
            officer__user__is_active=True,
            # Only where the officer still holds the officer role (one membership row per user,
            # area and role: no duplicates).
            officer__user__memberships__area=F("patrol__area"),
            officer__user__memberships__group__name=Role.OFFICER,
        )
        .select_related("patrol__area", "patrol__site", "officer__user")
        .order_by("officer_id", "patrol__area_id", "patrol__starts_at", "patrol_id")
    )
    duties: dict[tuple[int, int], list[Patrol]] = {}
    officers: dict[int, Officer] = {}
    for assignment in assignments:
        patrol = assignment.patrol
        officers[assignment.officer_id] = assignment.officer
        duties.setdefault((assignment.officer_id, patrol.area_id), []).append(patrol)
    # The reminders already queued, in one query: the beat runs 24 times an evening, and each run
    # after the first should cost one query per area, not one per officer (the unique event key
    # still settles a race between two workers). A reminder under the earlier key (the date only)
    # counts for the area it was filed under.
    keys = {_reminder_key(area_id, day) for area_id, day in days.items()}
    legacy_keys = {f"duty-reminder:{day.isoformat()}" for day in days.values()}
    reminded = set(
        Notification.objects.filter(
            to_user_id__in={officer.user_id for officer in officers.values()},
            event_key__in=keys | legacy_keys,
        ).values_list("to_user_id", "area_id", "event_key")
    )
    queued = 0
    link = my_day_link()
    for (officer_id, area_id), patrols in duties.items():
        user_id, day = officers[officer_id].user_id, days[area_id]
        event_key = _reminder_key(area_id, day)
        if {(user_id, area_id, event_key), (user_id, area_id, f"duty-reminder:{day.isoformat()}")} & reminded:
            continue
        listed = [duty_of(patrol) for patrol in patrols]

        def compose(detailed: bool, day: date = day, listed: list[Duty] = listed) -> tuple[str, str]:
            return officer_emails.reminder_email(day, listed, link=link, detailed=detailed)

        queued += _queue(
            officer=officers[officer_id],
            area=patrols[0].area,
            kind=NotificationKind.DUTY_REMINDER,
            event_key=event_key,
            compose=compose,
            about=patrols[0],
            checked=True,  # the query kept only areas where they hold the officer role
        )
    return queued


def _reminder_key(area_id: int, day: date) -> str:
    return f"duty-reminder:{area_id}:{day.isoformat()}"
