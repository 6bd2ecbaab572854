"""An officer's personal calendar feed (/feeds/<token>.ics): their patrols as iCalendar events.

Feeds end up in cloud calendars, so an event says as little as a calendar can use: the time, a
neutral title ("Shomer duty", or "Shomer duty: <site name>" where the area allows it, per
Area.feed_shows_site_name) and a link to My day, where the officer sees the rest after signing
in. Never the site's address or notes, the patrol's label, nor who else is on it (DESIGN.md §6).

Each patrol is one event with a stable UID, its SEQUENCE the patrol's version (so a moved patrol
updates the event), DTSTART/DTEND in the area's time zone with that zone's VTIMEZONE. Cancelled
patrols are left out: a subscribed calendar removes an event that is no longer in its feed, and a
cancelled event would still carry the time a patrol was planned for.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from icalendar import Calendar, Event

# How far ahead the feed reaches, and how long an ended patrol stays (so today's earlier duties
# do not vanish from the phone's calendar the moment they end).
FEED_DAYS_AHEAD = 60
FEED_DAYS_BEHIND = 1
NEUTRAL_TITLE = "Shomer duty"
PRODID = "-//Shomer//Patrol calendar feed//EN"


def event_title(*, site_name: str, shows_site_name: bool) -> str:
    return f"{NEUTRAL_TITLE}: {site_name}" if shows_site_name else NEUTRAL_TITLE


def patrol_uid(patrol_id: int) -> str:
    """Stable whatever the host or the officer: one patrol, one event."""
    return f"patrol-{patrol_id}@shomer"


def feed_calendar(*, patrols: Iterable, now: datetime, my_day_url: str) -> bytes:
    """The .ics of `patrols` (each with `area` and, where its area shows site names, `site`
    loaded; each with `stamp`, the time its event last changed)."""
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", NEUTRAL_TITLE)
    # A hint to clients that poll: every hour is plenty (RFC 7986 REFRESH-INTERVAL).
    calendar.add("refresh-interval", timedelta(hours=1), parameters={"VALUE": "DURATION"})
    for patrol in patrols:
        zone = patrol.area.zone
        event = Event()
        event.add("uid", patrol_uid(patrol.pk))
        event.add("dtstamp", patrol.stamp)
        event.add("last-modified", patrol.stamp)
        event.add("sequence", max(patrol.version - 1, 0))
        event.add("dtstart", patrol.starts_at.astimezone(zone))
        event.add("dtend", patrol.ends_at.astimezone(zone))
        shows = patrol.area.feed_shows_site_name
        event.add("summary", event_title(site_name=patrol.site.name if shows else "", shows_site_name=shows))
        event.add("url", my_day_url)
        event.add("description", f"Details on My day: {my_day_url}")
        event.add("transp", "OPAQUE")
        event.add("class", "PRIVATE")
        calendar.add_component(event)
    # The zones the events use, with their transitions over the feed's span only.
    today = now.date()
    calendar.add_missing_timezones(
        first_date=today - timedelta(days=FEED_DAYS_BEHIND + 1),
        last_date=today + timedelta(days=FEED_DAYS_AHEAD + 2),
    )
    return calendar.to_ical()
