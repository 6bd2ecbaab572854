"""An area's escalation lead times: when the digest of joint patrols still short of CST
volunteers goes to its coordinators and inspectors.

Pure: no Django models, no clock. Two texts an inspector can read and type:

- before each Shabbat, weekday-and-time pairs: "Wed 18:00, Fri 10:00" (the days of the week
  leading up to that Shabbat, in the area's time zone);
- before each festival, whole days before its first day, at one time: "3, 1" at 18:00.
"""

from __future__ import annotations

import re
from datetime import time

from django.core.exceptions import ValidationError

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
DEFAULT_SHABBAT_LEADS = "Wed 18:00, Fri 10:00"
DEFAULT_FESTIVAL_DAYS = "3, 1"

_SHABBAT_LEAD = re.compile(r"^(?P<day>[A-Za-z]{3})[a-z]*\s+(?P<hour>\d{1,2}):(?P<minute>\d{2})$")


def parse_shabbat_leads(text: str) -> list[tuple[int, time]]:
    """[(weekday, time)] from "Wed 18:00, Fri 10:00" (Monday is 0), in the order of the week.
    Saturday is refused (Shabbat itself), as are unknown days and impossible times."""
    leads: set[tuple[int, time]] = set()
    for part in filter(None, (piece.strip() for piece in text.split(","))):
        match = _SHABBAT_LEAD.match(part)
        if not match or match["day"].lower() not in WEEKDAYS:
            raise ValidationError(f"“{part}” is not a day and a time, such as “Wed 18:00”.", code="lead_format")
        day = WEEKDAYS.index(match["day"].lower())
        if day == 5:
            raise ValidationError("A reminder before Shabbat cannot be on Shabbat itself.", code="lead_on_shabbat")
        hour, minute = int(match["hour"]), int(match["minute"])
        if hour > 23 or minute > 59:
            raise ValidationError(f"“{part}” is not a time of day.", code="lead_time")
        leads.add((day, time(hour, minute)))
    # Sunday leads the week up to the coming Shabbat: order Sunday first.
    return sorted(leads, key=lambda lead: ((lead[0] + 1) % 7, lead[1]))


def parse_festival_days(text: str) -> list[int]:
    """Days before a festival's first day, largest first, from "3, 1" (each 1 to 14)."""
    days: set[int] = set()
    for part in filter(None, (piece.strip() for piece in text.split(","))):
        if not part.isdigit() or not 1 <= int(part) <= 14:
            raise ValidationError(f"“{part}” is not a number of days from 1 to 14.", code="lead_days")
        days.add(int(part))
    return sorted(days, reverse=True)


def validate_shabbat_leads(value: str) -> None:
    parse_shabbat_leads(value)


def validate_festival_days(value: str) -> None:
    parse_festival_days(value)
