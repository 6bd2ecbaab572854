"""RFC 5545 recurrence for patrol rules: parse, validate, expand to local dates.

A patrol rule says *which days* with an RRULE (plus EXDATE and RDATE dates); the time
of day comes from the rule's start anchor, applied per local date by `local_to_utc`.
So a recurrence here works on dates only: rules recur by day (DAILY, WEEKLY, MONTHLY,
YEARLY), and date-time values in UNTIL, EXDATE and RDATE are reduced to the date they
are written with.

The rule is anchored at ``dtstart`` (the rule's first valid day): COUNT counts from
it, INTERVAL steps from it, and a WEEKLY rule without BYDAY (or a MONTHLY rule
without BYMONTHDAY/BYDAY) takes its weekday (or day of month) from it. As in
python-dateutil, ``dtstart`` itself is an occurrence only if it matches the rule.
EXDATE removes dates from the whole set (the rule's and the RDATE ones) and does not
change what COUNT counts, as RFC 5545 says.

DST policy (`local_to_utc`): a patrol's wall-clock time is taken on its local date in
the area's time zone, and

- a wall time that does not exist (the spring-forward gap, e.g. 01:30 on 2026-03-29
  in Europe/London) is moved forward by the length of the gap: 01:30 becomes
  02:30 BST (01:30 UTC). A patrol is never dropped because the clocks changed.
- a wall time that happens twice (the autumn overlap, e.g. 01:30 on 2026-10-25 in
  Europe/London) takes its first occurrence (fold=0): 01:30 BST (00:30 UTC). The
  patrol happens once, at the earlier instant.

Both follow from PEP 495 with ``fold=0``: in a gap, fold=0 reads the wall time with
the offset in force *before* the transition, which lands exactly one gap-length
later on the new clock; in an overlap, fold=0 is the earlier of the two instants.

Pure module: no Django import, no ``now()``.
"""

from __future__ import annotations

import re
from calendar import monthrange
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from dateutil.rrule import rrule, rrulestr

from .dates import MAX_YEAR, MIN_YEAR

__all__ = [
    "MAX_DATES_PER_LIST",
    "MAX_INTERVAL",
    "MAX_RULE_LENGTH",
    "Recurrence",
    "RecurrenceError",
    "local_to_utc",
    "occurrence_dates",
    "parse_recurrence",
]


class RecurrenceError(ValueError):
    """An invalid recurrence: ``part`` names what is wrong (``BYDAY``, ``EXDATE``...)."""

    def __init__(self, part: str, message: str):
        super().__init__(f"{part}: {message}")
        self.part = part
        self.message = message


@dataclass(frozen=True, slots=True)
class Recurrence:
    """A validated recurrence: a normalised RRULE body and sorted, unique dates."""

    rrule: str
    rdates: tuple[date, ...] = ()
    exdates: tuple[date, ...] = ()

    def to_text(self) -> str:
        """The RFC 5545 lines for this recurrence; `parse_recurrence` reads them back."""
        lines = [f"RRULE:{self.rrule}"]
        if self.exdates:
            lines.append("EXDATE;VALUE=DATE:" + ",".join(_format_date(d) for d in self.exdates))
        if self.rdates:
            lines.append("RDATE;VALUE=DATE:" + ",".join(_format_date(d) for d in self.rdates))
        return "\n".join(lines)


# --- parsing -------------------------------------------------------------------------

# Extra (RDATE) or skipped (EXDATE) dates: enough for a school's closures over two academic
# years (the demo's school rules skip about 160 days), not a calendar typed out day by day.
MAX_DATES_PER_LIST = 250
# The rule itself (FREQ=...;BYDAY=...): a few parts, a few hundred characters at most.
MAX_RULE_LENGTH = 300
# Every 1000 days, weeks, months or years is already more than a rule can mean.
MAX_INTERVAL = 1000

