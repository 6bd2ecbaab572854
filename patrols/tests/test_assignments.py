"""Putting officers on patrols and taking them off: each hard refusal by its code and message,
soft warnings overridden only with a reason (kept on the assignment and in its history), and
nothing changed by a refusal."""

from datetime import UTC, date, datetime, timedelta

import pytest
from django.core.exceptions import ValidationError

from conftest import make_area, make_site, make_user
from patrols.models import Assignment
from patrols.services import (
    OverrideNeeded,
    assignment_create,
    assignment_delete,
    patrol_cancel,
    patrol_create_manual,
)
from people.models import AbsenceKind
from people.services import absence_create
from sites.models import Role

from .conftest import NOW

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]

HOUR = timedelta(hours=1)


def at(day: int, hour: int, minute: int = 0) -> datetime:
    """January 2026 (GMT, so London time is UTC). NOW is Mon 5 Jan 07:00."""
    return datetime(2026, 1, day, hour, minute, tzinfo=UTC)


def _patrol(site, starts_at, hours: float = 1):
    return patrol_create_manual(site=site, starts_at=starts_at, ends_at=starts_at + hours * HOUR, by=None)


@pytest.fixture
def officer(world):
    return world.users["officer"].officer


@pytest.fixture
def inspector(world):
    return world.users["inspector_a"]


@pytest.fixture
def site(world):
    return world.objects["site_a"]


def _assert_unchanged(before: int):
    assert Assignment.objects.count() == before
    assert Assignment.history.count() == before


def test_an_assignment_records_who_made_it(officer, inspector, site):
    patrol = _patrol(site, at(6, 9))
    assignment = assignment_create(patrol=patrol, officer=officer, by=inspector)
    assert (assignment.assigned_by, assignment.override_reason) == (inspector, "")
    record = assignment.history.get()
    assert (record.history_user, record.history_change_reason) == (inspector, "assigned")
    patrol.refresh_from_db()
    assert not patrol.pinned  # held by the officer on it, not pinned


def test_a_cancelled_patrol_is_refused(officer, inspector, site):
    patrol = _patrol(site, at(6, 9))
    patrol_cancel(patrol=patrol, by=None, reason="Site closed", expected_version=None)
    with pytest.raises(ValidationError) as refused:
        assignment_create(patrol=patrol, officer=officer, by=inspector)
    assert refused.value.code == "not_scheduled"
    assert refused.value.messages == ["Officers can only be assigned to a scheduled patrol."]
    _assert_unchanged(0)


def test_an_inactive_officer_is_refused(officer, inspector, site):
    officer.active = False
    officer.save()
    with pytest.raises(ValidationError) as refused:
        assignment_create(patrol=_patrol(site, at(6, 9)), officer=officer, by=inspector)
    assert refused.value.code == "inactive"
    assert refused.value.messages == [f"{officer} is not active."]
    _assert_unchanged(0)


def test_an_officer_not_rostered_in_the_area_is_refused(world, inspector, site):
    outsider = world.users["inspector_b"].officer
    with pytest.raises(ValidationError) as refused:
        assignment_create(patrol=_patrol(site, at(6, 9)), officer=outsider, by=inspector)
    assert refused.value.code == "not_rostered"
    assert refused.value.messages == [f"{outsider} is not rostered as an officer in Area A."]
    _assert_unchanged(0)


def test_the_same_officer_twice_is_refused(officer, inspector, site):
    patrol = _patrol(site, at(6, 9))
    assignment_create(patrol=patrol, officer=officer, by=inspector)
    with pytest.raises(ValidationError) as refused:
        assignment_create(patrol=patrol, officer=officer, by=inspector)
    assert refused.value.code == "duplicate"
    assert refused.value.messages == [f"{officer} is already on this patrol."]
    _assert_unchanged(1)


def test_an_overlapping_patrol_is_refused_naming_it(officer, inspector, site):
    assignment_create(patrol=_patrol(site, at(6, 9), hours=2), officer=officer, by=inspector)
    with pytest.raises(ValidationError) as refused:
        assignment_create(patrol=_patrol(site, at(6, 10)), officer=officer, by=inspector)
    assert refused.value.code == "overlap"
    assert refused.value.messages == [
        f"{officer} is already on a patrol at {site.name} on Tue 6 Jan 09:00–11:00, which overlaps this one."
    ]
    _assert_unchanged(1)


