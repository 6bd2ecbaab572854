"""The report's pure parts without a database: figures, seasons, parameters, CSV cells."""

from datetime import date

import pytest

from calendar_rules.seasons import seasons_of_year
from reports.coverage import CountRow, Outcome, SiteRef, build_report, percent, weeks_between
from reports.export import safe_cell
from reports.params import read_params

TODAY = date(2027, 10, 20)  # a Wednesday


def test_planned_is_everything_but_cancelled_and_the_rate_counts_only_what_was_due():
    rows = [
        CountRow(1, date(2027, 10, 4), Outcome.DELIVERED, 3, 3600.0),
        CountRow(1, date(2027, 10, 4), Outcome.MISSED, 1),
        CountRow(2, date(2027, 10, 11), Outcome.UPCOMING, 4),
        CountRow(2, date(2027, 10, 11), Outcome.CANCELLED, 2),
    ]
    report = build_report(
        start=date(2027, 10, 1),
        end=date(2027, 10, 17),
        sites=[SiteRef(2, "Beth"), SiteRef(1, "Alef"), SiteRef(3, "Gimel")],
        rows=rows,
    )
    assert (report.total.planned, report.total.delivered, report.total.cancelled, report.total.due) == (8, 3, 2, 4)
    assert report.total.delivery_rate == 0.75 and percent(report.total.delivery_rate) == "75%"
    assert [site.name for site in report.sites] == ["Alef", "Beth", "Gimel"]  # a site with nothing shows zeros
    assert report.sites[1].figures.delivery_rate is None and percent(None) == "–"
    assert [week.week for week in report.weeks] == [date(2027, 9, 27), date(2027, 10, 4), date(2027, 10, 11)]
    assert report.total.officer_hours == 1.0


def test_an_empty_range_has_no_weeks():
    assert weeks_between(date(2027, 1, 2), date(2027, 1, 1)) == []
    assert build_report(start=date(2027, 1, 4), end=date(2027, 1, 4), sites=[], rows=[]).total.delivery_rate is None


@pytest.mark.parametrize(
    ("name", "start", "end"),
    [
        ("High Holy Days 2027", date(2027, 10, 1), date(2027, 10, 11)),  # Erev RH .. Yom Kippur
        ("Sukkot 2027", date(2027, 10, 15), date(2027, 10, 24)),  # Erev Sukkot .. Simchat Torah
        ("Pesach 2027", date(2027, 4, 21), date(2027, 4, 29)),  # Erev Pesach .. Pesach VIII
        ("Shavuot 2027", date(2027, 6, 10), date(2027, 6, 12)),
        ("Chanukah 2027", date(2027, 12, 24), date(2028, 1, 1)),  # runs over the new year
    ],
)
def test_seasons_run_from_the_eve_to_the_last_day(name, start, end):
    seasons = {season.name: season for season in seasons_of_year(start.year)}
    assert (seasons[name].start, seasons[name].end) == (start, end)


def test_chanukah_2026_starts_with_the_first_candle():
    chanukah = next(s for s in seasons_of_year(2026) if s.key == "chanukah_2026")
    assert (chanukah.start, chanukah.end) == (date(2026, 12, 4), date(2026, 12, 12))


def test_parameters_default_to_four_monday_weeks_and_say_what_was_wrong():
    params = read_params({}, today=TODAY)
    assert (params.start, params.end, params.errors) == (date(2027, 9, 27), date(2027, 10, 24), {})
    params = read_params({"area": "-1", "start": "2027-02-30", "end": "2027-10-01"}, today=TODAY)
    assert set(params.errors) == {"area", "start"} and params.area_id is None
    assert params.end == date(2027, 10, 1) and params.start == date(2027, 9, 4)
    assert read_params({"area": "٣"}, today=TODAY).errors  # digits, but not ASCII ones


@pytest.mark.parametrize("text", ["=1+1", "+44 20", "-2", "@SUM(A1)", "\tx", "\rx"])
def test_formula_cells_are_written_as_text(text):
    assert safe_cell(text) == "'" + text


def test_ordinary_cells_are_kept():
    assert safe_cell("Beth Test Synagogue") == "Beth Test Synagogue" and safe_cell(3) == "3" and safe_cell(None) == ""