_DAY_FREQUENCIES = ("DAILY", "WEEKLY", "MONTHLY", "YEARLY")
_SUB_DAILY_FREQUENCIES = ("HOURLY", "MINUTELY", "SECONDLY")
_SUB_DAILY_PARTS = ("BYHOUR", "BYMINUTE", "BYSECOND")
_SUB_DAILY_REFUSAL = "patrol rules recur by day; set times with the start anchor"
_WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")

# The normalised body lists the parts in this order: frequency, from the year down to the
# day, then the limits. Sub-daily parts are known only to be refused with a clear reason.
_ACCEPTED_PARTS = (
    "FREQ",
    "INTERVAL",
    "BYMONTH",
    "BYWEEKNO",
    "BYYEARDAY",
    "BYMONTHDAY",
    "BYDAY",
    "BYSETPOS",
    "WKST",
    "COUNT",
    "UNTIL",
)
_PART_ORDER = _ACCEPTED_PARTS + _SUB_DAILY_PARTS

# Signed integer lists: part -> (lowest absolute value, highest absolute value, signed?)
_INTEGER_LIST_RANGES = {
    "BYMONTH": (1, 12, False),
    "BYMONTHDAY": (1, 31, True),
    "BYYEARDAY": (1, 366, True),
    "BYWEEKNO": (1, 53, True),
    "BYSETPOS": (1, 366, True),
}

_DATE_VALUE = re.compile(r"(\d{4})(\d{2})(\d{2})(?:T(\d{2})(\d{2})(\d{2})Z?)?")
_BYDAY_VALUE = re.compile(r"([+-]?\d{1,2})?([A-Z]{2})")
_CONTENT_LINE = re.compile(r"([A-Za-z-]+)((?:;[^:]*)?):(.*)")


def parse_recurrence(text: str) -> Recurrence:
    """Parse and validate a recurrence, raising `RecurrenceError` naming the bad part.

    Accepts a bare rule (``FREQ=WEEKLY;BYDAY=SA``) or RFC 5545 content lines::

        RRULE:FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR
        EXDATE;VALUE=DATE:20261221,20261222
        RDATE:20261231

    EXDATE and RDATE may appear more than once; their values may be dates or
    date-times (reduced to their date).
    """
    if not text or not text.strip():
        raise RecurrenceError("RRULE", "empty: give a rule such as FREQ=WEEKLY;BYDAY=SA")

    # RFC 5545 line folding: a line break followed by a space or tab continues the line.
    unfolded = re.sub(r"\r?\n[ \t]", "", text)
    rule_bodies: list[str] = []
    rdates: set[date] = set()
    exdates: set[date] = set()
    for raw_line in unfolded.splitlines():
        line = raw_line.strip()
        if not line:
            continue
        if ":" not in line:
            rule_bodies.append(line)  # a bare rule body
            continue
        match = _CONTENT_LINE.fullmatch(line)
        if match is None:
            raise RecurrenceError("RRULE", f"cannot read the line {line!r}")
        name, parameters, value = match.group(1).upper(), match.group(2), match.group(3)
        if name == "RRULE":
            rule_bodies.append(value)
        elif name in ("EXDATE", "RDATE"):
            _check_date_list_parameters(name, parameters)
            target = exdates if name == "EXDATE" else rdates
            target.update(_parse_date(name, item) for item in value.split(","))
            if len(target) > MAX_DATES_PER_LIST:
                raise RecurrenceError(name, f"at most {MAX_DATES_PER_LIST} dates")
        else:
            raise RecurrenceError(name, "unknown property; expected RRULE, EXDATE or RDATE")

    if not rule_bodies:
        raise RecurrenceError("RRULE", "missing: EXDATE and RDATE need a rule to go with")
    if len(rule_bodies) > 1:
        raise RecurrenceError("RRULE", "only one rule is allowed; add single dates with RDATE")
    if len(rule_bodies[0]) > MAX_RULE_LENGTH:
        raise RecurrenceError("RRULE", f"longer than {MAX_RULE_LENGTH} characters")
    return Recurrence(
        rrule=_normalise_rule(rule_bodies[0]),
        rdates=tuple(sorted(rdates)),
        exdates=tuple(sorted(exdates)),
    )


