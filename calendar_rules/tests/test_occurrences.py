"""The pure expansion of a rule into dated windows: no database.

Times are checked against Hebcal's published Borehamwood times (tests/data) where a rule is
anchored to candle-lighting.
"""

from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from calendar_rules.occurrences import InvalidWindow, RuleSpec, expand_rule, preview
from calendar_rules.recurrence import RecurrenceError
from calendar_rules.zmanim import Location

BOREHAMWOOD = Location(51.6565, -0.2715, "Europe/London")
LONDON = ZoneInfo("Europe/London")

BASE = RuleSpec(
    rule_id=None,
    trigger="rrule",
    recurrence="FREQ=DAILY",
    categories=frozenset(),
    keys=frozenset(),
    periods=frozenset(),
    timing="day",
    start_anchor="time",
    start_time=time(9, 0),
    start_offset_minutes=0,
    duration_minutes=60,
    end_anchor=None,
    end_time=None,
    end_offset_minutes=0,
    valid_from=date(2020, 1, 1),
    valid_until=None,
    label="Test patrol",
)


def spec(**fields) -> RuleSpec:
    return replace(BASE, **fields)


def calendar_spec(**fields) -> RuleSpec:
    return spec(trigger="calendar", recurrence="", **fields)


def local(occurrence):
    """(local start, local end) as 'YYYY-MM-DD HH:MM' strings in London time."""
    fmt = "%Y-%m-%d %H:%M"
    return occurrence.starts_at.astimezone(LONDON).strftime(fmt), occurrence.ends_at.astimezone(LONDON).strftime(fmt)


def expand(rule, start, end):
    return expand_rule(rule, BOREHAMWOOD, start, end)


# ---- which dates ----------------------------------------------------------------------------

DATE_CASES = [
    # (test id, spec, window start, window end, expected local dates)
    (
        "a daily rule over a week crossing Sukkot patrols every day",
        spec(recurrence="FREQ=DAILY"),
        date(2025, 10, 5),
        date(2025, 10, 11),
        [date(2025, 10, d) for d in range(5, 12)],
    ),
    (
        "a yom-tov-day rule over the same week patrols only Sukkot I and II",
        calendar_spec(categories=frozenset({"yom_tov"})),
        date(2025, 10, 5),
        date(2025, 10, 11),
        [date(2025, 10, 7), date(2025, 10, 8)],
    ),
    (
        "a yom-tov-evening rule patrols the evening before each day: erev Sukkot and the first night",
        calendar_spec(categories=frozenset({"yom_tov"}), timing="evening"),
        date(2025, 10, 5),
        date(2025, 10, 11),
        [date(2025, 10, 6), date(2025, 10, 7)],
    ),
    (
        "an empty window (end before start) has no occurrences",
        spec(),
        date(2025, 10, 5),
        date(2025, 10, 4),
        [],
    ),
    (
        "a rule whose validity ended before the window has no occurrences",
        spec(valid_until=date(2025, 1, 31)),
        date(2025, 10, 1),
        date(2025, 10, 31),
        [],
    ),
    (
        "a rule that ends mid-window stops on its last valid day",
        spec(valid_until=date(2025, 10, 3)),
        date(2025, 10, 1),
        date(2025, 10, 7),
        [date(2025, 10, 1), date(2025, 10, 2), date(2025, 10, 3)],
    ),
    (
        "a rule that starts mid-window begins on its first valid day",
        spec(valid_from=date(2025, 10, 6)),
        date(2025, 10, 1),
        date(2025, 10, 7),
        [date(2025, 10, 6), date(2025, 10, 7)],
    ),
    (
        "a Saturday-morning rule patrols Saturdays only",
        spec(recurrence="FREQ=WEEKLY;BYDAY=SA"),
        date(2025, 11, 1),
        date(2025, 11, 30),
        [date(2025, 11, d) for d in (1, 8, 15, 22, 29)],
    ),
    (
        "school days skip the dates an EXDATE names",
        spec(recurrence="RRULE:FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR\nEXDATE;VALUE=DATE:20251222,20251223"),
        date(2025, 12, 19),
        date(2025, 12, 24),
        [date(2025, 12, 19), date(2025, 12, 24)],
    ),
    (
        "a period narrows the observances: the only erev inside the High Holy Days is erev Yom Kippur",
        calendar_spec(categories=frozenset({"erev"}), periods=frozenset({"high_holy_days"})),
        date(2025, 9, 1),
        date(2025, 10, 31),
        [date(2025, 10, 1)],
    ),
    (
        "a rule naming only a period patrols every day of it (Rosh Hashanah I to Yom Kippur)",
        calendar_spec(periods=frozenset({"high_holy_days"})),
        date(2025, 9, 1),
        date(2025, 10, 31),
        [date(2025, 9, 23) + timedelta(days=n) for n in range(10)],
    ),
    (
        "Chanukah evenings at community sites: eight evenings, the first on the eve of day 1",
        calendar_spec(
            keys=frozenset({f"chanukah_{n}" for n in range(1, 9)}),
            timing="evening",
        ),
        date(2025, 12, 1),
        date(2025, 12, 31),
        [date(2025, 12, 14) + timedelta(days=n) for n in range(8)],
    ),
]


