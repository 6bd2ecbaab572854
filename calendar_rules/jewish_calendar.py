"""The Jewish calendar as Shomer needs it: which observances fall on which days.

Pure: no Django, no clock. The dates come from ``hebrewcal`` (pinned in
requirements.txt); this module maps its holiday list to stable keys and our categories,
adds what it does not list (Shabbat, the eves of the festivals), and caches the result
per Gregorian year. Everything is for the diaspora (two-day festivals).

An observance's ``date`` is the Gregorian date of its daytime. A Jewish day begins the
evening before, so "Yom Kippur, 2025-10-02" begins on the evening of 2025-10-01.
"""

from __future__ import annotations

import bisect
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from types import MappingProxyType

from hebrewcal.calendars.hebrew import HebrewDate
from hebrewcal.hebrew.metonic import is_leap_year
from hebrewcal.religious.holidays import holidays

CATEGORIES = (
    "shabbat",
    "yom_tov",
    "chol_hamoed",
    "erev",
    "minor",
    "fast",
    "rosh_chodesh",
    "modern",
)

PERIODS = {
    "high_holy_days": "High Holy Days",
    "autumn_festivals": "Autumn festival season",
}


@dataclass(frozen=True, slots=True)
class Observance:
    """One observance on one day.

    ``key`` is stable and snake_case ("pesach_1", "rosh_chodesh_nisan"); a two-day Rosh
    Chodesh has the same key on both days. ``date`` is the daytime; the observance's
    evening is the evening of ``date - 1 day``.
    """

    key: str
    name: str
    category: str
    date: date
    work_forbidden: bool


@dataclass(frozen=True, slots=True)
class Period:
    """A named run of days, both ends inclusive."""

    key: str
    name: str
    start: date
    end: date


@dataclass(frozen=True, slots=True)
class ObservanceKind:
    """What every observance with a given key is called and how it is classed."""

    name: str
    category: str


# Hebrew month numbers as hebrewcal numbers them (Nisan = 1 ... Tishrei = 7 ... Adar or
# Adar I = 12, Adar II = 13) -> (key suffix, English name). Tishrei has no Rosh Chodesh.
_MONTHS = {
    1: ("nisan", "Nisan"),
    2: ("iyyar", "Iyyar"),
    3: ("sivan", "Sivan"),
    4: ("tammuz", "Tammuz"),
    5: ("av", "Av"),
    6: ("elul", "Elul"),
    8: ("cheshvan", "Cheshvan"),
    9: ("kislev", "Kislev"),
    10: ("tevet", "Tevet"),
    11: ("shevat", "Shevat"),
    12: ("adar", "Adar"),
    13: ("adar_ii", "Adar II"),
}
_ADAR_I = ("adar_i", "Adar I")  # month 12 in a leap year


def _kinds() -> dict[str, ObservanceKind]:
    kinds: dict[str, ObservanceKind] = {}

    def add(key: str, name: str, category: str) -> None:
        kinds[key] = ObservanceKind(name, category)

    add("shabbat", "Shabbat", "shabbat")
    add("erev_rosh_hashanah", "Erev Rosh Hashanah", "erev")
    add("rosh_hashanah_1", "Rosh Hashanah I", "yom_tov")
    add("rosh_hashanah_2", "Rosh Hashanah II", "yom_tov")
    add("tzom_gedaliah", "Tzom Gedaliah", "fast")
    add("erev_yom_kippur", "Erev Yom Kippur", "erev")
    add("yom_kippur", "Yom Kippur", "yom_tov")
    add("erev_sukkot", "Erev Sukkot", "erev")
    add("sukkot_1", "Sukkot I", "yom_tov")
    add("sukkot_2", "Sukkot II", "yom_tov")
    for day, numeral in ((3, "III"), (4, "IV"), (5, "V"), (6, "VI")):
        add(f"chol_hamoed_sukkot_{day}", f"Sukkot {numeral} (Chol HaMoed)", "chol_hamoed")
    add("hoshana_rabba", "Hoshana Rabba", "chol_hamoed")
    add("shemini_atzeret", "Shemini Atzeret", "yom_tov")
    add("simchat_torah", "Simchat Torah", "yom_tov")
    for day in range(1, 9):
        add(f"chanukah_{day}", f"Chanukah (day {day})", "minor")
    add("asara_btevet", "Asara B'Tevet", "fast")
    add("tu_bishvat", "Tu BiShvat", "minor")
    add("taanit_esther", "Ta'anit Esther", "fast")
    add("purim", "Purim", "minor")
    add("shushan_purim", "Shushan Purim", "minor")
    add("erev_pesach", "Erev Pesach", "erev")
    add("pesach_1", "Pesach I", "yom_tov")
    add("pesach_2", "Pesach II", "yom_tov")
    for day, numeral in ((3, "III"), (4, "IV"), (5, "V"), (6, "VI")):
        add(f"chol_hamoed_pesach_{day}", f"Pesach {numeral} (Chol HaMoed)", "chol_hamoed")
    add("pesach_7", "Pesach VII", "yom_tov")
    add("pesach_8", "Pesach VIII", "yom_tov")
    add("yom_hashoah", "Yom HaShoah", "modern")
    add("yom_hazikaron", "Yom HaZikaron", "modern")
    add("yom_haatzmaut", "Yom HaAtzmaut", "modern")
    add("lag_baomer", "Lag BaOmer", "minor")
    add("yom_yerushalayim", "Yom Yerushalayim", "modern")
    add("erev_shavuot", "Erev Shavuot", "erev")
    add("shavuot_1", "Shavuot I", "yom_tov")
    add("shavuot_2", "Shavuot II", "yom_tov")
    add("shiva_asar_btammuz", "Shiva Asar B'Tammuz", "fast")
    add("tisha_bav", "Tisha B'Av", "fast")
    for suffix, month_name in (*_MONTHS.values(), _ADAR_I):
        add(f"rosh_chodesh_{suffix}", f"Rosh Chodesh {month_name}", "rosh_chodesh")
    return kinds


