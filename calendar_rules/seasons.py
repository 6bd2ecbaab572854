"""Festival seasons as date ranges, so a coverage report of "Pesach 2027" or the CST planner's
"High Holy Days" is one click (reports and patrols both use them: they live with the calendar).

Pure: no Django, no clock; the dates come from calendar_rules.jewish_calendar (diaspora).

A season runs in local dates, both ends inclusive, **from the eve** of its first day to its last
day: a Jewish day begins the evening before, so the patrols of a festival's first evening
(Kol Nidre, the first Seder night, the first Chanukah candles) fall on the eve's date, and a
report that started on the first day would leave them out.

- High Holy Days: Erev Rosh Hashanah .. Yom Kippur (the ten days of awe and their eve);
- Sukkot: Erev Sukkot .. Simchat Torah (Shemini Atzeret and Simchat Torah included);
- Autumn festivals: Erev Rosh Hashanah .. Simchat Torah (the whole Tishrei season);
- Chanukah: the eve of the first day (first candle) .. the eighth day; named by the year of its
  first candle, so "Chanukah 2026" ends in January 2027 when it runs over the new year;
- Purim: Ta'anit Esther's evening is not included; the eve of Purim .. Shushan Purim;
- Pesach: Erev Pesach .. Pesach VIII; Shavuot: Erev Shavuot .. Shavuot II.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from .jewish_calendar import observances_between


@dataclass(frozen=True, slots=True)
class Season:
    key: str  # "pesach_2027"
    name: str  # "Pesach 2027"
    start: date
    end: date


# (key, name, the observance whose eve opens it, the observance that closes it), in the order of
# the Gregorian year.
_SEASONS = (
    ("purim", "Purim", "purim", "shushan_purim"),
    ("pesach", "Pesach", "pesach_1", "pesach_8"),
    ("shavuot", "Shavuot", "shavuot_1", "shavuot_2"),
    ("high_holy_days", "High Holy Days", "rosh_hashanah_1", "yom_kippur"),
    ("sukkot", "Sukkot", "sukkot_1", "simchat_torah"),
    ("autumn_festivals", "Autumn festivals", "rosh_hashanah_1", "simchat_torah"),
    ("chanukah", "Chanukah", "chanukah_1", "chanukah_8"),
)


def seasons_of_year(year: int) -> list[Season]:
    """The seasons whose first day falls in Gregorian `year`, by start date."""
    # Chanukah's eighth day can be in January of the next year: look a little past the year.
    found: dict[str, list[date]] = {}
    for observance in observances_between(date(year, 1, 1), date(year + 1, 1, 31)):
        found.setdefault(observance.key, []).append(observance.date)
    seasons = []
    for key, name, first_key, last_key in _SEASONS:
        firsts = [day for day in found.get(first_key, []) if day.year == year]
        if not firsts:
            continue
        first = firsts[0]
        last = next(day for day in found[last_key] if day >= first)
        seasons.append(Season(f"{key}_{year}", f"{name} {year}", first - timedelta(days=1), last))
    return sorted(seasons, key=lambda season: (season.start, season.end))


def seasons_between(first_year: int, last_year: int) -> list[Season]:
    """The seasons starting in `first_year`..`last_year` (inclusive), by start date."""
    return [season for year in range(first_year, last_year + 1) for season in seasons_of_year(year)]