@pytest.mark.parametrize(
    ("rule", "start", "end", "expected"), [case[1:] for case in DATE_CASES], ids=[case[0] for case in DATE_CASES]
)
def test_occurrence_dates(rule, start, end, expected):
    assert [o.local_date for o in expand(rule, start, end)] == expected


def test_two_observances_on_one_day_give_one_occurrence_named_for_the_weightier():
    # 3 October 2026 is Shabbat and Shemini Atzeret.
    rule = calendar_spec(categories=frozenset({"shabbat", "yom_tov"}))
    [occurrence] = expand(rule, date(2026, 10, 3), date(2026, 10, 3))
    assert occurrence.trigger == "Shemini Atzeret"
    assert occurrence.index == 0


def test_a_calendar_occurrence_names_its_observance_and_an_rrule_its_rule():
    [yom_kippur] = expand(
        calendar_spec(keys=frozenset({"yom_kippur"}), timing="evening"), date(2025, 9, 1), date(2025, 10, 31)
    )
    assert yom_kippur.trigger == "Yom Kippur (evening)"
    assert yom_kippur.label == "Test patrol"
    [saturday] = expand(spec(recurrence="FREQ=WEEKLY;BYDAY=SA"), date(2025, 11, 1), date(2025, 11, 1))
    assert saturday.trigger == "FREQ=WEEKLY;BYDAY=SA"


def test_an_rdate_adds_a_date_and_says_so():
    rule = spec(recurrence="RRULE:FREQ=WEEKLY;BYDAY=SA\nRDATE;VALUE=DATE:20251105")
    occurrences = expand(rule, date(2025, 11, 1), date(2025, 11, 8))
    assert [(o.local_date, o.trigger) for o in occurrences] == [
        (date(2025, 11, 1), "FREQ=WEEKLY;BYDAY=SA"),
        (date(2025, 11, 5), "extra date (RDATE)"),
        (date(2025, 11, 8), "FREQ=WEEKLY;BYDAY=SA"),
    ]


def test_an_invalid_recurrence_raises_the_recurrence_error():
    with pytest.raises(RecurrenceError) as raised:
        expand(spec(recurrence="FREQ=WEEKLY;BYDAY=XX"), date(2025, 1, 1), date(2025, 1, 31))
    assert raised.value.part == "BYDAY"


# ---- the window -----------------------------------------------------------------------------