#: Every key ``observances_between`` can return, with its English name and category.
OBSERVANCE_KINDS: Mapping[str, ObservanceKind] = MappingProxyType(_kinds())

# hebrewcal names that map to one fixed key. Names it lists that we do not keep (Purim
# Katan, Pesach Sheni, Tu B'Av, Ta'anit Bechorot, Sigd, Mimouna, the special Shabbatot)
# are dropped by _key_for.
_FIXED_KEYS = {
    "Yom Kippur": "yom_kippur",
    "Hoshana Rabbah": "hoshana_rabba",
    "Shemini Atzeret": "shemini_atzeret",
    "Simchat Torah": "simchat_torah",
    "Tu BiShvat": "tu_bishvat",
    "Purim": "purim",
    "Shushan Purim": "shushan_purim",
    "Lag BaOmer": "lag_baomer",
    "Tzom Gedaliah": "tzom_gedaliah",
    "Asara B'Tevet": "asara_btevet",
    "Ta'anit Esther": "taanit_esther",
    "Shiva Asar B'Tammuz": "shiva_asar_btammuz",
    "Tisha B'Av": "tisha_bav",
    "Yom HaShoah": "yom_hashoah",
    "Yom HaZikaron": "yom_hazikaron",
    "Yom HaAtzmaut": "yom_haatzmaut",
    "Yom Yerushalayim": "yom_yerushalayim",
}

# First Hebrew year each modern day was observed (Hebcal's cut-offs; hebrewcal lists
# them for every year).
_MODERN_FROM = {
    "yom_hashoah": 5711,
    "yom_hazikaron": 5708,
    "yom_haatzmaut": 5708,
    "yom_yerushalayim": 5727,
}
# Israeli law has moved Yom HaZikaron/HaAtzmaut off a Sunday-evening start (5 Iyyar on a
# Monday -> Monday/Tuesday) only since 5764 (2004); hebrewcal applies it to every year.
_ZIKARON_MONDAY_RULE_FROM = 5764


def _key_for(name: str, hebrew_date: HebrewDate, chol_hamoed: bool) -> str | None:
    """Return our key for one entry of hebrewcal's holiday list, or None to drop it."""
    month, day = hebrew_date.month, hebrew_date.day
    if name in _FIXED_KEYS:
        return _FIXED_KEYS[name]
    if name == "Rosh Hashanah":
        return f"rosh_hashanah_{day}"
    if name == "Sukkot":
        if day == 21:
            return None  # hebrewcal lists the day twice; "Hoshana Rabbah" names it
        return f"chol_hamoed_sukkot_{day - 14}" if chol_hamoed else f"sukkot_{day - 14}"
    if name == "Pesach":
        return f"chol_hamoed_pesach_{day - 14}" if chol_hamoed else f"pesach_{day - 14}"
    if name == "Shavuot":
        return f"shavuot_{day - 5}"
    if name == "Rosh Chodesh":
        # The 30th of a month is the first day of the next month's Rosh Chodesh. The
        # months that end a year (Adar, Adar II) have 29 days, so month + 1 never wraps.
        headed = month if day == 1 else month + 1
        if headed == 12 and is_leap_year(hebrew_date.year):
            return f"rosh_chodesh_{_ADAR_I[0]}"
        return f"rosh_chodesh_{_MONTHS[headed][0]}"
    return None


def _make(key: str, day: date, name: str | None = None) -> Observance:
    kind = OBSERVANCE_KINDS[key]
    return Observance(
        key=key,
        name=name or kind.name,
        category=kind.category,
        date=day,
        work_forbidden=kind.category in ("shabbat", "yom_tov"),
    )


