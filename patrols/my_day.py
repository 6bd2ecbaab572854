"""My day's week, kept ready in the cache between changes, and rendered with Jinja2.

Where My day's time went (bench/my_day.py --profile, and the same page under gunicorn): the
week itself is 4-5 queries and ~250 model objects, then ~2,000 template nodes in Django's engine;
under load every query is a round trip the worker waits on, and those waits cost more than the
Python. An officer opens My day many times between two changes to their week, so:

- the week is built once into plain values (`build_week`: strings, dates, ids — no model
  objects) and kept in the cache under the officer's user, with the *stamps* it was built under;
- a stamp is a random token per area (`rota-stamp:a:<id>`) and per officer (`rota-stamp:o:<id>`);
  a change that can alter anyone's week deletes its stamps, at once and after it commits (`rota_changed`,
  called by model signals and by the bulk writers that bypass them), and a week whose stamps are
  no longer all there and equal is built again. Deleting rather than counting means a stamp the
  cache evicted reads as "changed", never as "unchanged";
- one cache round trip reads the week and its stamps together; what depends on the clock (which
  "Arrived" buttons show) is worked out per request from the week's times, never cached;
- the week renders with Jinja2 (templates/patrols/jinja/my_day_week.html), like the board's grid.

Stamps are read before the database, so a change committed while a week is being built leaves
that week stale-stamped: it is built again on the next request, never served as current.

Kept only when the cache is shared by every process (settings.MY_DAY_SNAPSHOTS: on with Redis):
with per-process memory, a change made in one process would not reach another's copy.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from urllib.parse import quote
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save

from sites.access import Access
from sites.models import Role

from .selectors import MY_DAY_DAYS, my_day

# A kept week is dropped after this long even if nothing changed (a backstop, not the mechanism).
SNAPSHOT_SECONDS = 15 * 60
_FORMAT = 1  # raise when the week's shape changes, so weeks kept by older code are not read


def _area_stamp(area_id: int) -> str:
    return f"rota-stamp:a:{area_id}"


def _officer_stamp(officer_id: int) -> str:
    return f"rota-stamp:o:{officer_id}"


def _week_key(user_id: int) -> str:
    return f"my-day:{_FORMAT}:{user_id}"


def rota_changed(*, area_ids: Iterable[int] = (), officer_ids: Iterable[int] = ()) -> None:
    """The weeks built from these areas' or officers' rows are out of date once the current
    transaction commits (at once outside one)."""
    keys = [_area_stamp(pk) for pk in set(area_ids) if pk] + [_officer_stamp(pk) for pk in set(officer_ids) if pk]
    if keys and settings.MY_DAY_SNAPSHOTS:
        # Now, so that reads later in the same transaction (and tests, which never commit) see the
        # change; and after the commit, since a week built meanwhile from the rows as they were
        # before it may have stamped itself afresh.
        cache.delete_many(keys)
        transaction.on_commit(lambda: cache.delete_many(keys))


# ---- the week as plain values ----------------------------------------------------------------


def _geo(value) -> str:
    return format(value, "f")


def build_week(*, access: Access, officer, now: datetime) -> list[dict[str, Any]]:
    """selectors.my_day's week as plain values (no model objects): what the page shows."""
    days = my_day(access=access, officer=officer, now=now)
    week = []
    for day in days:
        items = []
        for item in day["items"]:
            patrol = item["patrol"]
            site, area = patrol.site, patrol.area
            items.append(
                {
                    "id": patrol.pk,
                    "area_id": patrol.area_id,
                    "status": patrol.status,
                    "kind": patrol.kind,
                    "label": patrol.label,
                    "starts": item["starts"],
                    "ends": item["ends"],
                    "ends_at": patrol.ends_at,
                    "site_name": site.name,
                    "address": f"{site.address}, {site.postcode}",
                    "geo": f"geo:{_geo(site.latitude)},{_geo(site.longitude)}"
                    f"?q={_geo(site.latitude)},{_geo(site.longitude)}({quote(site.name, safe='/')})",
                    "officer_notes": site.officer_notes,
                    "crew": [str(other) for other in item["crew"]],
                    "partners": [
                        {
                            "call_sign": slot.volunteer.call_sign,
                            "name": slot.volunteer.name,
                            "status": slot.status,
                            "status_display": slot.get_status_display().lower(),
                        }
                        for slot in item["partners"]
                    ],
                    "team_leader": patrol.cst_team_leader.call_sign if patrol.cst_team_leader else "",
                    "briefing_at": item["briefing_at"],
                    "briefing_point": patrol.briefing_point,
                    "duty_phone": area.cst_duty_phone,
                    "timezone": str(area.timezone),
                    "opens": item["check_in_opens"],
                    "closes": item["check_in_closes"],
                    "visits": [
                        {"id": seen["visit"].pk, "in": seen["in"], "out": seen["out"], "note": seen["visit"].note}
                        for seen in item["visits"]
                    ],
                    "open_visit": item["open_visit"].pk if item["open_visit"] else None,
                }
            )
        week.append(
            {
                "date": day["date"],
                "name": day["name"],
                "observances": day["observances"],
                "evening_of": day["evening_of"],
                "absences": [
                    {"summary": absence.summary, "kind": absence.get_kind_display(), "note": absence.note}
                    for absence in day["absences"]
                ],
                "items": items,
            }
        )
    return week


@dataclass(frozen=True)
class Week:
    days: list[dict[str, Any]]
    from_cache: bool


