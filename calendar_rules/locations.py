"""An area as the calendar code sees it: the place and time zone of its sunsets and local dates."""

from __future__ import annotations

from sites.models import Area

from . import zmanim


def area_location(area: Area) -> zmanim.Location:
    """The reference point whose sunset and nightfall time the area's anchored patrols."""
    return zmanim.Location(latitude=float(area.latitude), longitude=float(area.longitude), timezone=area.zone.key)