WINDOW_CASES = [
    # (test id, spec, local date, (expected local start, expected local end))
    (
        "Kol Nidre: the evening of erev Yom Kippur, from 15 minutes before candle-lighting (18:20)",
        calendar_spec(
            keys=frozenset({"yom_kippur"}),
            timing="evening",
            start_anchor="candle_lighting",
            start_time=None,
            start_offset_minutes=-15,
            duration_minutes=240,
        ),
        date(2025, 10, 1),
        ("2025-10-01 18:05", "2025-10-01 22:05"),
    ),
    (
        "Kol Nidre written as erev Yom Kippur on the day gives the same window",
        calendar_spec(
            keys=frozenset({"erev_yom_kippur"}),
            start_anchor="candle_lighting",
            start_time=None,
            start_offset_minutes=-15,
            duration_minutes=240,
        ),
        date(2025, 10, 1),
        ("2025-10-01 18:05", "2025-10-01 22:05"),
    ),
    (
        "Friday evening in winter: 30 minutes before candle-lighting (15:46) to nightfall (17:03) + 30",
        calendar_spec(
            categories=frozenset({"shabbat"}),
            timing="evening",
            start_anchor="candle_lighting",
            start_time=None,
            start_offset_minutes=-30,
            duration_minutes=None,
            end_anchor="nightfall",
            end_offset_minutes=30,
        ),
        date(2025, 1, 3),
        ("2025-01-03 15:16", "2025-01-03 17:33"),
    ),
    (
        "Friday evening in summer, in BST: candle-lighting 20:51",
        calendar_spec(
            categories=frozenset({"shabbat"}),
            timing="evening",
            start_anchor="candle_lighting",
            start_time=None,
            start_offset_minutes=0,
            duration_minutes=120,
        ),
        date(2025, 7, 18),
        ("2025-07-18 20:51", "2025-07-18 22:51"),
    ),
    (
        "Saturday-morning joint patrol at a clock time",
        spec(
            recurrence="FREQ=WEEKLY;BYDAY=SA",
            start_time=time(9, 15),
            duration_minutes=None,
            end_anchor="time",
            end_time=time(12, 45),
        ),
        date(2025, 11, 8),
        ("2025-11-08 09:15", "2025-11-08 12:45"),
    ),
    (
        "the second night of a festival lights after nightfall (Rosh Hashanah II, 19:46)",
        calendar_spec(
            keys=frozenset({"rosh_hashanah_2"}),
            timing="evening",
            start_anchor="candle_lighting",
            start_time=None,
            duration_minutes=60,
        ),
        date(2025, 9, 23),
        ("2025-09-23 19:46", "2025-09-23 20:46"),
    ),
    (
        "a yom tov on Friday: Shabbat's candles are lit before sunset (Pesach II, 19:19), not after nightfall",
        calendar_spec(
            categories=frozenset({"shabbat"}),
            timing="evening",
            start_anchor="candle_lighting",
            start_time=None,
            duration_minutes=60,
        ),
        date(2026, 4, 3),
        ("2026-04-03 19:19", "2026-04-03 20:19"),
    ),
    (
        "a yom tov on Friday: its own evening (Thursday, the second night) lights after nightfall (20:27)",
        calendar_spec(
            keys=frozenset({"pesach_2"}),
            timing="evening",
            start_anchor="candle_lighting",
            start_time=None,
            duration_minutes=60,
        ),
        date(2026, 4, 2),
        ("2026-04-02 20:27", "2026-04-02 21:27"),
    ),
    (
        "an ordinary evening anchored to candle-lighting uses sunset (16:08) minus 18 minutes",
        spec(start_anchor="candle_lighting", start_time=None, duration_minutes=30),
        date(2025, 1, 6),
        ("2025-01-06 15:50", "2025-01-06 16:20"),
    ),
    (
        "a night patrol ending at a clock time after midnight ends the next day",
        spec(start_time=time(22, 0), duration_minutes=None, end_anchor="time", end_time=time(2, 0)),
        date(2025, 11, 8),
        ("2025-11-08 22:00", "2025-11-09 02:00"),
    ),
    (
        "a window from nightfall (18:59) to 01:00 runs past midnight",
        spec(start_anchor="nightfall", start_time=None, duration_minutes=None, end_anchor="time", end_time=time(1, 0)),
        date(2025, 10, 14),
        ("2025-10-14 18:59", "2025-10-15 01:00"),
    ),
]


@pytest.mark.parametrize(
    ("rule", "day", "expected"), [case[1:] for case in WINDOW_CASES], ids=[case[0] for case in WINDOW_CASES]
)
def test_window(rule, day, expected):
    [occurrence] = expand(rule, day, day)
    assert occurrence.local_date == day
    assert local(occurrence) == expected
    assert occurrence.starts_at.tzinfo is UTC


# ---- the nights the clocks change -----------------------------------------------------------


def test_a_0130_patrol_on_the_spring_night_moves_forward_by_the_gap():
    [occurrence] = expand(spec(start_time=time(1, 30)), date(2026, 3, 29), date(2026, 3, 29))
    assert occurrence.starts_at == datetime(2026, 3, 29, 1, 30, tzinfo=UTC)  # 02:30 BST
    assert local(occurrence) == ("2026-03-29 02:30", "2026-03-29 03:30")


def test_a_0130_patrol_on_the_autumn_night_takes_the_first_0130():
    [occurrence] = expand(spec(start_time=time(1, 30)), date(2026, 10, 25), date(2026, 10, 25))
    assert occurrence.starts_at == datetime(2026, 10, 25, 0, 30, tzinfo=UTC)  # 01:30 BST
    assert occurrence.ends_at - occurrence.starts_at == timedelta(hours=1)


