"""Demo rota: the generated patrols of the demo areas, with officers assigned to the next days and
CST volunteers confirmed on the next joint patrols, so each role's start page has something to
show whatever the day and hour it is seeded. Safe to run twice."""

from datetime import datetime, time, timedelta
from itertools import cycle

from django.core.exceptions import ValidationError

from people.models import Officer, Volunteer
from sites.models import Area, Role

from .models import Patrol, PatrolKind, PatrolStatus, RunTrigger, SlotStatus
from .services import assignment_create, rota_sync, slot_confirm, slot_fill


def seed_rota(*, area: Area, now: datetime, days_assigned: int = 3, by=None) -> tuple[int, int]:
    """Generate the area's rota and put its officers on the patrols of today and the next
    `days_assigned` days (local dates of the area), round robin, skipping any that would
    double-book an officer; then confirm CST places (see `_seed_cst_places`). Returns (patrols
    created, assignments made)."""
    run = rota_sync(area=area, trigger=RunTrigger.COMMAND, by=by, now=now)
    tz = area.zone
    start = datetime.combine(now.astimezone(tz).date(), time.min, tzinfo=tz)
    # A whole number of local days after today: seeded at 23:30, the next days are still staffed.
    end = datetime.combine(start.date() + timedelta(days=days_assigned + 1), time.min, tzinfo=tz)
    officers = list(
        Officer.objects.filter(
            active=True, user__memberships__area=area, user__memberships__group__name=Role.OFFICER
        ).order_by("collar_number")
    )
    made = 0
    if officers:
        patrols = Patrol.objects.filter(
            area=area,
            status=PatrolStatus.SCHEDULED,
            starts_at__gte=start,
            starts_at__lt=end,
            assignments__isnull=True,
        ).order_by("starts_at", "site__name")
        rota = cycle(officers)
        for patrol in patrols:
            for _ in range(len(officers)):
                try:
                    # Demo data: the officers were never really told; no email each.
                    assignment_create(patrol=patrol, officer=next(rota), by=by, notify=False)
                except ValidationError:  # that officer is busy then: try the next one
                    continue
                made += 1
                break
    _seed_cst_places(area=area, now=now, until=end, by=by)
    return run.created, made


def _seed_cst_places(*, area: Area, now: datetime, until: datetime, by) -> None:
    """Confirm one CST volunteer on each joint patrol still to come whose places are all open,
    up to `until` and at least through the whole local day of the next joint patrol (the next
    Saturday or festival, wherever it falls), so officers see their CST partners and the
    coordinator a mix of open and confirmed places."""
    volunteers = list(Volunteer.objects.filter(area=area, active=True).order_by("call_sign"))
    if not volunteers:
        return
    upcoming = Patrol.objects.filter(
        area=area, kind=PatrolKind.JOINT, status=PatrolStatus.SCHEDULED, starts_at__gt=now
    ).order_by("starts_at")
    first = upcoming.first()
    if first is None:
        return
    tz = area.zone
    end_of_first_day = datetime.combine(first.starts_at.astimezone(tz).date() + timedelta(days=1), time.min, tzinfo=tz)
    joint = upcoming.filter(starts_at__lt=max(until, end_of_first_day)).exclude(
        slots__status__in=(SlotStatus.REQUESTED, SlotStatus.CONFIRMED)
    )
    roster = cycle(volunteers)
    for patrol in joint.order_by("starts_at", "site__name"):
        slot = patrol.slots.filter(status=SlotStatus.OPEN).order_by("id").first()
        if slot is None:
            continue
        for _ in range(len(volunteers)):
            try:
                slot = slot_fill(slot=slot, volunteer=next(roster), by=by)
            except ValidationError:  # card expired, or busy then: ask the next one
                continue
            slot_confirm(slot=slot, by=by)
            break
