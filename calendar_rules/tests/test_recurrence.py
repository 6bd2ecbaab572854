"""Recurrence rules: validation messages, expansion over date windows, and the DST policy."""

from datetime import UTC, date, datetime, time, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from calendar_rules.recurrence import (
    Recurrence,
    RecurrenceError,
    local_to_utc,
    occurrence_dates,
    parse_recurrence,
)

# ---- parsing ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("FREQ=DAILY", Recurrence("FREQ=DAILY"), id="bare rule"),
        pytest.param("RRULE:FREQ=WEEKLY;BYDAY=SA", Recurrence("FREQ=WEEKLY;BYDAY=SA"), id="with prefix"),
        pytest.param("freq=weekly;byday=sa", Recurrence("FREQ=WEEKLY;BYDAY=SA"), id="lower case"),
        pytest.param(" FREQ = DAILY ; INTERVAL = 02 ; ", Recurrence("FREQ=DAILY;INTERVAL=2"), id="spaces"),
        pytest.param(
            "UNTIL=20261231;BYDAY=MO,+1TU;INTERVAL=2;FREQ=MONTHLY",
            Recurrence("FREQ=MONTHLY;INTERVAL=2;BYDAY=MO,1TU;UNTIL=20261231"),
            id="canonical part order",
        ),
        pytest.param(
            "FREQ=DAILY;UNTIL=20261231T235959Z",
            Recurrence("FREQ=DAILY;UNTIL=20261231"),
            id="UNTIL date-time kept as its date",
        ),
        pytest.param(
            "RRULE:FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR\nEXDATE:20261225,20261224\nRDATE:20261231",
            Recurrence(
                "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR",
                rdates=(date(2026, 12, 31),),
                exdates=(date(2026, 12, 24), date(2026, 12, 25)),
            ),
            id="EXDATE and RDATE lines, sorted",
        ),
        pytest.param(
            "RRULE:FREQ=DAILY\r\nEXDATE;VALUE=DATE:20260101\r\nEXDATE;TZID=Europe/London:20260102T090000,20260101",
            Recurrence("FREQ=DAILY", exdates=(date(2026, 1, 1), date(2026, 1, 2))),
            id="repeated EXDATE, parameters, date-times, duplicates",
        ),
        pytest.param(
            "RRULE:FREQ=DAILY\nRDATE;VALUE=DATE-TIME:20260301T120000Z",
            Recurrence("FREQ=DAILY", rdates=(date(2026, 3, 1),)),
            id="RDATE date-time kept as its date",
        ),
        pytest.param(
            "RRULE:FREQ=WEEKLY;\n BYDAY=SA",
            Recurrence("FREQ=WEEKLY;BYDAY=SA"),
            id="folded line",
        ),
        pytest.param(
            "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29",
            Recurrence("FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29"),
            id="29 February exists in leap years",
        ),
        pytest.param(
            "FREQ=MONTHLY;BYDAY=FR;BYMONTHDAY=-7,-6,-5,-4,-3,-2,-1",
            Recurrence("FREQ=MONTHLY;BYMONTHDAY=-7,-6,-5,-4,-3,-2,-1;BYDAY=FR"),
            id="negative month days",
        ),
        pytest.param(
            "FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1",
            Recurrence("FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1"),
            id="last weekday of the month",
        ),
    ],
)
def test_parse_accepts_and_normalises(text, expected):
    assert parse_recurrence(text) == expected


def test_to_text_reads_back_as_the_same_recurrence():
    recurrence = parse_recurrence("RRULE:FREQ=WEEKLY;BYDAY=SA\nEXDATE:20261226\nRDATE:20261225,20261231")
    assert recurrence.to_text() == (
        "RRULE:FREQ=WEEKLY;BYDAY=SA\nEXDATE;VALUE=DATE:20261226\nRDATE;VALUE=DATE:20261225,20261231"
    )
    assert parse_recurrence(recurrence.to_text()) == recurrence


SUB_DAILY = "patrol rules recur by day; set times with the start anchor"


