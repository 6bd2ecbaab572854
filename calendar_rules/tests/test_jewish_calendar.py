"""The Jewish calendar against Hebcal's published dates, and its named traps.

data/hebcal_holidays_diaspora_2024_2035.jsonl holds the rows of the shared Hebcal
reference (@hebcal/core 6.9.3, diaspora) for the observances we keep; the rows for ones
we do not (special Shabbatot, Erev Purim, Pesach Sheni, Sigd, ...) were left out.
"""

import json
import re
from datetime import date, timedelta
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from calendar_rules.jewish_calendar import (
    CATEGORIES,
    OBSERVANCE_KINDS,
    PERIODS,
    Period,
    is_work_forbidden,
    observances_between,
    observances_on,
    periods_between,
)

DATA = Path(__file__).parent / "data"

_ROMAN = {"I": 1, "II": 2, "III": 3, "IV": 4, "V": 5, "VI": 6, "VII": 7, "VIII": 8}
_HEBCAL_MONTHS = {
    "Nisan": "nisan",
    "Iyyar": "iyyar",
    "Sivan": "sivan",
    "Tamuz": "tammuz",
    "Av": "av",
    "Elul": "elul",
    "Cheshvan": "cheshvan",
    "Kislev": "kislev",
    "Tevet": "tevet",
    "Sh'vat": "shevat",
    "Adar": "adar",
    "Adar I": "adar_i",
    "Adar II": "adar_ii",
}
_HEBCAL_NAMES = {
    "Erev Rosh Hashana": "erev_rosh_hashanah",
    "Rosh Hashana II": "rosh_hashanah_2",
    "Erev Yom Kippur": "erev_yom_kippur",
    "Yom Kippur": "yom_kippur",
    "Erev Sukkot": "erev_sukkot",
    "Sukkot VII (Hoshana Raba)": "hoshana_rabba",
    "Shmini Atzeret": "shemini_atzeret",
    "Simchat Torah": "simchat_torah",
    "Erev Pesach": "erev_pesach",
    "Erev Shavuot": "erev_shavuot",
    "Chanukah: 8th Day": "chanukah_8",
    "Tu BiShvat": "tu_bishvat",
    "Purim": "purim",
    "Shushan Purim": "shushan_purim",
    "Lag BaOmer": "lag_baomer",
    "Tzom Gedaliah": "tzom_gedaliah",
    "Asara B'Tevet": "asara_btevet",
    "Ta'anit Esther": "taanit_esther",
    "Tzom Tammuz": "shiva_asar_btammuz",
    "Tish'a B'Av": "tisha_bav",
    "Tish'a B'Av (observed)": "tisha_bav",
    "Yom HaShoah": "yom_hashoah",
    "Yom HaZikaron": "yom_hazikaron",
    "Yom HaAtzma'ut": "yom_haatzmaut",
    "Yom Yerushalayim": "yom_yerushalayim",
}


def _from_hebcal(desc: str, day: date) -> tuple[str, date]:
    """Return the (key, date) our calendar should have for one Hebcal row."""
    if desc in _HEBCAL_NAMES:
        return _HEBCAL_NAMES[desc], day
    if re.fullmatch(r"Rosh Hashana \d{4}", desc):
        return "rosh_hashanah_1", day
    if match := re.fullmatch(r"(Sukkot|Pesach) ([IVX]+)( \(CH''M\))?", desc):
        festival, number = match[1].lower(), _ROMAN[match[2]]
        return (f"chol_hamoed_{festival}_{number}" if match[3] else f"{festival}_{number}"), day
    if match := re.fullmatch(r"Shavuot ([IVX]+)", desc):
        return f"shavuot_{_ROMAN[match[1]]}", day
    if match := re.fullmatch(r"Chanukah: (\d) Candles?", desc):
        # Hebcal dates a candle on the evening it is lit; our Chanukah day N is the
        # daytime that follows the evening of the Nth candle.
        return f"chanukah_{match[1]}", day + timedelta(days=1)
    if match := re.fullmatch(r"Rosh Chodesh (.+)", desc):
        return f"rosh_chodesh_{_HEBCAL_MONTHS[match[1]]}", day
    raise AssertionError(f"no mapping for Hebcal's {desc!r}")


