"""calendar_rules.dates: the one parser of dates given in a request."""

from datetime import date

import pytest

from calendar_rules.dates import LAST_DAY, MAX_YEAR, MIN_YEAR, parse_date_param


def test_a_date_is_read_and_an_empty_one_gives_the_default():
    assert parse_date_param("2026-09-21", name="start") == date(2026, 9, 21)
    assert parse_date_param(" 2026-09-21 ", name="start") == date(2026, 9, 21)
    assert parse_date_param("", name="start", default=date(2026, 1, 5)) == date(2026, 1, 5)
    assert parse_date_param(None, name="start", default=date(2026, 1, 5)) == date(2026, 1, 5)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("0001-01-01", "start: 0001-01-01 is out of range; dates from 1900 to 2200 only."),
        ("9999-12-30", "start: 9999-12-30 is out of range; dates from 1900 to 2200 only."),
        ("2026-02-30", "start: '2026-02-30' is not a date; give one as YYYY-MM-DD."),
        ("soon", "start: 'soon' is not a date; give one as YYYY-MM-DD."),
        ("", "start: give a date as YYYY-MM-DD."),
    ],
)
def test_a_bad_or_out_of_range_date_is_refused_naming_the_parameter(text, message):
    with pytest.raises(ValueError) as refused:
        parse_date_param(text, name="start")
    assert str(refused.value) == message


def test_the_range_is_the_calendars():
    assert (1900, 2200, date(2200, 12, 31)) == (MIN_YEAR, MAX_YEAR, LAST_DAY)
    assert parse_date_param("1900-01-01", name="d") == date(1900, 1, 1)
    assert parse_date_param("2200-12-31", name="d") == LAST_DAY


def test_the_basic_iso_form_is_refused_so_every_page_reads_dates_alike():
    with pytest.raises(ValueError, match="is not a date"):
        parse_date_param("20260921", name="start")
