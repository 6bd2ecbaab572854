"""My day's week, kept in each process's memory between changes, and rendered with Jinja2.

Where My day's time went (bench/my_day.py --profile, and the same page under gunicorn): the
week itself was 4-5 queries and ~250 model objects, then ~2,000 template nodes in Django's
engine; under load every query is a round trip the worker waits on, and those waits cost more
than the Python. An officer opens My day many times between two changes to their week, so:

- the week is built once into plain values (`build_week`: strings, dates, ids — no model
  objects) and kept in the process's memory (the `local` cache) under the officer's user, with
  the *stamps* it was built under;
- a stamp is a number on each area (`Area.rota_stamp`) and on each officer
  (`Officer.week_stamp`), raised in the same transaction as every change that can alter a week
  (`rota_changed`, called by model signals and by the bulk writers that bypass them);
- the stamps come with the signed-in user, in the query that reads the user and their roles
  (sites.auth), so checking a kept week costs no round trip at all: a week whose stamps are all
  still the same is current in every process, whichever process changed what;
- what depends on the clock (which "Arrived" buttons show) is worked out per request from the
  week's times, never kept;
- the week renders with Jinja2 (templates/patrols/jinja/my_day_week.html), like the board's grid;
- and the whole page (layout, navigation and week) is kept with the week too, once per set of
  "Arrived" buttons showing and per layout (who is signed in, their roles, the path), with
  placeholders for what each response has of its own — the CSRF token and the moment the page
  was loaded — filled in per response (`kept_page`, `keep_page`, `fill_page`). Profiled
  (`bench/my_day.py --profile`), rendering the Django layout around a kept week was a third of a
  kept load's time, and reading the user another third (sites.auth).

A stamp read before a change commits and a week built after it: the week is kept under the old
stamp and built again on the next request, never served as current after the change is seen.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache
from typing import Any
from urllib.parse import quote
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.cache import caches
from django.db.models import F
from django.db.models.signals import post_delete, post_save
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe

from sites.access import Access
from sites.models import Role

from . import board_render
from .selectors import MY_DAY_DAYS, my_day

# A kept week is dropped after this long even if nothing changed, and a process keeps at most
# LOCAL_CACHE_ENTRIES of them (config/settings.py): memory, not correctness.
SNAPSHOT_SECONDS = 15 * 60
_FORMAT = 1  # raise when the week's shape changes, so weeks kept by older code are not read


def _week_key(user_id: int) -> str:
    return f"my-day:{_FORMAT}:{user_id}"


def rota_changed(*, area_ids: Iterable[int] = (), officer_ids: Iterable[int] = ()) -> None:
    """The weeks built from these areas' or officers' rows are out of date: raise their stamps,
    in the caller's transaction (so the stamp and the change commit, or roll back, together)."""
    from people.models import Officer
    from sites.models import Area

    areas = sorted({pk for pk in area_ids if pk})
    officers = sorted({pk for pk in officer_ids if pk})
    if areas:
        Area.objects.filter(pk__in=areas).update(rota_stamp=F("rota_stamp") + 1)
    if officers:
        Officer.objects.filter(pk__in=officers).update(week_stamp=F("week_stamp") + 1)


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
    identity: tuple | None = None  # None: not kept
    # Its HTML as rendered so far, by which patrols' "Arrived" showed (see render_week).
    pages: dict[tuple[bool, ...], str] = field(default_factory=dict)


def _identity(access: Access, officer, now: datetime) -> tuple:
    """What a kept week must have been built for, and under which stamps: the officer, their
    areas with their stamps and each area's own local date (selectors.my_day windows each area
    by its own "today"), the officer's own stamp."""
    known = access.area_names_zones
    areas = tuple(
        sorted(
            (pk, access.rota_stamps.get(pk), now.astimezone(ZoneInfo(known[pk][1])).date() if pk in known else None)
            for pk in access.area_ids(Role.OFFICER)
        )
    )
    return (officer.pk, officer.week_stamp, areas, MY_DAY_DAYS)


def officer_week(*, access: Access, officer, now: datetime) -> Week:
    """The officer's week: the kept one when nothing it was built from has changed, else built
    (and kept). No query when kept; selectors.my_day's queries when not."""
    if not settings.MY_DAY_SNAPSHOTS:
        return Week(build_week(access=access, officer=officer, now=now), from_cache=False)
    identity = _identity(access, officer, now)
    local = caches["local"]
    key = _week_key(access.user_id or 0)
    kept = local.get(key)
    if kept is not None and kept["identity"] == identity:
        return Week(kept["days"], from_cache=True, identity=identity, pages=kept["pages"])
    days = build_week(access=access, officer=officer, now=now)
    if any(stamp is None or day is None for _pk, stamp, day in identity[2]):  # not read with the roles
        return Week(days, from_cache=False)
    local.set(key, {"identity": identity, "days": days, "pages": {}}, timeout=SNAPSHOT_SECONDS)
    return Week(days, from_cache=False, identity=identity)


