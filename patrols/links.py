"""Links into the rota's pages with their query strings, for pages and for emails (which prefix
settings.SITE_URL): the CST planner over some days, the inspector's board over the same days."""

from __future__ import annotations

from datetime import date
from urllib.parse import urlencode

from django.urls import reverse

from sites.models import Area

from .forms import ROTA_MAX_DAYS


def planner_url(area: Area, *, start: date, end: date, open_only: bool = False, site_id: int | None = None) -> str:
    """The CST planner of `area` over `start`..`end`, optionally open places only and one site."""
    params = {"area": area.slug, "start": start.isoformat(), "end": end.isoformat()}
    if site_id:
        params["site"] = str(site_id)
    if open_only:
        params["open"] = "1"
    return reverse("patrols:joint") + "?" + urlencode(params)


def board_joint_url(area: Area, *, start: date, end: date) -> str:
    """The inspector's board of `area`'s joint patrols from the evening before `start` (its
    patrols are for `start`) to `end`."""
    first = date.fromordinal(start.toordinal() - 1)
    days = min((end - first).days + 1, ROTA_MAX_DAYS)
    query = {"area": area.slug, "start": first.isoformat(), "days": days, "kind": "joint"}
    return reverse("patrols:rota") + "?" + urlencode(query)