@lru_cache(maxsize=64)
def _hebrew_year(year: int) -> tuple[Observance, ...]:
    """Return the observances of Hebrew ``year``, without Shabbat, in no set order.

    Erev Rosh Hashanah of ``year`` falls on the last day of the year before; it is
    listed here, with the Rosh Hashanah it leads into.
    """
    out: list[Observance] = []
    chanukah_eve = HebrewDate(year, 9, 24).to_rd()
    for holiday in holidays(year, diaspora=True):
        rd = holiday.date.to_rd()  # hebrewcal's RD is Python's date ordinal
        if holiday.name == "Hanukkah":
            out.append(_make(f"chanukah_{rd - chanukah_eve}", date.fromordinal(rd)))
            continue
        chol_hamoed = holiday.category.name == "CHOL_HAMOED"
        key = _key_for(holiday.name, holiday.date, chol_hamoed)
        if key is None or year < _MODERN_FROM.get(key, year):
            continue
        if key in ("yom_hazikaron", "yom_haatzmaut") and year < _ZIKARON_MONDAY_RULE_FROM:
            zikaron = HebrewDate(year, 2, 5 if key == "yom_hazikaron" else 6)
            if holiday.date == zikaron:  # hebrewcal applied the Monday rule
                rd -= 1
        name = None
        if key == "tisha_bav" and holiday.date.day == 10:
            name = "Tisha B'Av (observed)"  # 9 Av was Shabbat
        out.append(_make(key, date.fromordinal(rd), name))

    for key, month, day in (
        ("erev_rosh_hashanah", 7, 1),
        ("erev_yom_kippur", 7, 10),
        ("erev_sukkot", 7, 15),
        ("erev_pesach", 1, 15),
        ("erev_shavuot", 3, 6),
    ):
        out.append(_make(key, date.fromordinal(HebrewDate(year, month, day).to_rd() - 1)))
    return tuple(out)


@dataclass(frozen=True, slots=True)
class _GregorianYear:
    observances: tuple[Observance, ...]  # sorted by (date, key)
    dates: tuple[date, ...]  # observances[i].date, for bisect
    work_forbidden: frozenset[date]


@lru_cache(maxsize=256)
def _gregorian_year(year: int) -> _GregorianYear:
    # Gregorian year Y holds the end of Hebrew year Y + 3760 and the start of Y + 3761.
    found = [
        observance
        for hebrew_year in (year + 3760, year + 3761)
        for observance in _hebrew_year(hebrew_year)
        if observance.date.year == year
    ]
    saturday = date(year, 1, 1) + timedelta(days=(5 - date(year, 1, 1).weekday()) % 7)
    while saturday.year == year:
        found.append(_make("shabbat", saturday))
        saturday += timedelta(days=7)
    found.sort(key=lambda observance: (observance.date, observance.key))
    return _GregorianYear(
        observances=tuple(found),
        dates=tuple(observance.date for observance in found),
        work_forbidden=frozenset(o.date for o in found if o.work_forbidden),
    )


def observances_between(start: date, end: date) -> list[Observance]:
    """Return the observances from ``start`` to ``end`` inclusive, sorted by (date, key).

    Diaspora rules; every Saturday appears as key "shabbat". An empty list if
    ``end`` is before ``start``.
    """
    result: list[Observance] = []
    if end < start:
        return result
    for year in range(start.year, end.year + 1):
        table = _gregorian_year(year)
        low = bisect.bisect_left(table.dates, start) if year == start.year else 0
        high = bisect.bisect_right(table.dates, end) if year == end.year else len(table.dates)
        result.extend(table.observances[low:high])
    return result


def observances_on(day: date) -> tuple[Observance, ...]:
    """Return the observances whose daytime is ``day``, sorted by key."""
    table = _gregorian_year(day.year)
    low = bisect.bisect_left(table.dates, day)
    high = bisect.bisect_right(table.dates, day, lo=low)
    return table.observances[low:high]


def is_work_forbidden(day: date) -> bool:
    """Return whether ``day`` is Shabbat or a yom tov (including Yom Kippur)."""
    return day in _gregorian_year(day.year).work_forbidden


def _first_date(year: int, key: str) -> date:
    table = _gregorian_year(year)
    return next(o.date for o in table.observances if o.key == key)


@lru_cache(maxsize=256)
def _periods_of(year: int) -> tuple[Period, ...]:
    # Rosh Hashanah falls in September or early October (and will for centuries), so
    # each Gregorian year has exactly one of each period, wholly inside it.
    rosh_hashanah = _first_date(year, "rosh_hashanah_1")
    return (
        Period("autumn_festivals", PERIODS["autumn_festivals"], rosh_hashanah, _first_date(year, "simchat_torah")),
        Period("high_holy_days", PERIODS["high_holy_days"], rosh_hashanah, _first_date(year, "yom_kippur")),
    )


def periods_between(start: date, end: date) -> list[Period]:
    """Return the periods that overlap ``start``..``end`` (inclusive), whole, not clipped.

    high_holy_days runs from Rosh Hashanah I to Yom Kippur; autumn_festivals from
    Rosh Hashanah I to Simchat Torah. Sorted by (start, key).
    """
    if end < start:
        return []
    found = [
        period
        for year in range(start.year, end.year + 1)
        for period in _periods_of(year)
        if period.start <= end and period.end >= start
    ]
    return sorted(found, key=lambda period: (period.start, period.key))