def test_a_daily_0900_patrol_keeps_its_wall_clock_time_across_both_changes():
    for first, last in ((date(2026, 3, 28), date(2026, 3, 30)), (date(2026, 10, 24), date(2026, 10, 26))):
        occurrences = expand(spec(), first, last)
        assert [local(o)[0][-5:] for o in occurrences] == ["09:00"] * 3


def test_a_night_window_across_the_autumn_change_lasts_an_hour_longer():
    rule = spec(start_time=time(22, 0), duration_minutes=None, end_anchor="time", end_time=time(2, 0))
    [occurrence] = expand(rule, date(2026, 10, 24), date(2026, 10, 24))
    assert occurrence.ends_at - occurrence.starts_at == timedelta(hours=5)


def test_an_offset_from_sunset_is_real_time_on_the_spring_night():
    rule = spec(start_anchor="sunset", start_time=None, start_offset_minutes=-90, duration_minutes=180)
    [occurrence] = expand(rule, date(2026, 3, 29), date(2026, 3, 29))
    assert occurrence.ends_at - occurrence.starts_at == timedelta(hours=3)


# ---- windows that end before they start -----------------------------------------------------


def test_a_window_from_sunset_to_candle_lighting_ends_before_it_starts():
    rule = spec(start_anchor="sunset", start_time=None, duration_minutes=None, end_anchor="candle_lighting")
    with pytest.raises(InvalidWindow) as raised:
        expand(rule, date(2025, 1, 6), date(2025, 1, 6))
    assert raised.value.local_date == date(2025, 1, 6)
    assert "Mon 6 Jan 2025" in str(raised.value)


def test_a_clock_window_ending_long_before_it_starts_is_not_taken_as_overnight():
    rule = spec(start_time=time(10, 0), duration_minutes=None, end_anchor="time", end_time=time(9, 0))
    with pytest.raises(InvalidWindow):
        expand(rule, date(2025, 1, 6), date(2025, 1, 6))


# ---- preview --------------------------------------------------------------------------------


def test_preview_lists_each_occurrence_at_each_site_in_local_time():
    rule = spec(recurrence="FREQ=WEEKLY;BYDAY=SA", start_time=time(9, 30), duration_minutes=90)
    rows = preview(rule, BOREHAMWOOD, date(2025, 6, 1), date(2025, 6, 14), [(2, "Ohel Torah"), (1, "Beth Shalom")])
    assert [(row.local_start.isoformat(), row.site_name) for row in rows] == [
        ("2025-06-07T09:30:00+01:00", "Beth Shalom"),
        ("2025-06-07T09:30:00+01:00", "Ohel Torah"),
        ("2025-06-14T09:30:00+01:00", "Beth Shalom"),
        ("2025-06-14T09:30:00+01:00", "Ohel Torah"),
    ]
    assert rows[0].local_end.isoformat() == "2025-06-07T11:00:00+01:00"
    assert rows[0].trigger == "FREQ=WEEKLY;BYDAY=SA"


def test_preview_stops_at_the_limit():
    rows = preview(spec(), BOREHAMWOOD, date(2025, 1, 1), date(2025, 12, 31), [(1, "A"), (2, "B")], limit=5)
    assert len(rows) == 5


def test_preview_without_sites_still_shows_the_dates():
    rows = preview(spec(), BOREHAMWOOD, date(2025, 1, 1), date(2025, 1, 3), [])
    assert [(row.local_start.date(), row.site_id) for row in rows] == [
        (date(2025, 1, 1), None),
        (date(2025, 1, 2), None),
        (date(2025, 1, 3), None),
    ]


# ---- the spec itself ------------------------------------------------------------------------


def test_a_rule_spec_is_hashable_and_equal_whatever_order_its_sets_were_built_in():
    one = calendar_spec(categories=frozenset(["yom_tov", "erev"]))
    two = calendar_spec(categories=frozenset(["erev", "yom_tov"]))
    assert one == two and hash(one) == hash(two)
    assert one.canonical() == two.canonical()
    assert one.canonical()[3] == ("erev", "yom_tov")


def test_a_rule_spec_cannot_be_changed():
    with pytest.raises(AttributeError):
        BASE.label = "changed"  # type: ignore[misc]
