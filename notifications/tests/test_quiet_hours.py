"""Quiet hours from the calendar (no database): candle-lighting to havdalah of each Shabbat and
festival, a festival running into Shabbat and Shabbat into a festival each one window."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from calendar_rules import zmanim
from notifications import quiet_hours

LONDON = ZoneInfo("Europe/London")
BOREHAMWOOD = zmanim.Location(51.6565, -0.2715, "Europe/London")


def quiet_until(moment: datetime):
    first, last = quiet_hours.days_to_load(moment.astimezone(LONDON).date())
    windows = quiet_hours.quiet_windows(zmanim.times_between(BOREHAMWOOD, first, last))
    return quiet_hours.quiet_until(windows, moment)


def at(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=LONDON)


@pytest.mark.parametrize(
    ("moment", "until"),
    [
        # Friday 9 January 2026: candles 15:53, havdalah Saturday 17:11.
        (at(2026, 1, 9, 15, 52), None),
        (at(2026, 1, 9, 15, 53), at(2026, 1, 10, 17, 11)),
        (at(2026, 1, 9, 21, 0), at(2026, 1, 10, 17, 11)),
        (at(2026, 1, 10, 12, 0), at(2026, 1, 10, 17, 11)),
        (at(2026, 1, 10, 17, 10), at(2026, 1, 10, 17, 11)),
        (at(2026, 1, 10, 17, 11), None),  # at havdalah it goes
        (at(2026, 1, 11, 9, 0), None),  # Sunday
        # Pesach 2026: Thursday and Friday yom tov, then Shabbat: one window Wednesday 19:16 to
        # Saturday 20:31 (no havdalah on Friday night).
        (at(2026, 4, 1, 19, 0), None),
        (at(2026, 4, 1, 19, 16), at(2026, 4, 4, 20, 31)),
        (at(2026, 4, 3, 20, 45), at(2026, 4, 4, 20, 31)),
    ],
)
def test_quiet_until(moment, until):
    assert quiet_until(moment) == until


def test_rosh_hashanah_after_shabbat_is_one_window_from_friday_to_sunday_night():
    sunday = zmanim.day_times(BOREHAMWOOD, at(2026, 9, 13, 0).date())
    assert sunday.havdalah is not None
    for moment in (at(2026, 9, 11, 19, 7), at(2026, 9, 12, 12, 0), at(2026, 9, 12, 21, 0), at(2026, 9, 13, 12, 0)):
        assert quiet_until(moment) == sunday.havdalah
    assert quiet_until(at(2026, 9, 11, 19, 6)) is None
    assert quiet_until(sunday.havdalah) is None


def test_a_weekday_is_not_quiet():
    assert quiet_until(at(2026, 1, 7, 12, 0)) is None
