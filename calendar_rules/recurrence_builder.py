"""The recurrence builder: a repeating rule as a duty planner fills it in, and back.

A planner chooses a frequency (daily, weekly, monthly), an interval, weekdays, how the
repetition ends (never, on a date, after a number of times) and single dates to skip or add;
`to_rrule` writes the RFC 5545 text the rule stores (`PatrolRule.recurrence`), and
`from_rrule` reads a stored text back into the builder's fields — or returns None when the
text says something the builder cannot show (a yearly rule, BYMONTH, BYSETPOS, ...), in which
case the page keeps the raw text in its "Advanced" field rather than losing part of it.

The two are inverses: for every `BuiltRecurrence` the builder accepts,
``from_rrule(to_rrule(built)) == built``; and a text the builder can show comes back from
``to_rrule(from_rrule(text))`` as the same recurrence in canonical form. The text is checked by
`recurrence.parse_recurrence`, which validates it part by part and with python-dateutil's
``rrulestr``, so the builder never writes a text the rest of the code would refuse.

Where the repetition starts is the rule's own first valid day (``valid_from``, its DTSTART),
not a field of the builder: a rule has one start date.

Pure module: no Django import, no clock.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from .recurrence import MAX_DATES_PER_LIST, MAX_INTERVAL, Recurrence, RecurrenceError, parse_recurrence

__all__ = [
    "FREQUENCIES",
    "MONTH_POSITIONS",
    "WEEKDAYS",
    "BuilderError",
    "BuiltRecurrence",
    "from_rrule",
    "to_rrule",
]

FREQUENCIES = ("daily", "weekly", "monthly")
# RFC 5545 weekday codes, Monday first (the order BYDAY is written in).
WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
# "The first ... fourth, or last <weekday> of the month"; a fifth one is missing from most months.
MONTH_POSITIONS = (1, 2, 3, 4, -1)
# The day of the month: 1..31, or -1 for the last day (a month without day 31 skips "31").
MONTH_DAYS = (*range(1, 32), -1)
# COUNT as parse_recurrence reads it: a whole number of at most nine digits.
MAX_COUNT = 999_999_999


class BuilderError(ValueError):
    """A builder field that cannot make a recurrence; ``field`` names it (a `BuiltRecurrence`
    attribute), so a form or the API can put the message next to the right input."""

    def __init__(self, field: str, message: str):
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


@dataclass(frozen=True, slots=True)
class BuiltRecurrence:
    """A recurrence as the builder holds it.

    - ``daily``: every ``interval`` days.
    - ``weekly``: on ``weekdays`` (at least one) every ``interval`` weeks.
    - ``monthly``: every ``interval`` months, on day ``month_day`` (-1: the last day), or on the
      ``month_position``-th ``month_weekday`` (-1: the last one) — exactly one of the two.

    It ends after ``count`` times or on ``until`` (inclusive), or never (both None);
    ``exdates`` are skipped, ``rdates`` added (both sorted, without repeats).
    """

    frequency: str
    interval: int = 1
    weekdays: tuple[str, ...] = ()
    month_day: int | None = None
    month_position: int | None = None
    month_weekday: str | None = None
    count: int | None = None
    until: date | None = None
    exdates: tuple[date, ...] = ()
    rdates: tuple[date, ...] = ()


# The rule part a parse error names -> the builder field that holds it.
_FIELD_OF_PART = {
    "INTERVAL": "interval",
    "BYDAY": "weekdays",
    "BYMONTHDAY": "month_day",
    "COUNT": "count",
    "UNTIL": "until",
    "EXDATE": "exdates",
    "RDATE": "rdates",
}


def to_rrule(built: BuiltRecurrence) -> str:
    """The RFC 5545 text of `built`: a bare RRULE body (``FREQ=WEEKLY;BYDAY=SA``) when there
    are no single dates, else ``RRULE:`` / ``EXDATE`` / ``RDATE`` lines. Raises `BuilderError`
    naming the field when the fields do not make a recurrence."""
    _check(built)
    parts = [f"FREQ={built.frequency.upper()}"]
    if built.interval != 1:
        parts.append(f"INTERVAL={built.interval}")
    if built.month_day is not None:
        parts.append(f"BYMONTHDAY={built.month_day}")
    if built.weekdays:
        parts.append("BYDAY=" + ",".join(built.weekdays))
    if built.month_position is not None:
        parts.append(f"BYDAY={built.month_position}{built.month_weekday}")
    if built.count is not None:
        parts.append(f"COUNT={built.count}")
    if built.until is not None:
        parts.append(f"UNTIL={built.until:%Y%m%d}")
    body = ";".join(parts)
    try:
        # Validates each part and, through dateutil's rrulestr, the rule as a whole.
        parsed = parse_recurrence(body)
    except RecurrenceError as error:
        raise BuilderError(_FIELD_OF_PART.get(error.part, "frequency"), error.message) from None
    if not (built.exdates or built.rdates):
        return parsed.rrule
    return Recurrence(rrule=parsed.rrule, rdates=built.rdates, exdates=built.exdates).to_text()


def from_rrule(text: str) -> BuiltRecurrence | None:
    """The builder's fields for a stored recurrence, or None when the text is not valid or
    says more than the builder can show (it then stays as raw text)."""
    try:
        recurrence = parse_recurrence(text)
    except RecurrenceError:
        return None
    parts = dict(part.split("=", 1) for part in recurrence.rrule.split(";"))
    frequency = parts.pop("FREQ").lower()
    if frequency not in FREQUENCIES:
        return None
    interval = int(parts.pop("INTERVAL", "1"))
    count = int(parts.pop("COUNT")) if "COUNT" in parts else None
    until = _read_date(parts.pop("UNTIL")) if "UNTIL" in parts else None
    byday = [day for day in parts.pop("BYDAY", "").split(",") if day]
    bymonthday = [int(day) for day in parts.pop("BYMONTHDAY", "").split(",") if day]
    if parts:  # BYMONTH, BYSETPOS, WKST, ...: more than the builder shows
        return None
    fields: dict = {}
    if frequency == "daily":
        if byday or bymonthday:
            return None
    elif frequency == "weekly":
        if not byday or any(day not in WEEKDAYS for day in byday):
            return None  # no weekday (it would come from the start date), or a position
        fields["weekdays"] = tuple(day for day in WEEKDAYS if day in byday)
    elif bymonthday and not byday:
        if len(bymonthday) != 1 or bymonthday[0] not in MONTH_DAYS:
            return None
        fields["month_day"] = bymonthday[0]
    elif byday and not bymonthday:
        if len(byday) != 1 or byday[0][-2:] == byday[0]:
            return None
        position = int(byday[0][:-2])
        if position not in MONTH_POSITIONS:
            return None
        fields["month_position"], fields["month_weekday"] = position, byday[0][-2:]
    else:
        return None  # a monthly rule on the start date's day, or on a day that is also a weekday
    if len(recurrence.exdates) > MAX_DATES_PER_LIST or len(recurrence.rdates) > MAX_DATES_PER_LIST:
        return None
    return BuiltRecurrence(
        frequency=frequency,
        interval=interval,
        count=count,
        until=until,
        exdates=recurrence.exdates,
        rdates=recurrence.rdates,
        **fields,
    )


def _read_date(value: str) -> date:
    return date(int(value[:4]), int(value[4:6]), int(value[6:8]))


def _check(built: BuiltRecurrence) -> None:
    """Refuse fields that do not make one recurrence, naming the field and saying why."""
    if built.frequency not in FREQUENCIES:
        raise BuilderError("frequency", f"choose one of: {', '.join(FREQUENCIES)}")
    if not isinstance(built.interval, int) or not 1 <= built.interval <= MAX_INTERVAL:
        raise BuilderError("interval", f"repeat every 1 to {MAX_INTERVAL}")
    unknown = [day for day in built.weekdays if day not in WEEKDAYS]
    if unknown:
        raise BuilderError("weekdays", f"{', '.join(unknown)} is not a weekday ({', '.join(WEEKDAYS)})")
    if list(built.weekdays) != [day for day in WEEKDAYS if day in built.weekdays]:
        raise BuilderError("weekdays", "give each weekday once, Monday first")
    by_day = built.month_day is not None
    by_weekday = built.month_position is not None or built.month_weekday is not None
    if built.frequency == "weekly":
        if not built.weekdays:
            raise BuilderError("weekdays", "choose at least one weekday")
    elif built.weekdays:
        raise BuilderError("weekdays", "weekdays are chosen only for a weekly rule")
    if built.frequency != "monthly" and (by_day or by_weekday):
        field = "month_day" if by_day else "month_position"
        raise BuilderError(field, "a day of the month is chosen only for a monthly rule")
    if built.frequency == "monthly":
        if by_day == by_weekday:
            raise BuilderError("month_day", "choose a day of the month, or a weekday of the month — one of them")
        if by_day and built.month_day not in MONTH_DAYS:
            raise BuilderError("month_day", "a day from 1 to 31, or -1 for the last day")
        if by_weekday and built.month_position not in MONTH_POSITIONS:
            raise BuilderError("month_position", "first to fourth (1–4), or -1 for the last")
        if by_weekday and built.month_weekday not in WEEKDAYS:
            raise BuilderError("month_weekday", f"choose a weekday ({', '.join(WEEKDAYS)})")
    if built.count is not None and built.until is not None:
        raise BuilderError("count", "end after a number of times or on a date, not both")
    if built.count is not None and not (isinstance(built.count, int) and 1 <= built.count <= MAX_COUNT):
        raise BuilderError("count", "at least once")
    for field in ("exdates", "rdates"):
        days: tuple[date, ...] = getattr(built, field)
        if list(days) != sorted(set(days)):
            raise BuilderError(field, "give each date once, in order")
        if len(days) > MAX_DATES_PER_LIST:
            raise BuilderError(field, f"at most {MAX_DATES_PER_LIST} dates")
    # The dates' range is checked by parse_recurrence when they are written.
    for field in ("exdates", "rdates"):
        if getattr(built, field):
            try:
                parse_recurrence(Recurrence(rrule="FREQ=DAILY", **{field: getattr(built, field)}).to_text())
            except RecurrenceError as error:
                raise BuilderError(field, error.message) from None
