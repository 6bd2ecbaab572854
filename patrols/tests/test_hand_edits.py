"""Hand edits refuse what would make the rota wrong: double-booked officers, a site of another
area, times that have passed, inactive sites, officers not rostered as officers in the area."""

from datetime import UTC, datetime, timedelta

import pytest
from django.core.exceptions import ValidationError

from conftest import make_site, make_user
from patrols.models import Assignment, Patrol, PatrolStatus
from patrols.services import (
    assignment_create,
    patrol_cancel,
    patrol_create_manual,
    patrol_restore,
    patrol_update,
)
from sites.models import Role
from sites.services import membership_grant

from .conftest import NOW

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]

TOMORROW_9 = datetime(2026, 1, 6, 9, 0, tzinfo=UTC)
HOUR = timedelta(hours=1)


def _manual(site, starts_at, hours=1, **fields):
    return patrol_create_manual(site=site, starts_at=starts_at, ends_at=starts_at + hours * HOUR, by=None, **fields)


@pytest.fixture
def officer(world):
    return world.users["officer"].officer


@pytest.fixture
def two_patrols(world, officer):
    """The officer on a patrol at 09:00–10:00 and on another at 12:00–13:00 tomorrow."""
    site = world.objects["site_a"]
    first, second = _manual(site, TOMORROW_9), _manual(site, TOMORROW_9 + 3 * HOUR)
    assignment_create(patrol=first, officer=officer, by=None)
    assignment_create(patrol=second, officer=officer, by=None)
    return first, second


def _overlap_message(officer, site_name):
    return f"{officer} is already on a patrol at {site_name} on Tue 6 Jan 09:00–10:00, which overlaps this one."


def test_moving_a_patrol_onto_another_of_its_officers_patrols_is_refused_naming_it(world, officer, two_patrols):
    first, second = two_patrols
    with pytest.raises(ValidationError) as refused:
        patrol_update(
            patrol=second, by=None, expected_version=second.version, starts_at=TOMORROW_9, ends_at=TOMORROW_9 + HOUR
        )
    assert refused.value.code == "overlap"
    assert refused.value.messages == [_overlap_message(officer, first.site.name)]
    second.refresh_from_db()
    assert (second.starts_at, second.pinned) == (TOMORROW_9 + 3 * HOUR, False)
    # Back to back is fine.
    patrol_update(patrol=second, by=None, expected_version=second.version, starts_at=TOMORROW_9 + HOUR)


def test_restoring_a_patrol_whose_officer_was_since_put_on_an_overlapping_one_is_refused(world, officer):
    site = world.objects["site_a"]
    cancelled = _manual(site, TOMORROW_9)
    assignment_create(patrol=cancelled, officer=officer, by=None)
    patrol_cancel(patrol=cancelled, by=None, reason="Road closed", expected_version=cancelled.version)
    instead = _manual(site, TOMORROW_9 + HOUR / 2)
    assignment_create(patrol=instead, officer=officer, by=None)

    with pytest.raises(ValidationError) as refused:
        patrol_restore(patrol=cancelled, by=None, expected_version=cancelled.version)

    assert refused.value.code == "overlap"
    assert "is already on a patrol at" in refused.value.messages[0]
    cancelled.refresh_from_db()
    assert cancelled.status == PatrolStatus.CANCELLED


def test_a_patrol_cannot_move_to_a_site_of_another_area(world):
    patrol = _manual(world.objects["site_a"], TOMORROW_9)
    with pytest.raises(ValidationError) as refused:
        patrol_update(patrol=patrol, by=None, expected_version=patrol.version, site=world.objects["site_b"])
    assert refused.value.message_dict == {"site": ["The site must be in the patrol's area."]}
    patrol.refresh_from_db()
    assert patrol.site == world.objects["site_a"]


def test_a_patrol_can_move_to_another_active_site_of_its_area_but_not_an_inactive_one(world):
    patrol = _manual(world.objects["site_a"], TOMORROW_9)
    other = make_site(world.area_a, name="Other School")
    patrol_update(patrol=patrol, by=None, expected_version=patrol.version, site=other)
    assert Patrol.objects.get(pk=patrol.pk).site == other
    closed = make_site(world.area_a, name="Closed Hall", active=False)
    with pytest.raises(ValidationError, match="Closed Hall is not active"):
        patrol_update(patrol=patrol, by=None, expected_version=patrol.version, site=closed)


def test_a_patrol_cannot_be_moved_to_a_time_that_has_passed(world):
    patrol = _manual(world.objects["site_a"], TOMORROW_9)
    with pytest.raises(ValidationError) as refused:
        patrol_update(patrol=patrol, by=None, expected_version=patrol.version, starts_at=NOW - HOUR, ends_at=NOW + HOUR)
    assert list(refused.value.message_dict) == ["starts_at"]


def test_a_manual_patrol_is_refused_in_the_past_and_at_an_inactive_site(world):
    with pytest.raises(ValidationError) as refused:
        _manual(world.objects["site_a"], NOW - HOUR)
    assert list(refused.value.message_dict) == ["starts_at"]
    closed = make_site(world.area_a, name="Closed Hall", active=False)
    with pytest.raises(ValidationError) as refused:
        _manual(closed, TOMORROW_9)
    assert refused.value.message_dict == {"site": ["Closed Hall is not active."]}
    assert not Patrol.objects.exists()


def test_only_an_officer_rostered_as_an_officer_in_the_area_can_be_assigned(world):
    patrol = _manual(world.objects["site_a"], TOMORROW_9)
    # An inspector of the area with an officer profile, but not rostered as an officer there.
    inspector = world.users["inspector_a"].officer
    with pytest.raises(ValidationError, match="is not rostered as an officer in Area A"):
        assignment_create(patrol=patrol, officer=inspector, by=None)
    # An officer of another area.
    outsider = make_user("pc_b", role=Role.OFFICER, area=world.area_b, collar="PC200").officer
    with pytest.raises(ValidationError, match="is not rostered as an officer in Area A"):
        assignment_create(patrol=patrol, officer=outsider, by=None)
    membership_grant(user=outsider.user, area=world.area_a, role=Role.OFFICER)
    assignment_create(patrol=patrol, officer=outsider, by=None)
    assert Assignment.objects.filter(patrol=patrol).count() == 1


def test_assignment_reads_the_patrol_afresh_not_the_callers_stale_copy(world, officer):
    site = world.objects["site_a"]
    busy = _manual(site, TOMORROW_9)
    assignment_create(patrol=busy, officer=officer, by=None)
    patrol = _manual(site, TOMORROW_9 + 5 * HOUR)
    stale = Patrol.objects.get(pk=patrol.pk)
    patrol_update(patrol=patrol, by=None, expected_version=patrol.version, starts_at=TOMORROW_9 + HOUR / 2)
    # The caller's copy still says 14:00 (no overlap); the patrol is now at 09:30.
    with pytest.raises(ValidationError) as refused:
        assignment_create(patrol=stale, officer=officer, by=None)
    assert refused.value.code == "overlap"
    cancelled = _manual(site, TOMORROW_9 + 8 * HOUR)
    stale = Patrol.objects.get(pk=cancelled.pk)
    patrol_cancel(patrol=cancelled, by=None, reason="Closed", expected_version=cancelled.version)
    with pytest.raises(ValidationError, match="only be assigned to a scheduled patrol"):
        assignment_create(patrol=stale, officer=officer, by=None)
