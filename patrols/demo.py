"""Demo rota: the generated patrols of the demo areas, with officers assigned to the next days,
so each role's start page has something to show. Safe to run twice."""

from datetime import datetime, time, timedelta
from itertools import cycle

from django.core.exceptions import ValidationError

from people.models import Officer, Volunteer
from sites.models import Area, Role

from .models import Patrol, PatrolKind, PatrolStatus, RunTrigger, SlotStatus
from .services import assignment_create, rota_sync, slot_confirm, slot_fill


def seed_rota(*, area: Area, today, days_assigned: int = 3, by=None) -> tuple[int, int]:
    """Generate the area's rota and put its officers on the patrols of the next `days_assigned`
    days, round robin, skipping any that would double-book an officer. Returns (patrols created,
    assignments made)."""
    run = rota_sync(area=area, trigger=RunTrigger.COMMAND, by=by)
    officers = list(
        Officer.objects.filter(
            active=True, user__memberships__area=area, user__memberships__group__name=Role.OFFICER
        ).order_by("collar_number")
    )
    if not officers:
        return run.created, 0
    tz = area.zone
    start = datetime.combine(today, time.min, tzinfo=tz)
    patrols = Patrol.objects.filter(
        area=area,
        status=PatrolStatus.SCHEDULED,
        starts_at__gte=start,
        starts_at__lt=start + timedelta(days=days_assigned),
        assignments__isnull=True,
    ).order_by("starts_at", "site__name")
    made = 0
    rota = cycle(officers)
    for patrol in patrols:
        for _ in range(len(officers)):
            try:
                assignment_create(patrol=patrol, officer=next(rota), by=by)
            except ValidationError:  # that officer is busy then: try the next one
                continue
            made += 1
            break
    _seed_cst_places(area=area, start=start, days=days_assigned, by=by)
    return run.created, made


def _seed_cst_places(*, area: Area, start, days: int, by) -> None:
    """Confirm one CST volunteer on each joint patrol of the next days whose places are all open,
    so officers see their CST partners and the coordinator a mix of open and confirmed places."""
    volunteers = list(Volunteer.objects.filter(area=area, active=True).order_by("call_sign"))
    if not volunteers:
        return
    joint = Patrol.objects.filter(
        area=area,
        kind=PatrolKind.JOINT,
        status=PatrolStatus.SCHEDULED,
        starts_at__gte=start,
        starts_at__lt=start + timedelta(days=days),
    ).exclude(slots__status__in=(SlotStatus.REQUESTED, SlotStatus.CONFIRMED))
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
