"""Duties and their warnings (patrols/duties.py): pure, no database."""

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from patrols.duties import DutyLimits, Interval, duty_warnings, format_hours, group_duties, local_dates

LONDON = ZoneInfo("Europe/London")
LIMITS = DutyLimits.from_hours(gap=4, max_duty=10, min_rest=11)


def at(day: int, hour: int, minute: int = 0, month: int = 1) -> datetime:
    """A moment in London in January 2026 (GMT: local = UTC)."""
    return datetime(2026, month, day, hour, minute, tzinfo=LONDON)


def patrol(day: int, start: tuple[int, int], end: tuple[int, int], end_day: int | None = None) -> Interval:
    return Interval(at(day, *start), at(end_day or day, *end))


@pytest.mark.parametrize(
    ("length", "text"),
    [(timedelta(hours=11, minutes=30), "11 h 30"), (timedelta(hours=10), "10 h"), (timedelta(minutes=45), "45 min")],
)
def test_lengths_read_as_hours_and_minutes(length, text):
    assert format_hours(length) == text


def test_patrols_less_than_the_gap_apart_are_one_duty_and_exactly_the_gap_starts_another():
    morning = patrol(6, (7, 0), (9, 0))
    within = patrol(6, (12, 59), (14, 0))  # 3 h 59 after the first ended
    exactly = patrol(6, (18, 0), (19, 0))  # 4 h after the second ended
    duties = group_duties([exactly, within, morning], gap=timedelta(hours=4))
    assert [(d.starts_at, d.ends_at) for d in duties] == [(at(6, 7), at(6, 14)), (at(6, 18), at(6, 19))]
    assert [d.length for d in duties] == [timedelta(hours=7), timedelta(hours=1)]
    assert duties[0].patrols == (morning, within)


def test_overlapping_patrols_are_one_duty_to_the_latest_end():
    duties = group_duties([patrol(6, (8, 0), (12, 0)), patrol(6, (9, 0), (10, 0))], gap=timedelta(0))
    assert len(duties) == 1 and duties[0].ends_at == at(6, 12)


def test_no_patrols_no_duties():
    assert group_duties([], gap=timedelta(hours=4)) == []


def test_a_duty_over_the_limit_is_warned_with_its_local_times():
    others = [patrol(6, (7, 0), (10, 0)), patrol(6, (13, 0), (16, 0))]
    warnings = duty_warnings(patrol(6, (17, 0), (18, 30)), others, limits=LIMITS, tz=LONDON)
    assert [w.message for w in warnings] == ["Duty would run 11 h 30 (07:00–18:30), over the area's 10 h limit"]
    assert warnings[0].kind == "long_duty" and warnings[0].summary == "duty 11 h 30, over 10 h"


def test_a_duty_of_exactly_the_limit_is_fine():
    others = [patrol(6, (7, 0), (10, 0))]
    assert duty_warnings(patrol(6, (13, 0), (17, 0)), others, limits=LIMITS, tz=LONDON) == []


def test_too_little_rest_after_the_previous_duty_is_warned():
    previous = patrol(5, (15, 0), (23, 0))
    warnings = duty_warnings(patrol(6, (7, 0), (9, 0)), [previous], limits=LIMITS, tz=LONDON)
    assert [w.message for w in warnings] == [
        "Only 8 h rest after the previous duty (ended Mon 23:00), under the area's 11 h minimum"
    ]
    assert warnings[0].summary == "rest 8 h after previous duty"


def test_too_little_rest_before_the_next_duty_is_warned():
    following = patrol(7, (6, 0), (8, 0))
    warnings = duty_warnings(patrol(6, (16, 0), (22, 0)), [following], limits=LIMITS, tz=LONDON)
    assert [w.message for w in warnings] == [
        "Only 8 h rest before the next duty (starts Wed 06:00), under the area's 11 h minimum"
    ]


def test_exactly_the_minimum_rest_is_fine():
    previous = patrol(5, (12, 0), (20, 0))
    assert duty_warnings(patrol(6, (7, 0), (9, 0)), [previous], limits=LIMITS, tz=LONDON) == []


def test_two_patrols_of_one_duty_are_never_a_rest_warning():
    # Three hours between them: a break within the duty, not a rest of three hours.
    first = patrol(6, (7, 0), (9, 0))
    assert duty_warnings(patrol(6, (12, 0), (14, 0)), [first], limits=LIMITS, tz=LONDON) == []


def test_a_patrol_exactly_the_gap_after_another_starts_a_new_duty_with_a_short_rest():
    first = patrol(6, (7, 0), (9, 0))
    warnings = duty_warnings(patrol(6, (13, 0), (14, 0)), [first], limits=LIMITS, tz=LONDON)
    assert [w.kind for w in warnings] == ["short_rest_before"]
    assert "Only 4 h rest after the previous duty (ended Tue 09:00)" in warnings[0].message