# Stand for what each response has of its own in a kept page: the CSRF token (each response gets
# its own masked token) and the moment it was loaded (ISO, and as the offline note shows it).
# Random per process, so no text a person typed can be one.
CSRF_PLACEHOLDER = f"csrf-{secrets.token_hex(16)}"
LOADED_AT_PLACEHOLDER = f"loaded-{secrets.token_hex(16)}"
LOADED_AT_TEXT_PLACEHOLDER = f"loaded-text-{secrets.token_hex(16)}"


def render_week(week: Week, *, user_id: int, now: datetime, csrf_token: str) -> SafeString:
    """The week's HTML at `now`. A kept week keeps its HTML too, one per set of "Arrived" buttons
    showing (that changes a few times a day), with the CSRF token put in per response."""
    days = with_clock(week.days, now)
    showing = showing_now(week.days, now)
    html = week.pages.get(showing)
    if html is None:
        arrive, leave = _visit_paths()
        html = board_render.render(
            "my_day_week.html",
            {
                "days": days,
                "csrf_token": CSRF_PLACEHOLDER,
                "arrive_url": lambda pk: f"{arrive[0]}{pk}{arrive[1]}",
                "leave_url": lambda pk: f"{leave[0]}{pk}{leave[1]}",
            },
        )
        _keep(week, user_id, showing, str(html))
    return mark_safe(html.replace(CSRF_PLACEHOLDER, csrf_token))  # noqa: S308 (escaped by Jinja2)


def _keep(week: Week, user_id: int, key: tuple, html: str) -> None:
    """Keep `html` with the kept week it was rendered from (unless that week is no longer kept)."""
    if week.identity is None:
        return
    local = caches["local"]
    cache_key = _week_key(user_id)
    kept = local.get(cache_key)
    if kept is not None and kept["identity"] == week.identity:
        kept["pages"][key] = html
        local.set(cache_key, kept, timeout=SNAPSHOT_SECONDS)


def showing_now(days: list[dict[str, Any]], now: datetime) -> tuple[bool, ...]:
    """Which of the week's patrols show "Arrived" at `now` (what with_clock works out), as a key."""
    return tuple(
        item["status"] != "cancelled" and item["open_visit"] is None and item["opens"] <= now <= item["closes"]
        for day in days
        for item in day["items"]
    )


def _page_key(week: Week, now: datetime, layout: tuple) -> tuple:
    return ("page", showing_now(week.days, now), layout)


def kept_page(week: Week, *, now: datetime, layout: tuple) -> str | None:
    """The whole page kept for this week, the buttons showing at `now` and `layout` (with its
    placeholders), if one is."""
    return week.pages.get(_page_key(week, now, layout))


def keep_page(week: Week, *, user_id: int, now: datetime, layout: tuple, html: str) -> None:
    """Keep a whole page rendered with the placeholders (see the module's docstring)."""
    _keep(week, user_id, _page_key(week, now, layout), html)


def fill_page(html: str, *, csrf_token: str, loaded_at: str, loaded_at_text: str) -> str:
    """A kept page as this response sends it: its own CSRF token and load time put in."""
    return (
        html.replace(CSRF_PLACEHOLDER, csrf_token)
        .replace(LOADED_AT_TEXT_PLACEHOLDER, loaded_at_text)
        .replace(LOADED_AT_PLACEHOLDER, loaded_at)
    )


@lru_cache(maxsize=1)
def _visit_paths() -> tuple[tuple[str, str], tuple[str, str]]:
    """The check-in and check-out form paths around the patrol's or visit's id, reversed once."""
    arrive = reverse("patrols:visit_arrive", args=[987654321]).split("987654321")
    leave = reverse("patrols:visit_leave", args=[987654321]).split("987654321")
    return (arrive[0], arrive[1]), (leave[0], leave[1])


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
    from sites.models import Area, AreaSurge, Site

    from .models import Assignment, Patrol, Visit, VolunteerSlot

    by_area = (
        (Patrol, _patrol_area),
        (Assignment, _via_patrol),
        (VolunteerSlot, _via_patrol),
        (Site, _own_area),
        (Volunteer, _own_area),
        (Area, _area_itself),
        # The alert level's banner shows on the week of every officer of the area.
        (AreaSurge, _own_area),
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