def _hebcal_by_year() -> dict[int, set[tuple[str, date]]]:
    by_year: dict[int, set[tuple[str, date]]] = {}
    with (DATA / "hebcal_holidays_diaspora_2024_2035.jsonl").open() as rows:
        for line in rows:
            row = json.loads(line)
            key, day = _from_hebcal(row["desc"], date.fromisoformat(row["date"]))
            by_year.setdefault(day.year, set()).add((key, day))
    return by_year


HEBCAL = _hebcal_by_year()


@pytest.mark.parametrize("year", range(2024, 2036))
def test_every_observance_is_on_the_date_hebcal_publishes_and_no_other(year):
    ours = {
        (observance.key, observance.date)
        for observance in observances_between(date(year, 1, 1), date(year, 12, 31))
        if observance.key != "shabbat"
    }
    hebcal = HEBCAL[year]
    assert sorted(hebcal - ours, key=lambda pair: pair[1]) == [], "missing"
    assert sorted(ours - hebcal, key=lambda pair: pair[1]) == [], "not in Hebcal"


@pytest.mark.parametrize(
    ("day", "key", "category", "work_forbidden"),
    [
        (date(2025, 9, 22), "erev_rosh_hashanah", "erev", False),
        (date(2025, 9, 23), "rosh_hashanah_1", "yom_tov", True),
        (date(2025, 9, 24), "rosh_hashanah_2", "yom_tov", True),
        (date(2025, 9, 25), "tzom_gedaliah", "fast", False),
        (date(2025, 10, 1), "erev_yom_kippur", "erev", False),
        (date(2025, 10, 2), "yom_kippur", "yom_tov", True),
        (date(2025, 10, 6), "erev_sukkot", "erev", False),
        (date(2025, 10, 7), "sukkot_1", "yom_tov", True),
        (date(2025, 10, 8), "sukkot_2", "yom_tov", True),
        (date(2025, 10, 9), "chol_hamoed_sukkot_3", "chol_hamoed", False),
        (date(2025, 10, 13), "hoshana_rabba", "chol_hamoed", False),
        (date(2025, 10, 14), "shemini_atzeret", "yom_tov", True),
        (date(2025, 10, 15), "simchat_torah", "yom_tov", True),
        (date(2025, 12, 15), "chanukah_1", "minor", False),
        (date(2025, 12, 30), "asara_btevet", "fast", False),
        (date(2026, 2, 2), "tu_bishvat", "minor", False),
        (date(2026, 3, 2), "taanit_esther", "fast", False),
        (date(2026, 3, 3), "purim", "minor", False),
        (date(2026, 3, 4), "shushan_purim", "minor", False),
        (date(2026, 4, 1), "erev_pesach", "erev", False),
        (date(2026, 4, 2), "pesach_1", "yom_tov", True),
        (date(2026, 4, 7), "chol_hamoed_pesach_6", "chol_hamoed", False),
        (date(2026, 4, 8), "pesach_7", "yom_tov", True),
        (date(2026, 4, 9), "pesach_8", "yom_tov", True),
        (date(2026, 4, 14), "yom_hashoah", "modern", False),
        (date(2026, 5, 5), "lag_baomer", "minor", False),
        (date(2026, 5, 21), "erev_shavuot", "erev", False),
        (date(2026, 5, 22), "shavuot_1", "yom_tov", True),
        (date(2026, 5, 23), "shavuot_2", "yom_tov", True),
        (date(2026, 7, 2), "shiva_asar_btammuz", "fast", False),
        (date(2026, 7, 23), "tisha_bav", "fast", False),
        (date(2026, 8, 13), "rosh_chodesh_elul", "rosh_chodesh", False),
        (date(2026, 5, 23), "shabbat", "shabbat", True),
    ],
)
def test_each_observance_has_the_category_the_issue_gives_it(day, key, category, work_forbidden):
    [observance] = [o for o in observances_on(day) if o.key == key]
    assert observance.category == category
    assert observance.work_forbidden is work_forbidden
    assert observance.date == day