def _identity(access: Access, officer, today: date) -> tuple:
    """What a kept week must have been built for: the officer, their areas, the first day."""
    return (officer.pk, tuple(sorted(access.area_ids(Role.OFFICER))), today, MY_DAY_DAYS)


def officer_week(*, access: Access, officer, now: datetime) -> Week:
    """The officer's week: the kept one when nothing it was built from has changed, else built
    (and kept). One cache round trip when kept; selectors.my_day's queries when not."""
    if not settings.MY_DAY_SNAPSHOTS:
        return Week(build_week(access=access, officer=officer, now=now), from_cache=False)
    known = access.area_names_zones
    # In selectors.my_day's order (by name): its first area's local date is "today".
    area_ids = sorted(access.area_ids(Role.OFFICER), key=lambda pk: (known[pk][0], pk) if pk in known else ("", pk))
    first = area_ids[0] if area_ids else None
    # "Today" is the first area's local date (selectors.my_day): a new day is a new week.
    today = now.astimezone(ZoneInfo(known[first][1])).date() if first in known else now.date()
    identity = _identity(access, officer, today)
    stamp_keys = [_area_stamp(pk) for pk in area_ids] + [_officer_stamp(officer.pk)]
    key = _week_key(access.user_id or 0)
    found = cache.get_many([key, *stamp_keys])
    stamps = {name: found.get(name) for name in stamp_keys}
    kept = found.get(key)
    if kept and kept["identity"] == identity and None not in stamps.values() and kept["stamps"] == stamps:
        return Week(kept["days"], from_cache=True)
    # Missing stamps get fresh tokens before the database is read (see the module's note).
    for name, token in stamps.items():
        if token is None:
            token = uuid.uuid4().hex
            stamps[name] = token if cache.add(name, token, timeout=None) else cache.get(name)
    days = build_week(access=access, officer=officer, now=now)
    if None not in stamps.values():
        cache.set(key, {"identity": identity, "stamps": stamps, "days": days}, timeout=SNAPSHOT_SECONDS)
    return Week(days, from_cache=False)


def with_clock(days: list[dict[str, Any]], now: datetime) -> list[dict[str, Any]]:
    """The week with what depends on the moment: whether each patrol's "Arrived" shows now."""
    return [
        {
            **day,
            "items": [
                {
                    **item,
                    "can_check_in": item["status"] != "cancelled"
                    and item["open_visit"] is None
                    and item["opens"] <= now <= item["closes"],
                }
                for item in day["items"]
            ],
        }
        for day in days
    ]


def unfinished_area_ids(days: list[dict[str, Any]], now: datetime) -> set[int]:
    """The areas of the week's patrols that have not ended (what the view audit records)."""
    return {item["area_id"] for day in days for item in day["items"] if item["ends_at"] > now}


# ---- what makes a kept week out of date --------------------------------------------------------


def _patrol_area(instance) -> Iterable[int]:
    return [instance.area_id]


def _via_patrol(instance) -> Iterable[int]:
    from .models import Patrol

    if instance._meta.get_field("patrol").is_cached(instance):
        return [instance.patrol.area_id]
    return Patrol.objects.filter(pk=instance.patrol_id).values_list("area_id", flat=True)


def _own_area(instance) -> Iterable[int]:
    return [instance.area_id]


def _area_itself(instance) -> Iterable[int]:
    return [instance.pk]


def _users_areas(user_id: int) -> Iterable[int]:
    from sites.models import Membership

    return Membership.objects.filter(user_id=user_id).values_list("area_id", flat=True)


def _on_area_row_saved(area_of):
    def receiver(sender, instance, **kwargs):
        rota_changed(area_ids=area_of(instance))

    return receiver


def _on_officer_row_saved(sender, instance, **kwargs):
    # An absence or a visit shows on its officer's own week only.
    rota_changed(officer_ids=[instance.officer_id])


def _on_officer_saved(sender, instance, **kwargs):
    # Officers' names show on their partners' weeks: every area they are in.
    rota_changed(area_ids=_users_areas(instance.user_id), officer_ids=[instance.pk])


def _on_user_saved(sender, instance, update_fields=None, **kwargs):
    if update_fields is not None and set(update_fields) <= {"last_login"}:
        return  # signing in changes nothing a week shows
    rota_changed(area_ids=_users_areas(instance.pk))


def connect_invalidation() -> None:
    """Connect the signals that make kept weeks out of date (PatrolsConfig.ready)."""
    from django.contrib.auth import get_user_model

    from people.models import Absence, Officer, Volunteer
    from sites.models import Area, Site

    from .models import Assignment, Patrol, Visit, VolunteerSlot

    by_area = (
        (Patrol, _patrol_area),
        (Assignment, _via_patrol),
        (VolunteerSlot, _via_patrol),
        (Site, _own_area),
        (Volunteer, _own_area),
        (Area, _area_itself),
    )
    for model, area_of in by_area:
        receiver = _on_area_row_saved(area_of)
        post_save.connect(receiver, sender=model, weak=False, dispatch_uid=f"my-day-{model.__name__}-save")
        post_delete.connect(receiver, sender=model, weak=False, dispatch_uid=f"my-day-{model.__name__}-delete")
    for own in (Absence, Visit):
        post_save.connect(_on_officer_row_saved, sender=own, dispatch_uid=f"my-day-{own.__name__}-save")
        post_delete.connect(_on_officer_row_saved, sender=own, dispatch_uid=f"my-day-{own.__name__}-delete")
    post_save.connect(_on_officer_saved, sender=Officer, dispatch_uid="my-day-officer-save")
    post_save.connect(_on_user_saved, sender=get_user_model(), dispatch_uid="my-day-user-save")