@pytest.mark.parametrize(
    ("text", "part", "why"),
    [
        ("", "RRULE", "empty"),
        ("  \n ", "RRULE", "empty"),
        ("BYDAY=SA", "FREQ", "missing"),
        ("FREQ=FORTNIGHTLY", "FREQ", "not a frequency"),
        ("FREQ=HOURLY", "FREQ", SUB_DAILY),
        ("FREQ=MINUTELY", "FREQ", SUB_DAILY),
        ("FREQ=SECONDLY", "FREQ", SUB_DAILY),
        ("FREQ=DAILY;BYHOUR=9", "BYHOUR", SUB_DAILY),
        ("FREQ=DAILY;BYMINUTE=30", "BYMINUTE", SUB_DAILY),
        ("FREQ=DAILY;BYSECOND=0", "BYSECOND", SUB_DAILY),
        ("FREQ=WEEKLY;BYDAY=XX", "BYDAY", "'XX' is not a weekday"),
        ("FREQ=WEEKLY;BYDAY=SA,SATURDAY", "BYDAY", "'SATURDAY' is not a weekday"),
        ("FREQ=WEEKLY;BYDAY=", "BYDAY", "no value"),
        ("FREQ=WEEKLY;BYDAY=1SA", "BYDAY", "has a position"),
        ("FREQ=YEARLY;BYWEEKNO=1;BYDAY=1SA", "BYDAY", "has a position"),
        ("FREQ=MONTHLY;BYDAY=6SA", "BYDAY", "position 6"),
        ("FREQ=MONTHLY;BYDAY=0SA", "BYDAY", "position 0"),
        ("FREQ=DAILY;COUNT=3;UNTIL=20261231", "COUNT/UNTIL", "not both"),
        ("FREQ=DAILY;FOO=1", "FOO", "unknown rule part"),
        ("FREQ=DAILY;BYEASTER=0", "BYEASTER", "unknown rule part"),
        ("FREQ=DAILY;BYDAY", "BYDAY", "not NAME=VALUE"),
        ("FREQ=DAILY;FREQ=WEEKLY", "FREQ", "more than once"),
        ("FREQ=DAILY;INTERVAL=two", "INTERVAL", "not a whole number"),
        ("FREQ=DAILY;INTERVAL=1.5", "INTERVAL", "not a whole number"),
        ("FREQ=DAILY;INTERVAL=-1", "INTERVAL", "not a whole number"),
        ("FREQ=DAILY;INTERVAL=0", "INTERVAL", "at least 1"),
        ("FREQ=DAILY;COUNT=ten", "COUNT", "not a whole number"),
        ("FREQ=DAILY;COUNT=0", "COUNT", "at least 1"),
        ("FREQ=YEARLY;BYMONTH=13", "BYMONTH", "13 is out of range (1 to 12)"),
        ("FREQ=YEARLY;BYMONTH=0", "BYMONTH", "out of range"),
        ("FREQ=YEARLY;BYMONTH=-1", "BYMONTH", "out of range"),
        ("FREQ=YEARLY;BYMONTH=jan", "BYMONTH", "not a whole number"),
        ("FREQ=MONTHLY;BYMONTHDAY=32", "BYMONTHDAY", "32 is out of range (1 to 31 or -31 to -1)"),
        ("FREQ=MONTHLY;BYMONTHDAY=0", "BYMONTHDAY", "out of range"),
        ("FREQ=MONTHLY;BYMONTHDAY=-32", "BYMONTHDAY", "out of range"),
        ("FREQ=WEEKLY;BYMONTHDAY=1", "BYMONTHDAY", "not allowed with FREQ=WEEKLY"),
        ("FREQ=YEARLY;BYYEARDAY=367", "BYYEARDAY", "out of range"),
        ("FREQ=DAILY;BYYEARDAY=1", "BYYEARDAY", "only allowed with FREQ=YEARLY"),
        ("FREQ=MONTHLY;BYWEEKNO=1", "BYWEEKNO", "only allowed with FREQ=YEARLY"),
        ("FREQ=YEARLY;BYWEEKNO=54", "BYWEEKNO", "out of range"),
        ("FREQ=MONTHLY;BYSETPOS=1", "BYSETPOS", "needs another BYxxx"),
        ("FREQ=MONTHLY;BYDAY=MO;BYSETPOS=0", "BYSETPOS", "out of range"),
        ("FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30", "BYMONTH/BYMONTHDAY", "never occurs"),
        ("FREQ=MONTHLY;BYMONTH=4,6,9,11;BYMONTHDAY=31", "BYMONTH/BYMONTHDAY", "never occurs"),
        ("FREQ=YEARLY;BYMONTH=1;BYYEARDAY=100", "BYMONTH/BYYEARDAY", "never occurs"),
        ("FREQ=WEEKLY;WKST=XX", "WKST", "not a weekday"),
        ("FREQ=DAILY;UNTIL=2026-12-31", "UNTIL", "not a date; expected YYYYMMDD"),
        ("FREQ=DAILY;UNTIL=20260230", "UNTIL", "not a real date"),
        ("FREQ=DAILY;UNTIL=20260101T250000Z", "UNTIL", "not a real date"),
        ("RRULE:FREQ=DAILY\nEXDATE:20261332", "EXDATE", "'20261332' is not a real date"),
        ("RRULE:FREQ=DAILY\nEXDATE:Christmas", "EXDATE", "not a date"),
        ("RRULE:FREQ=DAILY\nEXDATE:20261225,", "EXDATE", "not a date"),
        ("RRULE:FREQ=DAILY\nRDATE:20260431", "RDATE", "not a real date"),
        ("RRULE:FREQ=DAILY\nRDATE;VALUE=PERIOD:20260101T090000Z/PT1H", "RDATE", "VALUE=PERIOD"),
        ("EXDATE:20261225", "RRULE", "missing"),
        ("RRULE:FREQ=DAILY\nRRULE:FREQ=WEEKLY", "RRULE", "only one rule"),
        ("RRULE:FREQ=DAILY\nDTSTART:20260101", "DTSTART", "unknown property"),
        ("RRULE:FREQ=DAILY\n:20260101", "RRULE", "cannot read"),
    ],
)
def test_invalid_rule_names_the_part_and_says_why(text, part, why):
    with pytest.raises(RecurrenceError) as caught:
        parse_recurrence(text)
    error = caught.value
    assert error.part == part
    assert str(error).startswith(f"{part}: ")
    assert why in str(error)


