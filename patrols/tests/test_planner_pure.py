"""The planner's and the escalation's pure parts, without a database: which day a patrol is for,
the counts per day, the named ranges, and the lead times before each Shabbat and festival."""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from patrols import escalation
from patrols.planner import (
    PatrolPlaces,
    Places,
    day_title,
    days_of,
    holy_runs,
    named_ranges,
    next_shabbat,
    planner_day,
)

LONDON = ZoneInfo("Europe/London")
LEADS = {
    "shabbat_leads": [(2, time(18, 0)), (4, time(10, 0))],  # Wed 18:00, Fri 10:00
    "festival_days": [3, 1],
    "festival_time": time(18, 0),
    "tz": "Europe/London",
}


def local(year: int, month: int, day: int, hour: int, minute: int) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=LONDON)


@pytest.mark.parametrize(
    ("starts", "day"),
    [
        (local(2026, 12, 4, 19, 30), date(2026, 12, 5)),  # Friday night: Shabbat's
        (local(2026, 12, 4, 8, 15), date(2026, 12, 4)),  # Friday's school run: Friday's
        (local(2026, 12, 5, 9, 0), date(2026, 12, 5)),  # Shabbat morning
        (local(2026, 12, 5, 18, 0), date(2026, 12, 5)),  # Saturday night, a plain Sunday after it
        (local(2027, 4, 21, 19, 0), date(2027, 4, 22)),  # Erev Pesach evening: Pesach I's
        (local(2027, 5, 29, 21, 0), date(2027, 5, 29)),  # a Saturday night before a plain Sunday
        (local(2026, 9, 11, 18, 30), date(2026, 9, 12)),  # Erev Rosh Hashanah: Rosh Hashanah I's
        (local(2026, 12, 8, 19, 0), date(2026, 12, 8)),  # a Tuesday in Chanukah: its own
        (local(2026, 12, 4, 12, 0), date(2026, 12, 5)),  # from midday on the eve
        (local(2026, 12, 4, 11, 59), date(2026, 12, 4)),
    ],
)
def test_a_patrol_on_the_eve_of_a_shabbat_or_festival_is_for_that_day(starts, day):
    assert planner_day(starts) == day


def test_a_day_counts_the_places_of_its_patrols_but_not_a_cancelled_ones():
    shabbat = date(2026, 12, 5)
    patrols = [
        PatrolPlaces(day=shabbat, counts=True, required=8, confirmed=6, asked=1),
        PatrolPlaces(day=shabbat, counts=True, required=8, confirmed=6, asked=1),
        PatrolPlaces(day=shabbat, counts=False, required=4, confirmed=0, asked=0),  # cancelled
        PatrolPlaces(day=date(2026, 12, 12), counts=True, required=2, confirmed=0, asked=0),  # outside
    ]
    (day,) = days_of(patrols, first=date(2026, 12, 1), last=date(2026, 12, 7))
    assert day.patrols == 3 and day.names == ("Shabbat",)
    assert day.summary == "Shabbat 5 Dec: 12 of 16 places confirmed, 2 asked, 2 open"


def test_open_places_never_go_below_none():
    assert Places(required=1, confirmed=1, asked=1).open == 0
    assert Places(required=1).summary == "0 of 1 place confirmed, 0 asked, 1 open"


def test_days_are_named_by_their_shabbat_and_festivals_or_their_weekday():
    assert day_title(date(2026, 9, 12), ("Rosh Hashanah I", "Shabbat")) == "Rosh Hashanah I, Shabbat 12 Sep"
    assert day_title(date(2026, 12, 8), ()) == "Tuesday 8 Dec"
    (chanukah,) = days_of(
        [PatrolPlaces(day=date(2026, 12, 8), counts=True, required=1, confirmed=0, asked=0)],
        first=date(2026, 12, 8),
        last=date(2026, 12, 8),
    )
    assert chanukah.title == "Chanukah (day 4) 8 Dec"