def test_an_officer_on_leave_is_refused_naming_the_absence(officer, inspector, site):
    absence_create(
        officer=officer,
        kind=AbsenceKind.LEAVE,
        starts_on=date(2026, 1, 6),
        ends_on=date(2026, 1, 8),
        note="Family wedding",
        by=inspector,
    )
    with pytest.raises(ValidationError) as refused:
        assignment_create(patrol=_patrol(site, at(6, 9)), officer=officer, by=inspector)
    assert refused.value.code == "absent"
    assert refused.value.messages == [f"{officer} is away: On leave 6–8 Jan (Family wedding)."]
    _assert_unchanged(0)


def test_a_night_patrol_into_the_first_day_of_an_absence_is_refused(officer, inspector, site):
    absence_create(
        officer=officer, kind=AbsenceKind.TRAINING, starts_on=date(2026, 1, 7), ends_on=date(2026, 1, 7), by=inspector
    )
    with pytest.raises(ValidationError) as refused:
        assignment_create(patrol=_patrol(site, at(6, 22), hours=4), officer=officer, by=inspector)
    assert refused.value.messages == [f"{officer} is away: On training 7 Jan."]
    # Ending at midnight it is not on the 7th.
    assert assignment_create(patrol=_patrol(site, at(6, 20), hours=4), officer=officer, by=inspector)


def test_an_absence_is_read_in_the_patrols_area_time_zone(inspector):
    area = make_area("new-york", name="New York", timezone="America/New_York")
    site = make_site(area, name="Park East")
    user = make_user("nypd", role=Role.OFFICER, area=area, collar="NY1")
    absence_create(
        officer=user.officer, kind=AbsenceKind.SICKNESS, starts_on=date(2026, 1, 7), ends_on=date(2026, 1, 7), by=None
    )
    # 03:00 UTC on the 7th is 22:00 on the 6th in New York: not during the absence.
    assert assignment_create(patrol=_patrol(site, at(7, 3)), officer=user.officer, by=inspector)
    with pytest.raises(ValidationError) as refused:
        assignment_create(patrol=_patrol(site, at(7, 15)), officer=user.officer, by=inspector)
    assert refused.value.code == "absent"


@pytest.fixture
def long_day(officer, inspector, site):
    """The officer on 07:00–12:00 tomorrow; a patrol 13:00–18:30 would make an 11 h 30 duty."""
    assignment_create(patrol=_patrol(site, at(6, 7), hours=5), officer=officer, by=inspector)
    return _patrol(site, at(6, 13), hours=5.5)


def test_a_duty_over_the_limit_needs_an_override(officer, inspector, long_day):
    with pytest.raises(OverrideNeeded) as refused:
        assignment_create(patrol=long_day, officer=officer, by=inspector)
    assert isinstance(refused.value, ValidationError)
    assert refused.value.code == "needs_override"
    assert refused.value.warnings == ["Duty would run 11 h 30 (07:00–18:30), over the area's 10 h limit"]
    assert refused.value.messages == [
        "Give a reason to override: Duty would run 11 h 30 (07:00–18:30), over the area's 10 h limit."
    ]
    _assert_unchanged(1)


def test_an_override_with_a_reason_assigns_and_records_the_reason(officer, inspector, long_day):
    assignment = assignment_create(
        patrol=long_day, officer=officer, by=inspector, override_reason="  Only officer trained for this site "
    )
    assert assignment.override_reason == "Only officer trained for this site"
    record = assignment.history.get()
    assert record.history_user == inspector
    assert record.history_change_reason == (
        "assigned, overriding: Duty would run 11 h 30 (07:00–18:30), over the area's 10 h limit. "
        "Reason: Only officer trained for this site"
    )


def test_a_reason_given_with_nothing_to_override_is_not_kept(officer, inspector, site):
    assignment = assignment_create(patrol=_patrol(site, at(6, 9)), officer=officer, by=inspector, override_reason="x")
    assert assignment.override_reason == ""
    assert assignment.history.get().history_change_reason == "assigned"


@pytest.mark.parametrize(
    ("reason", "message"),
    [("x" * 201, "Keep the reason to 200 characters."), ("two\nlines", "this is one line of text")],
)
def test_a_bad_override_reason_is_refused(officer, inspector, long_day, reason, message):
    with pytest.raises(ValidationError) as refused:
        assignment_create(patrol=long_day, officer=officer, by=inspector, override_reason=reason)
    assert message in " ".join(refused.value.messages)
    _assert_unchanged(1)