def test_every_kind_has_a_known_category_and_only_shabbat_and_yom_tov_forbid_work():
    for key, kind in OBSERVANCE_KINDS.items():
        assert kind.category in CATEGORIES, key
    observances = observances_between(date(2024, 1, 1), date(2035, 12, 31))
    assert {o.key for o in observances} <= set(OBSERVANCE_KINDS)
    for observance in observances:
        assert observance.work_forbidden is (observance.category in ("shabbat", "yom_tov"))


@pytest.mark.parametrize(
    ("purim", "fast"),
    [
        (date(2024, 3, 24), date(2024, 3, 21)),
        (date(2028, 3, 12), date(2028, 3, 9)),
        (date(2031, 3, 9), date(2031, 3, 6)),
        (date(2034, 3, 5), date(2034, 3, 2)),
        (date(2035, 3, 25), date(2035, 3, 22)),
    ],
)
def test_fast_of_esther_moves_to_thursday_when_purim_is_sunday(purim, fast):
    assert purim.strftime("%A") == "Sunday"
    assert "purim" in {o.key for o in observances_on(purim)}
    [esther] = [o for o in observances_between(purim - timedelta(days=7), purim) if o.key == "taanit_esther"]
    assert esther.date == fast
    assert fast.strftime("%A") == "Thursday"


@pytest.mark.parametrize(
    ("key", "shabbat", "name"),
    [
        ("tisha_bav", date(2032, 7, 17), "Tisha B'Av (observed)"),
        ("shiva_asar_btammuz", date(2025, 7, 12), "Shiva Asar B'Tammuz"),
        ("tzom_gedaliah", date(2024, 10, 5), "Tzom Gedaliah"),
        ("tzom_gedaliah", date(2028, 9, 23), "Tzom Gedaliah"),
    ],
)
def test_a_fast_that_falls_on_shabbat_is_postponed_to_sunday(key, shabbat, name):
    assert key not in {o.key for o in observances_on(shabbat)}
    [fast] = [o for o in observances_on(shabbat + timedelta(days=1)) if o.key == key]
    assert fast.name == name


def test_a_week_crossing_a_festival_and_a_new_year_lists_every_day_in_order():
    got = [(o.date, o.key) for o in observances_between(date(2024, 12, 28), date(2025, 1, 4))]
    assert got == [
        (date(2024, 12, 28), "chanukah_3"),
        (date(2024, 12, 28), "shabbat"),
        (date(2024, 12, 29), "chanukah_4"),
        (date(2024, 12, 30), "chanukah_5"),
        (date(2024, 12, 31), "chanukah_6"),
        (date(2024, 12, 31), "rosh_chodesh_tevet"),
        (date(2025, 1, 1), "chanukah_7"),
        (date(2025, 1, 1), "rosh_chodesh_tevet"),
        (date(2025, 1, 2), "chanukah_8"),
        (date(2025, 1, 4), "shabbat"),
    ]


def test_shabbat_that_is_erev_pesach_carries_both():
    assert [o.key for o in observances_on(date(2025, 4, 12))] == ["erev_pesach", "shabbat"]


def test_an_empty_window_has_no_observances_or_periods():
    assert observances_between(date(2025, 10, 2), date(2025, 10, 1)) == []
    assert periods_between(date(2025, 10, 2), date(2025, 10, 1)) == []


def test_a_leap_year_has_rosh_chodesh_adar_i_and_adar_ii():
    keys = {(o.date, o.key) for o in observances_between(date(2024, 2, 1), date(2024, 3, 31))}
    assert {
        (date(2024, 2, 9), "rosh_chodesh_adar_i"),
        (date(2024, 2, 10), "rosh_chodesh_adar_i"),
        (date(2024, 3, 10), "rosh_chodesh_adar_ii"),
        (date(2024, 3, 11), "rosh_chodesh_adar_ii"),
    } <= keys