def test_the_named_ranges_offer_the_next_shabbat_festival_and_seasons():
    ranges = {named.key: named for named in named_ranges(date(2027, 1, 14))}
    assert (ranges["week"].start, ranges["week"].end) == (date(2027, 1, 14), date(2027, 1, 20))
    assert (ranges["next_shabbat"].start, ranges["next_shabbat"].end) == (date(2027, 1, 16), date(2027, 1, 16))
    # Pesach I and II (Thursday, Friday) run into Shabbat.
    assert (ranges["next_festival"].start, ranges["next_festival"].end) == (date(2027, 4, 22), date(2027, 4, 24))
    assert ranges["pesach_2027"].start == date(2027, 4, 21)  # from Erev Pesach
    assert ranges["high_holy_days_2027"].name == "High Holy Days 2027"
    assert "chanukah_2026" not in ranges  # over by 14 January 2027
    assert list(ranges)[:4] == ["week", "next_shabbat", "next_festival", "four_weeks"]


def test_a_season_under_way_is_still_offered():
    ranges = {named.key: named for named in named_ranges(date(2026, 12, 8))}
    assert ranges["chanukah_2026"].start == date(2026, 12, 4)


def test_next_shabbat_is_today_on_a_saturday():
    assert next_shabbat(date(2026, 12, 5)) == date(2026, 12, 5)
    assert next_shabbat(date(2026, 12, 6)) == date(2026, 12, 12)


def test_holy_runs_join_a_festival_running_into_shabbat():
    assert holy_runs(date(2027, 4, 20), date(2027, 4, 25)) == [(date(2027, 4, 22), date(2027, 4, 24))]


# ---- escalation lead times --------------------------------------------------------------------


def test_the_holy_days_are_the_first_days_of_each_run():
    days = escalation.holy_days(date(2026, 9, 1), date(2026, 10, 5))
    assert [(d.starts_on, d.ends_on, d.shabbat, d.festival) for d in days] == [
        (date(2026, 9, 5), date(2026, 9, 5), True, False),
        (date(2026, 9, 12), date(2026, 9, 13), True, True),  # Rosh Hashanah on Shabbat and Sunday
        (date(2026, 9, 19), date(2026, 9, 19), True, False),
        (date(2026, 9, 21), date(2026, 9, 21), False, True),  # Yom Kippur, a Monday
        (date(2026, 9, 26), date(2026, 9, 27), True, True),  # Sukkot I on Shabbat
        (date(2026, 10, 3), date(2026, 10, 4), True, True),  # Shemini Atzeret, Simchat Torah
    ]
    # Pesach 2027: Thursday and Friday, then Shabbat: one run, its Shabbat not a day of its own.
    (pesach,) = escalation.holy_days(date(2027, 4, 21), date(2027, 4, 24))
    assert (pesach.starts_on, pesach.ends_on, pesach.name) == (date(2027, 4, 22), date(2027, 4, 24), "Pesach I")


def test_shabbat_leads_are_wall_clock_times_across_the_clock_change():
    (before,) = escalation.holy_days(date(2026, 3, 28), date(2026, 3, 28))
    (after,) = escalation.holy_days(date(2026, 4, 18), date(2026, 4, 18))
    assert [(lead.key, lead.at) for lead in escalation.leads_for(before, **LEADS)] == [
        ("wed-1800", datetime(2026, 3, 25, 18, 0, tzinfo=UTC)),  # GMT
        ("fri-1000", datetime(2026, 3, 27, 10, 0, tzinfo=UTC)),
    ]
    assert [lead.at for lead in escalation.leads_for(after, **LEADS)] == [
        datetime(2026, 4, 15, 17, 0, tzinfo=UTC),  # 18:00 BST
        datetime(2026, 4, 17, 9, 0, tzinfo=UTC),
    ]