def test_recurrence_error_is_a_value_error_with_the_part_in_its_text():
    error = RecurrenceError("BYDAY", "'XX' is not a weekday")
    assert isinstance(error, ValueError)
    assert str(error) == "BYDAY: 'XX' is not a weekday"
    assert (error.part, error.message) == ("BYDAY", "'XX' is not a weekday")


def test_errors_dateutil_finds_are_wrapped_as_recurrence_errors(monkeypatch):
    from calendar_rules import recurrence as module

    def refuse(*args, **kwargs):
        raise ValueError("something dateutil dislikes")

    module._normalise_rule.cache_clear()
    monkeypatch.setattr(module, "rrulestr", refuse)
    with pytest.raises(RecurrenceError, match=r"^RRULE: something dateutil dislikes$"):
        parse_recurrence("FREQ=WEEKLY;BYDAY=TU;INTERVAL=3")
    module._normalise_rule.cache_clear()


# ---- expansion -------------------------------------------------------------------------------


def days(*pairs):
    """Dates in 2026 from (month, day) pairs."""
    return [date(2026, month, day) for month, day in pairs]


SCHOOL_DAYS_WITH_HALF_TERM = (
    "RRULE:FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR\nEXDATE;VALUE=DATE:20260216,20260217,20260218,20260219,20260220"
)