def _check_date_list_parameters(name: str, parameters: str) -> None:
    for parameter in filter(None, parameters.split(";")):
        key, _, value = parameter.partition("=")
        if key.upper() == "VALUE" and value.upper() not in ("DATE", "DATE-TIME"):
            raise RecurrenceError(name, f"VALUE={value} is not supported; give dates")
        # TZID and other parameters are ignored: only the written date is kept.


def _parse_date(part: str, value: str) -> date:
    text = value.strip()
    match = _DATE_VALUE.fullmatch(text)
    if match is None:
        raise RecurrenceError(part, f"{text!r} is not a date; expected YYYYMMDD")
    year, month, day, hour, minute, second = match.groups()
    try:
        parsed = date(int(year), int(month), int(day))
        if hour is not None:
            time(int(hour), int(minute), min(int(second), 59))  # 60 is a leap second
    except ValueError:
        raise RecurrenceError(part, f"{text!r} is not a real date") from None
    if not MIN_YEAR <= parsed.year <= MAX_YEAR:
        raise RecurrenceError(part, f"{text!r} is out of range; dates from {MIN_YEAR} to {MAX_YEAR} only")
    return parsed


def _format_date(day: date) -> str:
    return f"{day.year:04d}{day.month:02d}{day.day:02d}"


@lru_cache(maxsize=512)
def _normalise_rule(body: str) -> str:
    """Validate a rule body part by part; return it in canonical form."""
    parts: dict[str, str] = {}
    for raw_part in body.strip().split(";"):
        piece = raw_part.strip()
        if not piece:
            continue  # tolerate "FREQ=DAILY;" and doubled semicolons
        name, equals, value = piece.partition("=")
        name, value = name.strip().upper(), value.strip().upper()
        if not equals:
            raise RecurrenceError(name or "RRULE", f"{piece!r} is not NAME=VALUE")
        if name not in _PART_ORDER:
            raise RecurrenceError(name or "RRULE", f"unknown rule part; expected one of {', '.join(_ACCEPTED_PARTS)}")
        if name in parts:
            raise RecurrenceError(name, "given more than once")
        if not value:
            raise RecurrenceError(name, "has no value")
        parts[name] = value

    if "FREQ" not in parts:
        raise RecurrenceError("FREQ", "missing: every rule needs one, e.g. FREQ=WEEKLY")
    freq = parts["FREQ"]
    if freq in _SUB_DAILY_FREQUENCIES:
        raise RecurrenceError("FREQ", f"{freq} is not allowed: {_SUB_DAILY_REFUSAL}")
    if freq not in _DAY_FREQUENCIES:
        raise RecurrenceError("FREQ", f"{freq!r} is not a frequency; expected one of {', '.join(_DAY_FREQUENCIES)}")
    for name in _SUB_DAILY_PARTS:
        if name in parts:
            raise RecurrenceError(name, f"not allowed: {_SUB_DAILY_REFUSAL}")
    if "COUNT" in parts and "UNTIL" in parts:
        raise RecurrenceError("COUNT/UNTIL", "give COUNT or UNTIL, not both")

    normalised = dict(parts)
    for name in ("INTERVAL", "COUNT"):
        if name in parts:
            normalised[name] = str(_positive_integer(name, parts[name]))
    if "INTERVAL" in parts and int(normalised["INTERVAL"]) > MAX_INTERVAL:
        raise RecurrenceError("INTERVAL", f"at most {MAX_INTERVAL}")
    if "UNTIL" in parts:
        normalised["UNTIL"] = _format_date(_parse_date("UNTIL", parts["UNTIL"]))
    if "WKST" in parts and parts["WKST"] not in _WEEKDAYS:
        raise RecurrenceError("WKST", f"{parts['WKST']!r} is not a weekday ({_weekday_list()})")
    if "BYDAY" in parts:
        normalised["BYDAY"] = _normalise_byday(parts["BYDAY"], freq, "BYWEEKNO" in parts)
    numbers: dict[str, list[int]] = {}
    for name, (low, high, signed) in _INTEGER_LIST_RANGES.items():
        if name in parts:
            numbers[name] = _integer_list(name, parts[name], low, high, signed)
            normalised[name] = ",".join(str(number) for number in numbers[name])

    _check_frequency_limits(freq, parts)
    _check_some_date_matches(numbers)

    canonical = ";".join(f"{name}={normalised[name]}" for name in _PART_ORDER if name in parts)
    try:
        rrulestr(canonical, dtstart=_date_carrier(date(2000, 1, 1)))
    except ValueError as error:
        raise RecurrenceError("RRULE", str(error)) from None
    return canonical