def test_a_festival_has_its_days_before_and_on_shabbat_both_kinds():
    (yom_kippur,) = escalation.holy_days(date(2026, 9, 21), date(2026, 9, 21))
    assert [(lead.key, lead.on) for lead in escalation.leads_for(yom_kippur, **LEADS)] == [
        ("3d", date(2026, 9, 18)),
        ("1d", date(2026, 9, 20)),
    ]
    # Sukkot I on Shabbat: three days before is Wednesday 18:00, a Shabbat lead too: one digest.
    (sukkot,) = escalation.holy_days(date(2026, 9, 26), date(2026, 9, 26))
    assert [lead.key for lead in escalation.leads_for(sukkot, **LEADS)] == ["3d", "fri-1000", "1d"]


def _due(now: datetime, **overrides) -> list[tuple[date, str]]:
    leads = escalation.due_leads(now=now, today=now.astimezone(LONDON).date(), **{**LEADS, **overrides})
    return [(lead.day.starts_on, lead.key) for lead in leads]


def test_a_lead_is_due_from_its_minute_for_a_few_hours():
    wednesday = datetime(2027, 1, 13, 18, 0, tzinfo=UTC)
    assert _due(wednesday - timedelta(minutes=1)) == []
    assert _due(wednesday) == [(date(2027, 1, 16), "wed-1800")]
    assert _due(wednesday + escalation.LATE_AFTER - timedelta(minutes=1)) == [(date(2027, 1, 16), "wed-1800")]
    assert _due(wednesday + escalation.LATE_AFTER) == []
    assert _due(datetime(2027, 1, 15, 10, 5, tzinfo=UTC)) == [(date(2027, 1, 16), "fri-1000")]


def test_a_lead_falling_on_shabbat_or_a_festival_is_not_sent():
    # Two days before Yom Kippur (Monday 21 September 2026) is Shabbat.
    assert _due(datetime(2026, 9, 19, 17, 5, tzinfo=UTC), festival_days=[2]) == []
    assert _due(datetime(2026, 9, 20, 17, 5, tzinfo=UTC), festival_days=[1]) == [(date(2026, 9, 21), "1d")]


def test_no_lead_is_due_once_its_day_has_begun():
    # A lead at 23:00 on Friday (an odd setting) running past midnight into Shabbat stops there.
    late = {"shabbat_leads": [(4, time(23, 0))]}
    assert _due(datetime(2027, 1, 15, 23, 30, tzinfo=UTC), **late) == [(date(2027, 1, 16), "fri-2300")]
    assert _due(datetime(2027, 1, 16, 0, 30, tzinfo=UTC), **late) == []


def test_the_banner_speaks_of_the_coming_holy_day_once_its_first_lead_has_passed():
    def escalating(now):
        day = escalation.escalating(now=now, today=now.astimezone(LONDON).date(), **LEADS)
        return day and day.starts_on

    assert escalating(datetime(2027, 1, 13, 17, 59, tzinfo=UTC)) is None
    assert escalating(datetime(2027, 1, 13, 18, 0, tzinfo=UTC)) == date(2027, 1, 16)
    assert escalating(datetime(2027, 1, 16, 12, 0, tzinfo=UTC)) == date(2027, 1, 16)  # Shabbat itself
    assert escalating(datetime(2027, 1, 17, 12, 0, tzinfo=UTC)) is None  # over; next Wednesday to come
    # Pesach I on Thursday: three days before, Monday 18:00, opens it.
    assert escalating(datetime(2027, 4, 19, 16, 59, tzinfo=UTC)) is None  # the lead is 18:00 BST
    assert escalating(datetime(2027, 4, 19, 17, 0, tzinfo=UTC)) == date(2027, 4, 22)


def test_no_leads_means_no_escalation():
    none: dict[str, list] = {"shabbat_leads": [], "festival_days": []}
    now = datetime(2027, 1, 15, 12, 0, tzinfo=UTC)
    assert escalation.escalating(now=now, today=now.date(), **{**LEADS, **none}) is None
    assert _due(now, **none) == []
