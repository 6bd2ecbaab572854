"""The recurrence builder: every combination of its fields round-trips through the RRULE text,
texts it cannot show are left to the raw field, and bad fields are refused naming the field."""

from dataclasses import replace
from datetime import date
from itertools import chain, combinations, product

import pytest
from dateutil.rrule import rrulestr

from calendar_rules.recurrence import Recurrence, occurrence_dates, parse_recurrence
from calendar_rules.recurrence_builder import (
    MONTH_DAYS,
    MONTH_POSITIONS,
    WEEKDAYS,
    BuilderError,
    BuiltRecurrence,
    from_rrule,
    to_rrule,
)

# ---- every combination round-trips ---------------------------------------------------------------

WEEKDAY_SETS = [
    tuple(days) for days in chain.from_iterable(combinations(WEEKDAYS, size) for size in range(1, len(WEEKDAYS) + 1))
]
REPEATS = [
    *(BuiltRecurrence("daily"),),
    *(BuiltRecurrence("weekly", weekdays=days) for days in WEEKDAY_SETS),
    *(BuiltRecurrence("monthly", month_day=day) for day in MONTH_DAYS),
    *(
        BuiltRecurrence("monthly", month_position=position, month_weekday=weekday)
        for position, weekday in product(MONTH_POSITIONS, WEEKDAYS)
    ),
]
INTERVALS = [1, 2, 1000]
ENDS = [{}, {"count": 1}, {"count": 52}, {"until": date(2027, 12, 31)}]
SINGLE_DATES = [
    {},
    {"exdates": (date(2026, 12, 25),)},
    {"rdates": (date(2026, 12, 31),)},
    {"exdates": (date(2026, 12, 24), date(2026, 12, 25)), "rdates": (date(2027, 1, 3),)},
]


def _combinations():
    # Every repeat with every end and every kind of single dates; the interval varies over the
    # repeats (cycling), so each interval meets each frequency without multiplying the count.
    for index, (repeat, ends, dates) in enumerate(product(REPEATS, ENDS, SINGLE_DATES)):
        yield replace(repeat, interval=INTERVALS[index % len(INTERVALS)], **ends, **dates)


COMBINATIONS = list(_combinations())


@pytest.mark.parametrize("built", COMBINATIONS, ids=[to_rrule(built).replace("\n", " | ") for built in COMBINATIONS])
def test_every_builder_combination_round_trips_through_rrule(built):
    text = to_rrule(built)
    assert from_rrule(text) == built
    # The text is what the rest of the code reads: canonical, and dateutil reads the rule.
    recurrence = parse_recurrence(text)
    assert recurrence.to_text().removeprefix("RRULE:").split("\n")[0] == recurrence.rrule
    rrulestr(recurrence.rrule, dtstart=date(2026, 9, 1))
    assert to_rrule(from_rrule(text)) == text


def test_there_are_hundreds_of_combinations_and_all_weekday_sets():
    assert len(WEEKDAY_SETS) == 127
    assert len(COMBINATIONS) == len(REPEATS) * len(ENDS) * len(SINGLE_DATES) > 2500


@pytest.mark.parametrize(
    ("built", "text"),
    [
        (BuiltRecurrence("daily"), "FREQ=DAILY"),
        (BuiltRecurrence("weekly", weekdays=("SA",)), "FREQ=WEEKLY;BYDAY=SA"),
        (
            BuiltRecurrence("weekly", interval=2, weekdays=("MO", "FR"), count=10),
            "FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,FR;COUNT=10",
        ),
        (
            BuiltRecurrence("monthly", month_day=-1, until=date(2027, 6, 30)),
            "FREQ=MONTHLY;BYMONTHDAY=-1;UNTIL=20270630",
        ),
        (BuiltRecurrence("monthly", month_position=1, month_weekday="SU"), "FREQ=MONTHLY;BYDAY=1SU"),
        (
            BuiltRecurrence("weekly", weekdays=("SA",), exdates=(date(2026, 12, 26),), rdates=(date(2026, 12, 25),)),
            "RRULE:FREQ=WEEKLY;BYDAY=SA\nEXDATE;VALUE=DATE:20261226\nRDATE;VALUE=DATE:20261225",
        ),
    ],
)
def test_the_builder_writes_the_rrule_a_planner_would_type(built, text):
    assert to_rrule(built) == text


def test_the_written_rule_patrols_the_dates_it_says():
    built = BuiltRecurrence("weekly", weekdays=("SA",), exdates=(date(2026, 12, 26),), rdates=(date(2026, 12, 25),))
    dates = occurrence_dates(
        parse_recurrence(to_rrule(built)), dtstart=date(2026, 12, 1), start=date(2026, 12, 1), end=date(2027, 1, 3)
    )
    assert dates == [date(2026, 12, 5), date(2026, 12, 12), date(2026, 12, 19), date(2026, 12, 25), date(2027, 1, 2)]


