"""Who to put on a patrol: the area's active officers ranked fairly, each with the reason; and the
patrols an absence clashes with."""

from datetime import UTC, date, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from conftest import make_site, make_user
from patrols.models import Assignment, Patrol, PatrolStatus
from patrols.selectors import officer_suggestions, patrols_clashing_with_absence
from people.models import AbsenceKind
from people.services import absence_create
from sites.models import Role

from .conftest import NOW

pytestmark = pytest.mark.django_db

HOUR = timedelta(hours=1)


def at(month: int, day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=UTC)


def _patrol(site, starts_at, hours=2, **fields):
    """Written directly: some of these lie in the past, where the services no longer add patrols."""
    return Patrol.objects.create(
        area=site.area, site=site, starts_at=starts_at, ends_at=starts_at + hours * HOUR, **fields
    )


def _on(officer, *patrols):
    for patrol in patrols:
        Assignment.objects.create(patrol=patrol, officer=officer)


def _officer(world, username, first_name, collar, area=None):
    user = make_user(username, role=Role.OFFICER, area=area or world.area_a, collar=collar, first_name=first_name)
    return user.officer


@pytest.fixture
def site(world):
    return world.objects["site_a"]


@pytest.fixture
def patrol(site):
    """Tue 6 Jan 2026 14:00–16:00."""
    return Patrol.objects.select_related("area").get(pk=_patrol(site, at(1, 6, 14)).pk)


def test_officers_are_ranked_fairly_each_with_the_reason(world, site, patrol):
    alice = _officer(world, "alice", "Alice", "PC201")
    bob = _officer(world, "bob", "Bob", "PC202")
    carol = _officer(world, "carol", "Carol", "PC203")
    dan = _officer(world, "dan", "Dan", "PC204")
    erin = _officer(world, "erin", "Erin", "PC205")
    faye = _officer(world, "faye", "Faye", "PC206")
    faye.active = False  # inactive: not offered
    faye.save()
    _officer(world, "gus", "Gus", "PC207", area=world.area_b)  # another area's: not offered
    _on(alice, _patrol(site, datetime(2025, 12, 22, 10, 0, tzinfo=UTC)), _patrol(site, at(1, 20, 10)))
    _on(alice, _patrol(site, at(2, 10, 10)))  # beyond four weeks: not counted
    _on(bob, _patrol(site, at(1, 10, 9)))  # a Saturday
    _on(bob, _patrol(site, at(1, 12, 9), status=PatrolStatus.CANCELLED))  # cancelled: not counted
    absence_create(officer=carol, kind=AbsenceKind.LEAVE, starts_on=date(2026, 1, 5), ends_on=date(2026, 1, 7), by=None)
    _on(dan, _patrol(site, at(1, 6, 15)))
    _on(erin, _patrol(site, at(1, 6, 1), hours=5))  # ends 06:00: 8 h rest before 14:00

    suggestions = officer_suggestions(patrol, now=NOW)

    officer = world.users["officer"].officer
    assert [(s.officer, s.suggested, s.reason) for s in suggestions] == [
        (officer, True, "Free; 0 patrols, 0 Shabbat/festival duties in ±4 weeks"),
        (bob, True, "Free; 1 patrol, 1 Shabbat/festival duty in ±4 weeks"),
        (alice, True, "Free; 2 patrols, 0 Shabbat/festival duties in ±4 weeks"),
        (erin, False, "Warning: rest 8 h after previous duty; 1 patrol, 0 Shabbat/festival duties in ±4 weeks"),
        (carol, False, "On leave 5–7 Jan"),
        (dan, False, "On a patrol at Beth Test Synagogue 15:00–17:00"),
    ]
    by_officer = {s.officer: s for s in suggestions}
    assert by_officer[erin].warnings == [
        "Only 8 h rest after the previous duty (ended Tue 06:00), under the area's 11 h minimum"
    ]
    assert (by_officer[bob].patrols_count, by_officer[bob].special_count) == (1, 1)
    assert by_officer[carol].conflict == "On leave 5–7 Jan" and by_officer[officer].conflict == ""