@pytest.mark.parametrize(
    ("year", "zikaron", "atzmaut"),
    [
        (1997, date(1997, 5, 11), date(1997, 5, 12)),  # 5 Iyyar on Monday, before the 2004 law
        (2024, date(2024, 5, 13), date(2024, 5, 14)),  # 5 Iyyar on Monday: Monday/Tuesday
        (2025, date(2025, 4, 30), date(2025, 5, 1)),  # 5 Iyyar on Saturday: back to Wed/Thu
        (2026, date(2026, 4, 21), date(2026, 4, 22)),  # 5 Iyyar on Wednesday: unmoved
    ],
)
def test_yom_hazikaron_and_yom_haatzmaut_move_as_israeli_law_says(year, zikaron, atzmaut):
    found = {o.key: o.date for o in observances_between(date(year, 4, 1), date(year, 5, 31))}
    assert (found["yom_hazikaron"], found["yom_haatzmaut"]) == (zikaron, atzmaut)


def test_modern_days_are_not_listed_before_they_were_first_observed():
    keys = {o.key for o in observances_between(date(1940, 1, 1), date(1947, 12, 31))}
    assert not keys & {"yom_hashoah", "yom_hazikaron", "yom_haatzmaut", "yom_yerushalayim"}


@pytest.mark.parametrize(
    ("year", "rosh_hashanah", "yom_kippur", "simchat_torah"),
    [
        (2024, date(2024, 10, 3), date(2024, 10, 12), date(2024, 10, 25)),
        (2025, date(2025, 9, 23), date(2025, 10, 2), date(2025, 10, 15)),
        (2026, date(2026, 9, 12), date(2026, 9, 21), date(2026, 10, 4)),
        (2027, date(2027, 10, 2), date(2027, 10, 11), date(2027, 10, 24)),
    ],
)
def test_the_high_holy_days_and_autumn_festivals_run_from_rosh_hashanah(year, rosh_hashanah, yom_kippur, simchat_torah):
    assert periods_between(date(year, 1, 1), date(year, 12, 31)) == [
        Period("autumn_festivals", PERIODS["autumn_festivals"], rosh_hashanah, simchat_torah),
        Period("high_holy_days", PERIODS["high_holy_days"], rosh_hashanah, yom_kippur),
    ]


def test_a_window_touching_a_period_gets_the_whole_period():
    [autumn] = periods_between(date(2025, 10, 10), date(2025, 10, 20))
    assert (autumn.key, autumn.start, autumn.end) == ("autumn_festivals", date(2025, 9, 23), date(2025, 10, 15))
    assert [p.key for p in periods_between(date(2025, 10, 2), date(2025, 10, 2))] == [
        "autumn_festivals",
        "high_holy_days",
    ]
    assert periods_between(date(2025, 10, 16), date(2026, 9, 11)) == []


_DAYS = st.dates(min_value=date(1950, 1, 1), max_value=date(2150, 12, 31))


@given(_DAYS)
def test_every_saturday_is_shabbat_and_nothing_else_is(day):
    keys = {o.key for o in observances_on(day)}
    assert ("shabbat" in keys) is (day.weekday() == 5)


@given(_DAYS)
def test_one_day_reads_the_same_whichever_function_asks(day):
    on_day = observances_on(day)
    assert list(on_day) == observances_between(day, day)
    assert all(o.date == day for o in on_day)
    assert is_work_forbidden(day) is any(o.work_forbidden for o in on_day)


@given(_DAYS, st.integers(min_value=0, max_value=400))
def test_a_window_is_sorted_by_date_then_key_and_holds_exactly_its_days(start, length):
    end = start + timedelta(days=length)
    window = observances_between(start, end)
    assert window == sorted(window, key=lambda o: (o.date, o.key))
    assert all(start <= o.date <= end for o in window)
    assert sum(1 for o in window if o.key == "shabbat") == sum(
        1 for offset in range(length + 1) if (start + timedelta(days=offset)).weekday() == 5
    )