@pytest.mark.parametrize(
    ("text", "dtstart", "start", "end", "expected"),
    [
        pytest.param(
            "FREQ=DAILY",
            date(2026, 1, 1),
            date(2026, 3, 1),
            date(2026, 3, 4),
            days((3, 1), (3, 2), (3, 3), (3, 4)),
            id="daily, window inclusive at both ends",
        ),
        pytest.param(
            "FREQ=WEEKLY;BYDAY=SA",
            date(2026, 1, 1),
            date(2026, 3, 1),
            date(2026, 3, 31),
            days((3, 7), (3, 14), (3, 21), (3, 28)),
            id="weekly on Saturday",
        ),
        pytest.param(
            "FREQ=WEEKLY",
            date(2026, 3, 6),
            date(2026, 3, 1),
            date(2026, 3, 31),
            days((3, 6), (3, 13), (3, 20), (3, 27)),
            id="weekly without BYDAY takes dtstart's weekday",
        ),
        pytest.param(
            "FREQ=WEEKLY;INTERVAL=2;BYDAY=SA",
            date(2026, 3, 7),
            date(2026, 3, 1),
            date(2026, 4, 30),
            days((3, 7), (3, 21), (4, 4), (4, 18)),
            id="fortnightly from dtstart",
        ),
        pytest.param(
            SCHOOL_DAYS_WITH_HALF_TERM,
            date(2026, 1, 5),
            date(2026, 2, 12),
            date(2026, 2, 24),
            days((2, 12), (2, 13), (2, 23), (2, 24)),
            id="weekdays without the half-term holiday (EXDATE)",
        ),
        pytest.param(
            "FREQ=MONTHLY;BYMONTHDAY=1,-1",
            date(2026, 1, 1),
            date(2026, 1, 1),
            date(2026, 3, 31),
            days((1, 1), (1, 31), (2, 1), (2, 28), (3, 1), (3, 31)),
            id="monthly, first and last day",
        ),
        pytest.param(
            "FREQ=MONTHLY;BYDAY=1FR",
            date(2026, 1, 1),
            date(2026, 1, 1),
            date(2026, 4, 30),
            days((1, 2), (2, 6), (3, 6), (4, 3)),
            id="monthly, first Friday",
        ),
        pytest.param(
            "FREQ=WEEKLY;BYDAY=SA;COUNT=10",
            date(2026, 1, 1),
            date(2026, 3, 1),
            date(2026, 3, 31),
            days((3, 7)),
            id="COUNT counts from dtstart before the window",
        ),
        pytest.param(
            "FREQ=WEEKLY;BYDAY=SA;COUNT=4",
            date(2026, 1, 1),
            date(2026, 3, 1),
            date(2026, 3, 31),
            [],
            id="COUNT used up before the window",
        ),
        pytest.param(
            "RRULE:FREQ=DAILY;COUNT=3\nEXDATE:20260302",
            date(2026, 3, 1),
            date(2026, 3, 1),
            date(2026, 3, 31),
            days((3, 1), (3, 3)),
            id="EXDATE does not extend COUNT",
        ),
        pytest.param(
            "FREQ=DAILY;UNTIL=20260310",
            date(2026, 1, 1),
            date(2026, 3, 8),
            date(2026, 3, 31),
            days((3, 8), (3, 9), (3, 10)),
            id="UNTIL mid-window, inclusive",
        ),
        pytest.param(
            "FREQ=DAILY;UNTIL=20260310T000000Z",
            date(2026, 1, 1),
            date(2026, 3, 8),
            date(2026, 3, 31),
            days((3, 8), (3, 9), (3, 10)),
            id="UNTIL date-time counts as its whole date",
        ),
        pytest.param(
            "FREQ=DAILY",
            date(2026, 3, 20),
            date(2026, 3, 1),
            date(2026, 3, 22),
            days((3, 20), (3, 21), (3, 22)),
            id="dtstart mid-window",
        ),
        pytest.param(
            "FREQ=DAILY",
            date(2026, 4, 1),
            date(2026, 3, 1),
            date(2026, 3, 31),
            [],
            id="dtstart after the window",
        ),
        pytest.param(
            "FREQ=DAILY",
            date(2026, 1, 1),
            date(2026, 3, 5),
            date(2026, 3, 4),
            [],
            id="empty window",
        ),
        pytest.param(
            "FREQ=WEEKLY;BYDAY=SA",
            date(2026, 1, 1),
            date(2026, 3, 2),
            date(2026, 3, 6),
            [],
            id="window with no occurrence",
        ),
        pytest.param(
            "RRULE:FREQ=WEEKLY;BYDAY=SA\nRDATE:20260303,20260307,20260501",
            date(2026, 1, 1),
            date(2026, 3, 1),
            date(2026, 3, 14),
            days((3, 3), (3, 7), (3, 14)),
            id="RDATE adds an extra date, once, inside the window only",
        ),
        pytest.param(
            "RRULE:FREQ=WEEKLY;BYDAY=SA\nRDATE:20260303\nEXDATE:20260303,20260307",
            date(2026, 1, 1),
            date(2026, 3, 1),
            date(2026, 3, 14),
            days((3, 14)),
            id="EXDATE removes rule and RDATE dates",
        ),
        pytest.param(
            "FREQ=WEEKLY;BYDAY=SU",
            date(2026, 3, 1),
            date(2026, 3, 28),
            date(2026, 4, 5),
            days((3, 29), (4, 5)),
            id="across the spring clock change",
        ),
        pytest.param(
            "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29",
            date(2024, 1, 1),
            date(2024, 1, 1),
            date(2028, 12, 31),
            [date(2024, 2, 29), date(2028, 2, 29)],
            id="29 February in leap years only",
        ),
    ],
)
def test_occurrence_dates(text, dtstart, start, end, expected):
    assert occurrence_dates(parse_recurrence(text), dtstart=dtstart, start=start, end=end) == expected