# ---- reading texts back ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "built"),
    [
        ("freq=weekly;byday=sa,fr", BuiltRecurrence("weekly", weekdays=("FR", "SA"))),
        ("RRULE:FREQ=DAILY;INTERVAL=1", BuiltRecurrence("daily")),
        ("FREQ=DAILY;UNTIL=20261231T235959Z", BuiltRecurrence("daily", until=date(2026, 12, 31))),
        ("FREQ=MONTHLY;BYDAY=-1FR", BuiltRecurrence("monthly", month_position=-1, month_weekday="FR")),
        (
            "RRULE:FREQ=DAILY\nEXDATE:20261225\nEXDATE:20261224\nRDATE:20270101",
            BuiltRecurrence("daily", exdates=(date(2026, 12, 24), date(2026, 12, 25)), rdates=(date(2027, 1, 1),)),
        ),
    ],
)
def test_a_typed_rrule_the_builder_can_show_opens_in_the_builder(text, built):
    assert from_rrule(text) == built


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("FREQ=YEARLY", id="yearly"),
        pytest.param("FREQ=WEEKLY", id="weekly on the start date's weekday"),
        pytest.param("FREQ=MONTHLY", id="monthly on the start date's day"),
        pytest.param("FREQ=MONTHLY;BYDAY=MO", id="every Monday, monthly"),
        pytest.param("FREQ=MONTHLY;BYDAY=5SU", id="fifth Sunday"),
        pytest.param("FREQ=MONTHLY;BYDAY=1MO,1TU", id="two positions"),
        pytest.param("FREQ=MONTHLY;BYMONTHDAY=1,15", id="two days of the month"),
        pytest.param("FREQ=MONTHLY;BYMONTHDAY=-2", id="second-last day"),
        pytest.param("FREQ=MONTHLY;BYMONTHDAY=13;BYDAY=FR", id="Friday the 13th"),
        pytest.param("FREQ=DAILY;BYDAY=MO,TU", id="daily on weekdays"),
        pytest.param("FREQ=DAILY;BYMONTH=9", id="BYMONTH"),
        pytest.param("FREQ=WEEKLY;BYDAY=SA;WKST=SU", id="WKST"),
        pytest.param("FREQ=MONTHLY;BYDAY=MO,TU;BYSETPOS=1", id="BYSETPOS"),
        pytest.param("FREQ=HOURLY", id="invalid"),
        pytest.param("", id="empty"),
    ],
)
def test_a_rrule_the_builder_cannot_show_is_left_to_the_raw_field(text):
    assert from_rrule(text) is None


# ---- refusals ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("built", "field"),
    [
        (BuiltRecurrence("hourly"), "frequency"),
        (BuiltRecurrence("daily", interval=0), "interval"),
        (BuiltRecurrence("daily", interval=1001), "interval"),
        (BuiltRecurrence("weekly"), "weekdays"),
        (BuiltRecurrence("weekly", weekdays=("SA", "FR")), "weekdays"),
        (BuiltRecurrence("weekly", weekdays=("SA", "SA")), "weekdays"),
        (BuiltRecurrence("weekly", weekdays=("XX",)), "weekdays"),
        (BuiltRecurrence("daily", weekdays=("SA",)), "weekdays"),
        (BuiltRecurrence("daily", month_day=1), "month_day"),
        (BuiltRecurrence("monthly"), "month_day"),
        (BuiltRecurrence("monthly", month_day=1, month_position=1, month_weekday="MO"), "month_day"),
        (BuiltRecurrence("monthly", month_day=32), "month_day"),
        (BuiltRecurrence("monthly", month_position=5, month_weekday="MO"), "month_position"),
        (BuiltRecurrence("monthly", month_position=1), "month_weekday"),
        (BuiltRecurrence("daily", count=3, until=date(2027, 1, 1)), "count"),
        (BuiltRecurrence("daily", count=0), "count"),
        (BuiltRecurrence("daily", until=date(1000, 1, 1)), "until"),
        (BuiltRecurrence("daily", exdates=(date(2027, 1, 2), date(2027, 1, 1))), "exdates"),
        (BuiltRecurrence("daily", rdates=(date(1899, 12, 31),)), "rdates"),
    ],
)
def test_fields_that_make_no_recurrence_are_refused_naming_the_field(built, field):
    with pytest.raises(BuilderError) as raised:
        to_rrule(built)
    assert raised.value.field == field
    assert raised.value.message


def test_the_builder_writes_what_the_recurrence_module_writes():
    built = BuiltRecurrence("daily", exdates=(date(2026, 12, 25),))
    assert to_rrule(built) == Recurrence("FREQ=DAILY", exdates=(date(2026, 12, 25),)).to_text()
