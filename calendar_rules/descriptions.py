"""A patrol rule as a sentence a duty planner reads: "Every Saturday, 10:00–12:00", "Each evening
of Chanukah, from candle-lighting for 2 hours", "Yom Tov and Shabbat during the morning service".

`describe(rule)` reads the fields every rule has (a `PatrolRule`, saved or not, fits the
`DescribedRule` protocol) and says when it patrols, its window, and the conditions that narrow
it: only while the area's alert level is raised, only at sites of some risk tiers. A repeating
rule the recurrence builder can show is worded from the builder's fields; one it cannot (a
yearly rule, BYSETPOS, ...) is quoted as its RRULE, since a guess would be worse than the text.

Pure module: no Django import, no clock. The choice values are the models' (`Trigger`,
`Anchor`, `Timing`, `ServicePart`), written here as the strings they store.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date, time
from typing import Protocol

from . import jewish_calendar
from .recurrence_builder import BuiltRecurrence, from_rrule

__all__ = ["DescribedRule", "describe", "describe_recurrence"]


class DescribedRule(Protocol):
    trigger: str
    recurrence: str
    observance_categories: Sequence[str]
    observance_keys: Sequence[str]
    periods: Sequence[str]
    timing: str
    start_anchor: str
    start_time: time | None
    start_offset_minutes: int
    duration_minutes: int | None
    end_anchor: str
    end_time: time | None
    end_offset_minutes: int
    service_part: str
    site_selection: str
    site_risk_tiers: Sequence[int]
    surge_only: bool


_WEEKDAY_NAMES = {
    "MO": "Monday",
    "TU": "Tuesday",
    "WE": "Wednesday",
    "TH": "Thursday",
    "FR": "Friday",
    "SA": "Saturday",
    "SU": "Sunday",
}
_POSITION_NAMES = {1: "first", 2: "second", 3: "third", 4: "fourth", -1: "last"}
_ANCHOR_NAMES = {"sunset": "sunset", "candle_lighting": "candle-lighting", "nightfall": "nightfall"}
# How a category reads in a sentence ("Yom Tov and Shabbat"); Yom Tov is named first, as a
# planner says it, then the calendar's own order.
_CATEGORY_WORDS = {
    "yom_tov": "Yom Tov",
    "shabbat": "Shabbat",
    "chol_hamoed": "Chol HaMoed",
    "erev": "the eve of each festival",
    "minor": "the minor festivals",
    "fast": "fast days",
    "rosh_chodesh": "Rosh Chodesh",
    "modern": "the modern observances",
}
# Observances whose days a planner names together: all eight days of Chanukah are "Chanukah".
_FAMILIES = {"Chanukah": tuple(f"chanukah_{day}" for day in range(1, 9))}
_NUMBERED_DAY = re.compile(r"(.+) ([IVX]+)")


def describe(rule: DescribedRule) -> str:
    """The rule as one sentence: when, the window, and what narrows it."""
    when = _when(rule)
    window = _window(rule)
    sentence = f"{when} {window}" if window.startswith("during ") else f"{when}, {window}"
    if rule.site_selection == "kinds" and rule.site_risk_tiers:
        sentence += f", at {_join([f'tier-{tier}' for tier in sorted(rule.site_risk_tiers)])} sites"
    if rule.surge_only:
        sentence += ", while the alert level is raised"
    return sentence


# ---- when --------------------------------------------------------------------------------------


def _when(rule: DescribedRule) -> str:
    if rule.trigger == "rrule":
        return describe_recurrence(rule.recurrence or "")
    observances = _observances(rule)
    periods = _join([jewish_calendar.PERIODS.get(key, key) for key in rule.periods], "or")
    if not observances:
        return f"Every day of the {periods}" if periods else "No observance chosen"
    text = f"Each evening of {observances}" if rule.timing == "evening" else _capitalise(observances)
    return f"{text} in the {periods}" if periods else text


def _observances(rule: DescribedRule) -> str:
    names = [_CATEGORY_WORDS.get(key, key) for key in _CATEGORY_WORDS if key in rule.observance_categories]
    keys = list(rule.observance_keys)
    for family, members in _FAMILIES.items():
        if set(members) <= set(keys):
            names.append(family)
            keys = [key for key in keys if key not in members]
    kinds = jewish_calendar.OBSERVANCE_KINDS
    # Days of one festival read together: "Pesach I, II, VII and VIII", "Rosh Hashanah I and II".
    days: dict[str, list[str]] = {}
    for key in keys:
        name = kinds[key].name if key in kinds else key
        match = _NUMBERED_DAY.fullmatch(name)
        stem, numeral = match.groups() if match else (name, "")
        if stem not in days:
            days[stem] = []
            names.append(stem)
        if numeral:
            days[stem].append(numeral)
    return _join([f"{name} {_join(days[name])}" if days.get(name) else name for name in names])


def describe_recurrence(text: str) -> str:
    """A repeating rule's dates in words ("Every other Saturday, 10 times"); the RRULE itself
    when the builder cannot show it."""
    built = from_rrule(text)
    if built is None:
        lines = [line.strip() for line in text.splitlines() if line.strip()]
        return f"Repeating by the rule {lines[0].removeprefix('RRULE:')}" if lines else "No recurrence given"
    words = _repeat(built)
    if built.count is not None:
        words += ", once" if built.count == 1 else f", {built.count} times"
    if built.until is not None:
        words += f", until {_day(built.until)}"
    if built.exdates:
        words += f", except {_dates(built.exdates)}"
    if built.rdates:
        words += f", and also {_dates(built.rdates)}"
    return words


def _repeat(built: BuiltRecurrence) -> str:
    interval = built.interval
    if built.frequency == "daily":
        return "Every day" if interval == 1 else "Every other day" if interval == 2 else f"Every {interval} days"
    if built.frequency == "weekly":
        if built.weekdays == ("MO", "TU", "WE", "TH", "FR"):
            days = "weekday (Monday to Friday)"
        elif len(built.weekdays) == 7:
            days = "day"
        else:
            days = _join([_WEEKDAY_NAMES[day] for day in built.weekdays])
        if interval == 1:
            return f"Every {days}"
        return f"Every other {days}" if interval == 2 else f"Every {interval} weeks on {_plural_days(days)}"
    if built.month_day is not None:
        day = "the last day" if built.month_day == -1 else f"the {_ordinal(built.month_day)}"
    else:
        day = f"the {_POSITION_NAMES[built.month_position or 1]} {_WEEKDAY_NAMES[built.month_weekday or 'MO']}"
    months = "month" if interval == 1 else "other month" if interval == 2 else f"{interval} months"
    return f"On {day} of every {months}"


def _plural_days(days: str) -> str:
    return {"day": "every day", "weekday (Monday to Friday)": "weekdays"}.get(days, days)


# ---- the window --------------------------------------------------------------------------------


def _window(rule: DescribedRule) -> str:
    start_anchor, end_anchor = rule.start_anchor, rule.end_anchor or ""
    start_offset, end_offset = rule.start_offset_minutes or 0, rule.end_offset_minutes or 0
    service = f"the {rule.service_part or 'chosen'} service"
    if start_anchor == "service" and end_anchor == "service":
        if not start_offset and not end_offset:
            return f"during {service}"
        start = _offset(start_offset, f"the start of {service}")
        return f"from {start} until {_offset(end_offset, 'its end')}"
    if start_anchor == "time" and rule.start_time is not None:
        start_minutes = _minutes(rule.start_time) + start_offset
        if rule.duration_minutes:
            return _clock_range(start_minutes, start_minutes + rule.duration_minutes)
        if end_anchor == "time" and rule.end_time is not None:
            return _clock_range(start_minutes, _minutes(rule.end_time) + end_offset)
        start = _clock(start_minutes)
    elif start_anchor == "service":
        start = _offset(start_offset, f"the start of {service}")
    else:
        start = _offset(start_offset, _ANCHOR_NAMES.get(start_anchor, start_anchor))
    if rule.duration_minutes:
        return f"from {start} for {_length(rule.duration_minutes)}"
    if end_anchor == "time" and rule.end_time is not None:
        end = _clock(_minutes(rule.end_time) + end_offset)
    elif end_anchor == "service":
        end = _offset(end_offset, f"the end of {service}")
    else:
        end = _offset(end_offset, _ANCHOR_NAMES.get(end_anchor, end_anchor or "?"))
    return f"from {start} until {end}"


def _minutes(clock: time) -> int:
    return clock.hour * 60 + clock.minute


def _clock(minutes: int) -> str:
    minutes %= 24 * 60
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def _clock_range(start: int, end: int) -> str:
    # A window that ends at or before its start runs past midnight (a night patrol).
    overnight = end // (24 * 60) > start // (24 * 60) or (end % (24 * 60)) <= (start % (24 * 60))
    return f"{_clock(start)}–{_clock(end)}" + (" the next day" if overnight else "")


def _offset(minutes: int, anchor: str) -> str:
    if not minutes:
        return anchor
    return f"{_length(abs(minutes))} {'before' if minutes < 0 else 'after'} {anchor}"


def _length(minutes: int) -> str:
    hours, rest = divmod(minutes, 60)
    if not hours or (hours == 1 and rest):
        return f"{minutes} minutes" if minutes != 1 else "1 minute"
    text = "1 hour" if hours == 1 else f"{hours} hours"
    return f"{text} {rest} minutes" if rest else text


# ---- words -------------------------------------------------------------------------------------


def _join(items: Sequence[str], conjunction: str = "and") -> str:
    items = list(items)
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} {conjunction} {items[-1]}"


def _capitalise(text: str) -> str:
    return text[:1].upper() + text[1:]


def _ordinal(number: int) -> str:
    suffix = "th" if 10 <= number % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(number % 10, "th")
    return f"{number}{suffix}"


def _day(day: date) -> str:
    return f"{day.day} {day:%b %Y}"


def _dates(days: Sequence[date]) -> str:
    if len(days) <= 3:
        return _join([_day(day) for day in days])
    return f"{len(days)} dates"
