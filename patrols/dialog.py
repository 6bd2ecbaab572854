"""What the inspector's patrol dialog reads: the patrol in its area's time, its officers and CST
places, the officers it may be given, and — when an edit came from a stale copy — what changed
since the version the inspector had. (Its whole history is `patrols.history.patrol_history`.)

Reads only (a selector module for one page); the writes are the services'.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import Exists, OuterRef, QuerySet

from people.models import Officer, Volunteer
from sites.access import Access
from sites.models import Area, Membership, Role

from .models import Assignment, Patrol, PatrolKind, PatrolStatus, SlotStatus
from .selectors import Suggestion, officer_suggestions


def patrols_for_editing(access: Access) -> QuerySet[Patrol]:
    """The patrols an inspector may edit: those of the areas they inspect (an admin: all)."""
    return access.scope(Patrol.objects.select_related("site", "area", "last_run"), Role.INSPECTOR)


def patrol_assignments(patrol: Patrol) -> list[Assignment]:
    return list(patrol.assignments.select_related("officer__user").order_by("officer__collar_number"))


def confirmed_volunteers(patrol: Patrol) -> list[Volunteer]:
    """The volunteers confirmed on a joint patrol: who may lead its CST team (one query)."""
    if patrol.kind != PatrolKind.JOINT:
        return []
    return list(
        Volunteer.objects.filter(slots__patrol=patrol, slots__status=SlotStatus.CONFIRMED).order_by("call_sign")
    )


def slot_counts(patrol: Patrol) -> dict[str, int]:
    counts = dict.fromkeys(SlotStatus.values, 0)
    for status in patrol.slots.values_list("status", flat=True):
        counts[status] += 1
    return counts


def area_officers(area: Area) -> QuerySet[Officer]:
    """The officers rostered in `area`, active or not (the service says why one cannot go)."""
    rostered = Membership.objects.filter(user_id=OuterRef("user_id"), area_id=area.pk, group__name=Role.OFFICER)
    return Officer.objects.filter(Exists(rostered)).select_related("user").order_by("collar_number")


def officer_choices(patrol: Patrol, *, now: datetime) -> list[Suggestion]:
    """The area's officers to offer, ranked fairly with the reason for each
    (selectors.officer_suggestions), leaving out those already on the patrol (listed above them)."""
    on_it = set(patrol.assignments.values_list("officer_id", flat=True))
    return [choice for choice in officer_suggestions(patrol, now=now) if choice.officer.pk not in on_it]


@dataclass(frozen=True)
class HistoryLine:
    when: datetime
    who: str
    what: str
    reason: str = ""


def _who(record: Any) -> str:
    user = record.history_user
    if user is None:
        return "the system"
    return user.get_full_name() or user.get_username()


def _span(patrol: Any, zone) -> str:
    begins, ends = patrol.starts_at.astimezone(zone), patrol.ends_at.astimezone(zone)
    return f"{begins:%a %-d %b} {begins:%H:%M}–{ends:%H:%M}"


def _changes(old: Any, new: Any, zone) -> list[str]:
    """What differs between two historical records of a patrol, said as an inspector would."""
    said = []
    if (old.starts_at, old.ends_at) != (new.starts_at, new.ends_at):
        said.append(f"moved from {_span(old, zone)} to {_span(new, zone)}")
    if old.site_id != new.site_id:
        said.append(f"site changed from {old.site.name} to {new.site.name}")
    if old.kind != new.kind:
        said.append(f"kind changed from {old.kind} to {new.kind}")
    if old.officers_required != new.officers_required:
        said.append(f"officers needed {old.officers_required} → {new.officers_required}")
    if old.volunteers_required != new.volunteers_required:
        said.append(f"CST places {old.volunteers_required} → {new.volunteers_required}")
    if old.label != new.label:
        said.append(f"label changed from “{old.label}” to “{new.label}”")
    if old.status != new.status:
        if new.status == PatrolStatus.CANCELLED:
            said.append(f"cancelled: {new.cancel_reason}" if new.cancel_reason else "cancelled")
        elif old.status == PatrolStatus.CANCELLED and new.status == PatrolStatus.SCHEDULED:
            said.append("restored")
        else:
            said.append(f"status {old.status} → {new.status}")
    return said


def changes_since(patrol: Patrol, version: int) -> list[HistoryLine]:
    """What was done to `patrol` after `version` (oldest first): each hand edit with who made it and
    when; a change the generator made (its writes have no history rows) as its run."""
    records = list(patrol.history.select_related("history_user", "site").order_by("history_date", "history_id"))
    zone = patrol.area.zone
    lines = []
    for previous, record in zip([None, *records], records, strict=False):
        if record.version <= version or previous is None:
            continue
        said = _changes(previous, record, zone)
        if said:
            lines.append(HistoryLine(record.history_date, _who(record), "; ".join(said)))
    latest_by_hand = records[-1].version if records else 0
    if patrol.version > max(latest_by_hand, version):
        run = patrol.last_run
        what = f"changed by rota run #{run.pk}" if run is not None else "changed by the rota generator"
        lines.append(HistoryLine(patrol.updated_at, "the rota generator", what))
    if not lines:
        lines.append(HistoryLine(patrol.updated_at, "someone", "changed since you opened it"))
    return lines