def test_too_little_rest_needs_an_override(officer, inspector, site):
    assignment_create(patrol=_patrol(site, at(5, 20), hours=3), officer=officer, by=inspector)  # ends 23:00
    with pytest.raises(OverrideNeeded) as refused:
        assignment_create(patrol=_patrol(site, at(6, 7)), officer=officer, by=inspector)
    assert refused.value.warnings == [
        "Only 8 h rest after the previous duty (ended Mon 23:00), under the area's 11 h minimum"
    ]
    _assert_unchanged(1)


def test_patrols_of_the_same_duty_need_no_override(officer, inspector, site):
    assignment_create(patrol=_patrol(site, at(6, 7), hours=2), officer=officer, by=inspector)
    assignment_create(patrol=_patrol(site, at(6, 12), hours=2), officer=officer, by=inspector)  # 3 h break
    assert Assignment.objects.count() == 2


def test_the_areas_own_limits_apply(world, officer, inspector, site):
    world.area_a.min_rest_hours = 8
    world.area_a.save()
    assignment_create(patrol=_patrol(site, at(5, 20), hours=3), officer=officer, by=inspector)
    assert assignment_create(patrol=_patrol(site, at(6, 7)), officer=officer, by=inspector)


def test_a_cancelled_patrol_does_not_count_towards_a_duty(officer, inspector, site):
    earlier = _patrol(site, at(6, 7), hours=5)
    assignment_create(patrol=earlier, officer=officer, by=inspector)
    patrol_cancel(patrol=earlier, by=None, reason="Site closed", expected_version=None)
    assert assignment_create(patrol=_patrol(site, at(6, 13), hours=5.5), officer=officer, by=inspector)


# ---- taking an officer off ---------------------------------------------------------------------


def test_an_officer_is_taken_off_a_patrol_to_come_with_the_reason_in_its_history(officer, inspector, site):
    assignment = assignment_create(patrol=_patrol(site, at(6, 9)), officer=officer, by=inspector)
    assignment_delete(assignment=assignment, by=inspector, reason="Court appearance")
    assert not Assignment.objects.exists()
    removed = Assignment.history.filter(history_type="-").get()
    assert (removed.history_user, removed.history_change_reason) == (inspector, "removed: Court appearance")


def test_taking_an_officer_off_without_a_reason(officer, inspector, site):
    assignment = assignment_create(patrol=_patrol(site, at(6, 9)), officer=officer, by=inspector)
    assignment_delete(assignment=assignment, by=inspector)
    assert Assignment.history.filter(history_type="-").get().history_change_reason == "removed"


def test_taking_an_officer_off_a_patrol_that_has_started_is_refused(officer, inspector, site, frozen):
    assignment = assignment_create(patrol=_patrol(site, at(5, 9), hours=2), officer=officer, by=inspector)
    frozen.move_to(NOW.replace(hour=9, minute=30))
    with pytest.raises(ValidationError) as refused:
        assignment_delete(assignment=assignment, by=inspector, reason="Mistake")
    assert refused.value.code == "started"
    assert refused.value.messages == ["This patrol started at 09:00 on Mon 5 Jan; who was on it stays on the record."]
    _assert_unchanged(1)


def test_a_bad_removal_reason_is_refused(officer, inspector, site):
    assignment = assignment_create(patrol=_patrol(site, at(6, 9)), officer=officer, by=inspector)
    with pytest.raises(ValidationError):
        assignment_delete(assignment=assignment, by=inspector, reason="a\x00b")
    _assert_unchanged(1)


def test_taking_off_an_officer_already_taken_off_is_refused(officer, inspector, site):
    assignment = assignment_create(patrol=_patrol(site, at(6, 9)), officer=officer, by=inspector)
    Assignment.objects.filter(pk=assignment.pk).delete()
    with pytest.raises(ValidationError) as refused:
        assignment_delete(assignment=assignment, by=inspector)
    assert refused.value.code == "gone"


def test_history_keeps_reasons_longer_than_a_hundred_characters(officer, inspector, site, long_day):
    """simple-history's default reason column holds 100 characters; a cancellation's or an
    override's reason is up to 200 of the inspector's own plus the service's words."""
    reason = "r" * 200
    assignment = assignment_create(patrol=long_day, officer=officer, by=inspector, override_reason=reason)
    assert assignment.history.get().history_change_reason.endswith(reason)
    patrol_cancel(patrol=long_day, by=inspector, reason=reason, expected_version=None)
    assert long_day.history.first().history_change_reason == f"cancelled: {reason}"
