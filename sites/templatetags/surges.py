"""The banner of a raised alert level (board, My day, joint planner).

It is read from the signed-in user's access (sites.access.Access.surges), which comes with the
user and their roles in one query: showing it costs a page no query, and a kept My day week stays
kept (a raised or ended surge raises the area's stamp all the same)."""

from datetime import datetime
from zoneinfo import ZoneInfo

from django import template
from django.utils import timezone

register = template.Library()


def surge_banners(access, area_ids=None, now: datetime | None = None) -> list[dict[str, str]]:
    """(area name, reason, end in the area's time) of each raised alert level among `area_ids`
    (default: every area of the user) that has not yet passed its end: the expiry task closes a
    surge within minutes of its end, and until then the banner already stops showing."""
    if access is None:
        return []
    now = now or timezone.now()
    wanted = access.surges.keys() if area_ids is None else [pk for pk in area_ids if pk in access.surges]
    banners = []
    for area_id in sorted(wanted):
        reason, ends_at = access.surges[area_id]
        if ends_at <= now:
            continue
        name, zone = access.area_names_zones.get(area_id, ("", "UTC"))
        banners.append({"area": name, "reason": reason, "until": ends_at.astimezone(ZoneInfo(zone))})
    return banners


@register.inclusion_tag("sites/partials/surge_banner.html", takes_context=True)
def surge_banner(context, area=None):
    """`{% surge_banner area %}`: the banner of `area`'s raised alert level (of all the user's
    areas without one), naming the area when the user has more than one."""
    access = context.get("access")
    banners = surge_banners(access, None if area is None else [area.pk])
    many = access is not None and len(access.area_names_zones) > 1
    return {"banners": banners, "name_areas": many}