def test_a_patrol_joining_two_duties_is_judged_on_the_joined_duty():
    # 07:00–09:00 and 15:00–18:00 are two duties; 11:00–13:00 joins them into one of 11 hours.
    others = [patrol(6, (7, 0), (9, 0)), patrol(6, (15, 0), (18, 0))]
    warnings = duty_warnings(patrol(6, (11, 0), (13, 0)), others, limits=LIMITS, tz=LONDON)
    assert [w.message for w in warnings] == ["Duty would run 11 h (07:00–18:00), over the area's 10 h limit"]


def test_long_duty_and_both_rests_together():
    others = [patrol(5, (20, 0), (22, 0)), patrol(7, (3, 0), (5, 0))]
    warnings = duty_warnings(patrol(6, (6, 0), (17, 0)), others, limits=LIMITS, tz=LONDON)
    assert [w.kind for w in warnings] == ["long_duty", "short_rest_before", "short_rest_after"]


def test_a_night_duty_across_midnight_names_the_days():
    warnings = duty_warnings(patrol(6, (20, 0), (7, 0), end_day=7), [], limits=LIMITS, tz=LONDON)
    assert [w.message for w in warnings] == ["Duty would run 11 h (Tue 20:00–Wed 07:00), over the area's 10 h limit"]


def test_the_autumn_clock_change_makes_a_night_duty_an_hour_longer():
    # 25 October 2026: the clocks go back at 02:00 BST. 22:00–07:30 on the wall is 10 h 30.
    night = Interval(datetime(2026, 10, 24, 22, 0, tzinfo=LONDON), datetime(2026, 10, 25, 7, 30, tzinfo=LONDON))
    warnings = duty_warnings(night, [], limits=LIMITS, tz=LONDON)
    assert [w.message for w in warnings] == ["Duty would run 10 h 30 (Sat 22:00–Sun 07:30), over the area's 10 h limit"]


def test_the_spring_clock_change_makes_a_night_duty_an_hour_shorter():
    # 29 March 2026: the clocks go forward at 01:00 GMT. 22:00–08:30 on the wall is 9 h 30.
    night = Interval(datetime(2026, 3, 28, 22, 0, tzinfo=LONDON), datetime(2026, 3, 29, 8, 30, tzinfo=LONDON))
    assert duty_warnings(night, [], limits=LIMITS, tz=LONDON) == []


def test_rest_is_elapsed_time_across_the_clock_change():
    # Ends 23:00 BST on the 24th; the next starts 09:00 GMT on the 25th: 11 elapsed hours, not 10.
    previous = Interval(datetime(2026, 10, 24, 20, 0, tzinfo=LONDON), datetime(2026, 10, 24, 23, 0, tzinfo=LONDON))
    morning = Interval(datetime(2026, 10, 25, 9, 0, tzinfo=LONDON), datetime(2026, 10, 25, 11, 0, tzinfo=LONDON))
    assert duty_warnings(morning, [previous], limits=LIMITS, tz=LONDON) == []


def test_messages_use_the_given_zone_whatever_the_zone_of_the_inputs():
    utc = Interval(datetime(2026, 7, 6, 6, 0, tzinfo=UTC), datetime(2026, 7, 6, 17, 0, tzinfo=UTC))
    warnings = duty_warnings(utc, [], limits=LIMITS, tz=LONDON)
    assert warnings[0].message == "Duty would run 11 h (07:00–18:00), over the area's 10 h limit"


def test_a_minimum_rest_of_zero_never_warns_about_rest():
    limits = DutyLimits.from_hours(gap=4, max_duty=10, min_rest=0)
    assert duty_warnings(patrol(6, (13, 0), (14, 0)), [patrol(6, (7, 0), (9, 0))], limits=limits, tz=LONDON) == []


@pytest.mark.parametrize(
    ("starts", "ends", "expected"),
    [
        (at(6, 10), at(6, 12), (date(2026, 1, 6), date(2026, 1, 6))),
        (at(6, 22), at(7, 2), (date(2026, 1, 6), date(2026, 1, 7))),
        (at(6, 22), at(7, 0), (date(2026, 1, 6), date(2026, 1, 6))),  # ends at midnight
    ],
)
def test_the_local_dates_a_patrol_is_on(starts, ends, expected):
    assert local_dates(starts, ends, LONDON) == expected


def test_local_dates_are_read_in_the_given_zone():
    # 23:30 UTC on 30 June is 00:30 on 1 July in London (BST).
    starts = datetime(2026, 6, 30, 23, 30, tzinfo=UTC)
    assert local_dates(starts, starts + timedelta(hours=1), LONDON) == (date(2026, 7, 1), date(2026, 7, 1))
