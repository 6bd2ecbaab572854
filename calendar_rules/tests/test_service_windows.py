"""Rules anchored to each site's own services (occurrences.expand_rule with services): which
service a day takes, evening services held the evening before, and both clock changes."""

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

import pytest

from calendar_rules.occurrences import RuleSpec, ServiceTime, expand_rule, service_days
from calendar_rules.zmanim import Location

LONDON = ZoneInfo("Europe/London")
HERE = Location(latitude=51.657, longitude=-0.27, timezone="Europe/London")


def spec(part="morning", **fields) -> RuleSpec:
    values = {
        "rule_id": 1,
        "trigger": "rrule",
        "recurrence": "FREQ=DAILY",
        "categories": frozenset(),
        "keys": frozenset(),
        "periods": frozenset(),
        "timing": "day",
        "start_anchor": "service",
        "start_time": None,
        "start_offset_minutes": 0,
        "duration_minutes": None,
        "end_anchor": "service",
        "end_time": None,
        "end_offset_minutes": 0,
        "valid_from": date(2027, 1, 1),
        "valid_until": None,
        "label": "Service",
        "service_part": part,
    }
    return RuleSpec(**{**values, **fields})


def service(day, part="morning", start=time(7, 0), **fields) -> ServiceTime:
    values = {
        "day": day,
        "part": part,
        "start_anchor": "time",
        "start_time": start,
        "start_offset_minutes": 0,
        "duration_minutes": 45,
        "end_time": None,
    }
    return ServiceTime(**{**values, **fields})


def local_windows(occurrences):
    return [
        (o.local_date, o.site_id, f"{o.starts_at.astimezone(LONDON):%H:%M}", f"{o.ends_at.astimezone(LONDON):%H:%M}")
        for o in occurrences
    ]


@pytest.mark.parametrize(
    ("day", "kinds"),
    [
        (date(2027, 10, 11), ("yom_kippur", "yom_tov")),  # Yom Kippur, a Monday
        (date(2027, 10, 2), ("yom_tov", "shabbat")),  # Rosh Hashanah I on Shabbat
        (date(2027, 10, 9), ("shabbat",)),
        (date(2027, 10, 18), ("weekday",)),  # Chol HaMoed
    ],
)
def test_the_kinds_of_service_day_most_specific_first(day, kinds):
    assert service_days(day) == kinds


@pytest.mark.parametrize(
    ("first", "last", "change"),
    [(date(2027, 3, 27), date(2027, 3, 29), "spring"), (date(2027, 10, 30), date(2027, 11, 1), "autumn")],
)
def test_a_clock_time_service_keeps_its_wall_clock_time_over_both_clock_changes(first, last, change):
    services = {
        1: (service("weekday"), service("shabbat", start=time(9, 0), duration_minutes=None, end_time=time(12, 0)))
    }
    occurrences = expand_rule(spec(), HERE, first, last, services)
    assert [window[2:] for window in local_windows(occurrences)] == [
        ("09:00", "12:00"),
        ("07:00", "07:45"),
        ("07:00", "07:45"),
    ]
    # The Sunday of the change: 07:00 BST is 06:00 UTC (spring), 07:00 GMT is 07:00 UTC (autumn).
    sunday = occurrences[1].starts_at
    assert sunday.hour == (6 if change == "spring" else 7)


def test_an_evening_service_is_held_the_evening_before_and_offsets_move_both_ends():
    services = {
        5: (service("shabbat", "evening", start_anchor="candle_lighting", start_time=None, duration_minutes=90),),
        6: (service("weekday", "evening", start=time(20, 0), duration_minutes=20),),
    }
    rule = spec("evening", recurrence="FREQ=WEEKLY;BYDAY=SA", start_offset_minutes=-15, end_offset_minutes=15)
    occurrences = expand_rule(rule, HERE, date(2027, 10, 29), date(2027, 11, 5), services)
    # The Saturdays are served on the Fridays before; site 6 holds no Shabbat evening service.
    assert [(o.local_date, o.site_id, o.day_served) for o in occurrences] == [
        (date(2027, 10, 29), 5, date(2027, 10, 30)),
        (date(2027, 11, 5), 5, date(2027, 11, 6)),
    ]
    friday = occurrences[0]
    assert (friday.ends_at - friday.starts_at).total_seconds() == (90 + 30) * 60
    # Candle-lighting on Friday 29 Oct 2027 is 18 minutes before sunset (BST), less the rule's 15.
    assert friday.starts_at.astimezone(LONDON).hour == 17


def test_a_festival_running_into_shabbat_takes_the_yom_tov_service_where_a_site_has_one():
    services = {
        1: (service("shabbat", start=time(9, 0)), service("yom_tov", start=time(8, 30))),
        2: (service("shabbat", start=time(9, 30)),),
    }
    rule = spec(trigger="calendar", recurrence="", categories=frozenset({"yom_tov", "shabbat"}))
    # Sukkot I is on Shabbat 16 Oct 2027, Sukkot II on Sunday 17 Oct.
    occurrences = expand_rule(rule, HERE, date(2027, 10, 16), date(2027, 10, 17), services)
    assert local_windows(occurrences) == [
        (date(2027, 10, 16), 1, "08:30", "09:15"),
        (date(2027, 10, 16), 2, "09:30", "10:15"),
        (date(2027, 10, 17), 1, "08:30", "09:15"),
    ]


def test_no_services_means_no_occurrences_and_a_window_ending_before_it_starts_is_refused():
    assert expand_rule(spec(), HERE, date(2027, 10, 1), date(2027, 10, 7), {}) == []
    squeezed = spec(start_offset_minutes=30, end_offset_minutes=-30)
    with pytest.raises(ValueError, match="starts 07:30, ends 07:15"):
        expand_rule(squeezed, HERE, date(2027, 10, 4), date(2027, 10, 4), {1: (service("weekday"),)})


def test_the_day_served_by_an_evening_calendar_rule_is_the_festival():
    rule = spec(
        trigger="calendar",
        recurrence="",
        keys=frozenset({"yom_kippur"}),
        timing="evening",
        start_anchor="time",
        start_time=time(18, 0),
        end_anchor=None,
        duration_minutes=60,
        service_part="",
    )
    (kol_nidre,) = expand_rule(rule, HERE, date(2027, 10, 1), date(2027, 10, 31))
    assert (kol_nidre.local_date, kol_nidre.day_served) == (date(2027, 10, 10), date(2027, 10, 11))
    assert kol_nidre.starts_at == datetime(2027, 10, 10, 17, 0, tzinfo=UTC)