def _weekday_list() -> str:
    return ", ".join(_WEEKDAYS)


def _positive_integer(name: str, value: str) -> int:
    if not re.fullmatch(r"[0-9]{1,9}", value):
        raise RecurrenceError(name, f"{value[:20]!r} is not a whole number of at most 9 digits")
    number = int(value)
    if number < 1:
        raise RecurrenceError(name, f"must be at least 1, got {number}")
    return number


def _integer_list(name: str, value: str, low: int, high: int, signed: bool) -> list[int]:
    numbers = []
    for item in value.split(","):
        text = item.strip()
        if not re.fullmatch(r"[+-]?[0-9]{1,4}", text):
            raise RecurrenceError(name, f"{text!r} is not a whole number")
        number = int(text)
        if not (low <= abs(number) <= high) or (number < 0 and not signed):
            allowed = f"{low} to {high}" + (f" or -{high} to -{low}" if signed else "")
            raise RecurrenceError(name, f"{number} is out of range ({allowed})")
        numbers.append(number)
    return numbers


def _normalise_byday(value: str, freq: str, has_byweekno: bool) -> str:
    days = []
    for item in value.split(","):
        text = item.strip()
        match = _BYDAY_VALUE.fullmatch(text)
        if match is None or match.group(2) not in _WEEKDAYS:
            raise RecurrenceError("BYDAY", f"{text!r} is not a weekday ({_weekday_list()})")
        position, weekday = match.groups()
        if position is None:
            days.append(weekday)
            continue
        ordinal = int(position)
        limit = 53 if freq == "YEARLY" else 5
        if ordinal == 0 or abs(ordinal) > limit:
            raise RecurrenceError("BYDAY", f"position {ordinal} in {text!r} is out of range")
        if freq not in ("MONTHLY", "YEARLY") or has_byweekno:
            raise RecurrenceError(
                "BYDAY",
                f"{text!r} has a position, which only works with FREQ=MONTHLY or FREQ=YEARLY without BYWEEKNO",
            )
        days.append(f"{ordinal}{weekday}")
    return ",".join(days)


def _check_frequency_limits(freq: str, parts: dict[str, str]) -> None:
    # RFC 5545 §3.3.10: which BYxxx parts each frequency accepts.
    if "BYMONTHDAY" in parts and freq == "WEEKLY":
        raise RecurrenceError("BYMONTHDAY", "not allowed with FREQ=WEEKLY")
    if "BYYEARDAY" in parts and freq != "YEARLY":
        raise RecurrenceError("BYYEARDAY", f"only allowed with FREQ=YEARLY, not {freq}")
    if "BYWEEKNO" in parts and freq != "YEARLY":
        raise RecurrenceError("BYWEEKNO", f"only allowed with FREQ=YEARLY, not {freq}")
    if "BYSETPOS" in parts and not any(name.startswith("BY") and name != "BYSETPOS" for name in parts):
        raise RecurrenceError("BYSETPOS", "needs another BYxxx part to pick from")