def test_occurrence_dates_refuses_an_invalid_rule_built_by_hand():
    with pytest.raises(RecurrenceError, match=r"^FREQ: HOURLY is not allowed"):
        occurrence_dates(
            Recurrence("FREQ=HOURLY"), dtstart=date(2026, 1, 1), start=date(2026, 1, 1), end=date(2026, 1, 2)
        )


def test_a_long_daily_window_is_every_day_once():
    result = occurrence_dates(
        parse_recurrence("FREQ=DAILY"), dtstart=date(2020, 1, 1), start=date(2026, 1, 1), end=date(2026, 12, 31)
    )
    assert len(result) == 365
    assert result == sorted(set(result))
    assert all(b - a == timedelta(days=1) for a, b in zip(result, result[1:], strict=False))


# ---- time zones and DST ----------------------------------------------------------------------


def utc(*args: int) -> datetime:
    return datetime(*args).replace(tzinfo=UTC)


@pytest.mark.parametrize(
    ("day", "wall_time", "tz", "expected"),
    [
        pytest.param(date(2026, 1, 10), time(9, 0), "Europe/London", utc(2026, 1, 10, 9, 0), id="winter, GMT"),
        pytest.param(date(2026, 7, 11), time(9, 0), "Europe/London", utc(2026, 7, 11, 8, 0), id="summer, BST"),
        pytest.param(
            date(2026, 3, 29),
            time(0, 59),
            "Europe/London",
            utc(2026, 3, 29, 0, 59),
            id="spring night, just before the gap",
        ),
        pytest.param(
            date(2026, 3, 29),
            time(1, 30),
            "Europe/London",
            utc(2026, 3, 29, 1, 30),
            id="spring night, 01:30 does not exist: moved forward to 02:30 BST",
        ),
        pytest.param(
            date(2026, 3, 29),
            time(1, 0),
            "Europe/London",
            utc(2026, 3, 29, 1, 0),
            id="spring night, 01:00 does not exist: 02:00 BST",
        ),
        pytest.param(
            date(2026, 3, 29),
            time(2, 0),
            "Europe/London",
            utc(2026, 3, 29, 1, 0),
            id="spring night, 02:00 BST exists",
        ),
        pytest.param(
            date(2026, 10, 25),
            time(1, 30),
            "Europe/London",
            utc(2026, 10, 25, 0, 30),
            id="autumn night, 01:30 happens twice: the first, BST",
        ),
        pytest.param(
            date(2026, 10, 25),
            time(2, 0),
            "Europe/London",
            utc(2026, 10, 25, 2, 0),
            id="autumn night, 02:00 GMT after the overlap",
        ),
        pytest.param(
            date(2026, 10, 25),
            time(0, 30),
            "Europe/London",
            utc(2026, 10, 24, 23, 30),
            id="autumn night, before the overlap: previous UTC date",
        ),
        pytest.param(
            date(2026, 3, 8),
            time(2, 30),
            "America/New_York",
            utc(2026, 3, 8, 7, 30),
            id="another zone's gap: 02:30 becomes 03:30 EDT",
        ),
        pytest.param(
            date(2026, 11, 1),
            time(1, 30),
            "America/New_York",
            utc(2026, 11, 1, 5, 30),
            id="another zone's overlap: the first 01:30, EDT",
        ),
    ],
)
def test_local_to_utc(day, wall_time, tz, expected):
    result = local_to_utc(day, wall_time, tz)
    assert result == expected
    assert result.tzinfo is UTC