def test_a_festival_day_counts_as_a_shabbat_festival_duty_and_two_patrols_that_day_as_one(world, site):
    # Pesach 2026 begins on the evening of 1 April: 2 April is a yom tov (a Thursday).
    patrol = Patrol.objects.select_related("area").get(pk=_patrol(site, at(4, 14, 14)).pk)
    officer = world.users["officer"].officer
    _on(officer, _patrol(site, at(4, 2, 9)), _patrol(site, at(4, 2, 12)), _patrol(site, at(4, 1, 9)))
    suggestion = officer_suggestions(patrol, now=NOW)[0]
    assert (suggestion.patrols_count, suggestion.special_count) == (3, 1)


def test_an_officer_already_on_the_patrol_is_shown_as_such(world, patrol):
    officer = world.users["officer"].officer
    _on(officer, patrol)
    [suggestion] = officer_suggestions(patrol, now=NOW)
    assert (suggestion.suggested, suggestion.reason) == (False, "Already on this patrol")


def test_an_overlap_on_another_day_names_the_day(world, site):
    night = Patrol.objects.select_related("area").get(pk=_patrol(site, at(1, 6, 23), hours=3).pk)
    officer = world.users["officer"].officer
    _on(officer, _patrol(site, at(1, 7, 1), hours=2))
    assert officer_suggestions(night, now=NOW)[0].reason == "On a patrol at Beth Test Synagogue Wed 7 Jan 01:00–03:00"


def _officers_with_work(world, site, count: int, first: int):
    for number in range(first, first + count):
        officer = _officer(world, f"user{number}", f"Name{number}", f"PC{number:04d}")
        _on(officer, _patrol(site, at(1, 2 + number % 20, 8)), _patrol(site, at(1, 10, 20)))
        absence_create(
            officer=officer,
            kind=AbsenceKind.LEAVE,
            starts_on=date(2026, 1, 6 + number % 3),
            ends_on=date(2026, 1, 9),
            by=None,
        )


def test_the_same_number_of_queries_for_3_and_30_officers(world, site, patrol):
    _officers_with_work(world, site, 3, first=1000)
    with CaptureQueriesContext(connection) as small:
        assert len(officer_suggestions(patrol, now=NOW)) == 4
    _officers_with_work(world, site, 27, first=2000)
    with CaptureQueriesContext(connection) as large:
        assert len(officer_suggestions(patrol, now=NOW)) == 31
    assert len(small) == len(large) == 3, "\n".join(q["sql"] for q in large.captured_queries)


# ---- an absence's clashing patrols ----------------------------------------------------------------


def test_the_scheduled_patrols_an_absent_officer_is_on_are_listed_in_time_order(world, site):
    officer = world.users["officer"].officer
    inside = [_patrol(site, at(1, 8, 9)), _patrol(site, at(1, 6, 22), hours=4)]  # the night one runs into the 7th
    before = _patrol(site, at(1, 6, 20), hours=4)  # ends at midnight: on the 6th only
    after = _patrol(site, at(1, 9, 0, 30))
    cancelled = _patrol(site, at(1, 8, 14), status=PatrolStatus.CANCELLED)
    _on(officer, *inside, before, after, cancelled)
    _on(world.users["inspector_a"].officer, _patrol(site, at(1, 7, 9)))  # someone else's
    absence = absence_create(
        officer=officer, kind=AbsenceKind.SICKNESS, starts_on=date(2026, 1, 7), ends_on=date(2026, 1, 8), by=None
    )
    clashing = patrols_clashing_with_absence(absence)
    assert clashing == sorted(inside, key=lambda p: p.starts_at)
    assert clashing[0].local_starts.hour == 22
    assert patrols_clashing_with_absence(absence, since=at(1, 7, 3)) == [inside[0]]


def test_clashing_patrols_are_read_in_each_patrols_area_time_zone(world):
    from conftest import make_area

    area = make_area("nyc", name="NYC", timezone="America/New_York")
    site = make_site(area, name="Park East")
    officer = make_user("ny", role=Role.OFFICER, area=area, collar="NY1").officer
    evening = _patrol(site, at(1, 7, 1))  # 20:00 on the 6th in New York
    morning = _patrol(site, at(1, 7, 14))  # 09:00 on the 7th
    _on(officer, evening, morning)
    absence = absence_create(
        officer=officer, kind=AbsenceKind.OTHER, starts_on=date(2026, 1, 7), ends_on=date(2026, 1, 7), by=None
    )
    assert patrols_clashing_with_absence(absence) == [morning]