def _check_some_date_matches(numbers: dict[str, list[int]]) -> None:
    """Refuse BYMONTH/BYMONTHDAY/BYYEARDAY combinations that match no date at all.

    Such a rule (``BYMONTH=2;BYMONTHDAY=30``) never occurs, and dateutil would
    search up to the year 9999 for an occurrence, taking seconds on every expansion.
    """
    involved = [name for name in ("BYMONTH", "BYMONTHDAY", "BYYEARDAY") if name in numbers]
    if len(involved) < 2:
        return
    months = set(numbers.get("BYMONTH", range(1, 13)))
    monthdays = numbers.get("BYMONTHDAY")
    yeardays = numbers.get("BYYEARDAY")
    for year in (2024, 2025):  # a leap year and a common year
        year_length = 366 if year == 2024 else 365
        day = date(year, 1, 1)
        for yearday in range(1, year_length + 1):
            if day.month in months:
                month_length = monthrange(year, day.month)[1]
                monthday_ok = monthdays is None or any(
                    n == day.day or n == day.day - month_length - 1 for n in monthdays
                )
                yearday_ok = yeardays is None or any(n == yearday or n == yearday - year_length - 1 for n in yeardays)
                if monthday_ok and yearday_ok:
                    return
            day += timedelta(days=1)
    raise RecurrenceError("/".join(involved), "no date matches them all, so the rule never occurs")


# --- expansion -------------------------------------------------------------------------


def _date_carrier(day: date) -> datetime:
    # dateutil works on datetimes; a naive midnight carries a plain date through it.
    # No wall-clock time is involved here, so no time zone (and no DST) applies.
    return datetime(day.year, day.month, day.day)  # noqa: DTZ001


@lru_cache(maxsize=1024)
def _rule(body: str, dtstart: date) -> rrule:
    try:
        parsed = rrulestr(_normalise_rule(body), dtstart=_date_carrier(dtstart))
    except ValueError as error:
        if isinstance(error, RecurrenceError):
            raise
        raise RecurrenceError("RRULE", str(error)) from None
    # One RRULE line without forceset: dateutil returns a plain rrule (a set only for several).
    if not isinstance(parsed, rrule):
        raise RecurrenceError("RRULE", "Give one RRULE.")
    return parsed


def occurrence_dates(recurrence: Recurrence, *, dtstart: date, start: date, end: date) -> list[date]:
    """The local dates of ``recurrence`` in ``[start, end]`` (inclusive), sorted and unique.

    The rule is anchored at ``dtstart`` (COUNT counts from there, even when that is
    before the window); RDATE dates in the window are added (even before ``dtstart``:
    they are explicit) and EXDATE dates removed.
    An empty window (``end < start``) has no dates.
    """
    if end < start:
        return []
    dates: set[date] = set()
    if dtstart <= end:
        rule = _rule(recurrence.rrule, dtstart)
        first = max(start, dtstart)
        dates.update(moment.date() for moment in rule.between(_date_carrier(first), _date_carrier(end), inc=True))
    dates.update(day for day in recurrence.rdates if start <= day <= end)
    dates.difference_update(recurrence.exdates)
    return sorted(dates)


def local_to_utc(day: date, wall_time: time, tz: str) -> datetime:
    """The aware UTC instant of ``wall_time`` on local date ``day`` in zone ``tz``.

    A time in the spring-forward gap moves forward by the gap's length; a time in
    the autumn overlap takes the first (earlier) instant. See the module docstring.
    ``wall_time`` must be naive (its ``fold`` is ignored); an unknown ``tz`` raises
    `zoneinfo.ZoneInfoNotFoundError`.
    """
    if wall_time.tzinfo is not None:
        raise ValueError("wall_time must be a naive wall-clock time")
    local = datetime.combine(day, wall_time.replace(fold=0), tzinfo=ZoneInfo(tz))
    return local.astimezone(UTC)