def test_a_patrol_on_the_spring_night_is_not_dropped_and_keeps_its_order():
    # 00:30, 01:30 (in the gap) and 02:30 stay distinct and in order; 01:30 and 02:30 coincide
    # as instants (both 01:30 UTC), which is the price of never dropping a patrol.
    times = [local_to_utc(date(2026, 3, 29), time(h, 30), "Europe/London") for h in (0, 1, 2)]
    assert times == [utc(2026, 3, 29, 0, 30), utc(2026, 3, 29, 1, 30), utc(2026, 3, 29, 1, 30)]


def test_fold_of_the_given_time_is_ignored():
    assert local_to_utc(date(2026, 10, 25), time(1, 30, fold=1), "Europe/London") == utc(2026, 10, 25, 0, 30)


def test_an_aware_wall_time_is_refused():
    with pytest.raises(ValueError, match="naive"):
        local_to_utc(date(2026, 1, 1), time(9, 0, tzinfo=UTC), "Europe/London")


def test_an_unknown_time_zone_is_refused():
    from zoneinfo import ZoneInfoNotFoundError

    with pytest.raises(ZoneInfoNotFoundError):
        local_to_utc(date(2026, 1, 1), time(9, 0), "Europe/Hertsmere")


def test_a_weekly_rule_over_both_clock_changes_keeps_its_wall_time():
    recurrence = parse_recurrence("FREQ=WEEKLY;BYDAY=SU")
    dates = occurrence_dates(recurrence, dtstart=date(2026, 1, 1), start=date(2026, 3, 22), end=date(2026, 11, 1))
    instants = {day: local_to_utc(day, time(1, 30), "Europe/London") for day in dates}
    assert instants[date(2026, 3, 22)] == utc(2026, 3, 22, 1, 30)  # GMT
    assert instants[date(2026, 3, 29)] == utc(2026, 3, 29, 1, 30)  # gap: 02:30 BST
    assert instants[date(2026, 4, 5)] == utc(2026, 4, 5, 0, 30)  # BST
    assert instants[date(2026, 10, 25)] == utc(2026, 10, 25, 0, 30)  # overlap: first, BST
    assert instants[date(2026, 11, 1)] == utc(2026, 11, 1, 1, 30)  # GMT


# ---- windows compose -------------------------------------------------------------------------

RULES = [
    "FREQ=DAILY",
    "FREQ=DAILY;INTERVAL=3",
    "FREQ=WEEKLY;BYDAY=SA",
    "FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,FR;COUNT=9",
    "FREQ=MONTHLY;BYDAY=-1SU",
    "FREQ=MONTHLY;BYMONTHDAY=31;UNTIL=20270101",
    "RRULE:FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR\nEXDATE:20260105,20260106\nRDATE:20260103,20260110",
]


@settings(max_examples=100, deadline=None)
@given(
    text=st.sampled_from(RULES),
    dtstart=st.dates(date(2025, 11, 1), date(2026, 3, 1)),
    start=st.dates(date(2025, 12, 1), date(2026, 6, 1)),
    lengths=st.tuples(st.integers(0, 60), st.integers(0, 60)),
)
def test_a_window_split_in_two_expands_to_the_same_dates(text, dtstart, start, lengths):
    recurrence = parse_recurrence(text)
    middle = start + timedelta(days=lengths[0])
    end = middle + timedelta(days=1 + lengths[1])
    whole = occurrence_dates(recurrence, dtstart=dtstart, start=start, end=end)
    first = occurrence_dates(recurrence, dtstart=dtstart, start=start, end=middle)
    second = occurrence_dates(recurrence, dtstart=dtstart, start=middle + timedelta(days=1), end=end)
    assert whole == first + second
    assert whole == sorted(set(whole))
    assert all(start <= day <= end for day in whole)
