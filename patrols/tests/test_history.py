"""A patrol's history (patrols.history.patrol_history): who changed what and when, newest first,
from its own records, its officers', its CST places' and the run that generated it."""

from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from conftest import make_site, make_user
from patrols.history import GENERATOR, patrol_history
from patrols.models import Assignment, GenerationRun, Patrol, PatrolKind, RunTrigger
from patrols.services import (
    assignment_create,
    patrol_cancel,
    patrol_create_manual,
    patrol_restore,
    patrol_update,
    rota_sync,
    slot_confirm,
    slot_decline,
    slot_fill,
    slot_release,
)
from sites.history import delete_with_history
from sites.models import Role

from .conftest import NOW, TODAY, make_sites, school_rule

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]

# Saturday 10 January 2026, 10:00 GMT (London is on UTC in winter).
SATURDAY_10 = datetime(2026, 1, 10, 10, 0, tzinfo=UTC)
HOUR = timedelta(hours=1)


@pytest.fixture
def inspector(world):
    user = world.users["inspector_a"]
    user.first_name, user.last_name = "Ruth", "Inspector"
    user.save()
    return user


def _joint(world, by, **fields):
    return patrol_create_manual(
        site=world.objects["site_a"],
        starts_at=SATURDAY_10,
        ends_at=SATURDAY_10 + 2 * HOUR,
        by=by,
        kind=PatrolKind.JOINT,
        volunteers_required=1,
        label="Shabbat morning",
        **fields,
    )


def _whats(patrol):
    return [entry.what for entry in patrol_history(patrol)]


def test_hand_edits_read_as_what_changed_newest_first_naming_who(world, inspector):
    patrol = _joint(world, inspector)
    patrol_update(
        patrol=patrol,
        by=inspector,
        expected_version=patrol.version,
        starts_at=SATURDAY_10 + HOUR,
        ends_at=SATURDAY_10 + 3 * HOUR,
    )
    patrol_update(patrol=patrol, by=inspector, expected_version=patrol.version, officers_required=2)
    other = make_site(world.area_a, name="Beth Other")
    patrol_update(patrol=patrol, by=inspector, expected_version=patrol.version, site=other, label="Moved")
    patrol_cancel(patrol=patrol, by=inspector, reason="Road closed", expected_version=patrol.version)
    patrol_restore(patrol=patrol, by=None, expected_version=patrol.version)

    entries = patrol_history(Patrol.objects.select_related("area").get(pk=patrol.pk))

    assert [(entry.who, entry.what, entry.reason) for entry in entries] == [
        (GENERATOR, "restored", ""),
        ("Ruth Inspector", "cancelled", "Road closed"),
        ("Ruth Inspector", "site Beth Test Synagogue → Beth Other", ""),
        ("Ruth Inspector", "label “Shabbat morning” → “Moved”", ""),
        ("Ruth Inspector", "staffing 1 → 2 officers", ""),
        ("Ruth Inspector", "moved Sat 10 Jan 10:00–12:00 → 11:00–13:00", ""),
        ("Ruth Inspector", "created by hand: joint patrol Sat 10 Jan 10:00–12:00", ""),
    ]
    assert entries == sorted(entries, key=lambda entry: entry.when, reverse=True)


def test_a_move_to_another_day_names_both_days_in_the_areas_time(world, inspector):
    patrol = _joint(world, inspector)
    summer = datetime(2026, 6, 7, 9, 0, tzinfo=UTC)  # 10:00 in London (BST)
    patrol_update(patrol=patrol, by=inspector, expected_version=patrol.version, starts_at=summer, ends_at=summer + HOUR)
    assert _whats(patrol)[0] == "moved Sat 10 Jan 10:00–12:00 → Sun 7 Jun 10:00–11:00"


def test_officers_assigned_and_removed_are_in_the_history(world, inspector):
    patrol = _joint(world, inspector)
    officer = world.users["officer"].officer
    assignment = assignment_create(patrol=patrol, officer=officer, by=inspector)
    delete_with_history(assignment, by=inspector, reason="Needed at court")

    entries = patrol_history(patrol)

    assert [(entry.what, entry.reason) for entry in entries[:2]] == [
        (f"removed {officer}", "Needed at court"),
        (f"assigned {officer}", ""),
    ]
    assert not Assignment.objects.exists()


def test_cst_places_name_the_volunteer_by_call_sign_only(world, inspector):
    coordinator = world.users["coordinator"]
    patrol = _joint(world, inspector)
    slot = patrol.slots.get()
    volunteer = world.objects["volunteer_a"]
    slot_fill(slot=slot, volunteer=volunteer, by=coordinator)
    slot_confirm(slot=slot, by=coordinator)
    slot_release(slot=slot, by=coordinator)
    slot_fill(slot=slot, volunteer=volunteer, by=coordinator)
    slot_decline(slot=slot, by=coordinator)

    whats = _whats(patrol)

    assert whats[:5] == [
        "HS-01 declined a CST place",
        "CST place asked of HS-01",
        "HS-01 released from a CST place",
        "HS-01 confirmed a CST place",
        "CST place asked of HS-01",
    ]
    assert not any(volunteer.name in what for what in whats)


def test_a_generated_patrol_names_its_run(world, inspector):
    sites = make_sites(world.area_a, 1)
    school_rule(world.area_a, sites)
    run = GenerationRun.objects.create(area=world.area_a, trigger=RunTrigger.NIGHTLY)
    rota_sync(area=world.area_a, now=NOW, start=TODAY, end=TODAY, run=run)
    patrol = Patrol.objects.get()
    run.refresh_from_db()
    assert patrol.last_run_id == run.pk

    entries = patrol_history(patrol)

    assert [(entry.who, entry.what) for entry in entries] == [
        (GENERATOR, f"generated by run {run.pk} on Mon 5 Jan 2026")
    ]
    patrol_update(patrol=patrol, by=inspector, expected_version=patrol.version, officers_required=3)
    # The first record of a generated patrol is its first hand edit: the generator wrote no record.
    assert _whats(patrol)[0] == "staffing → 3 officers"


def test_the_history_costs_the_same_queries_for_2_and_20_records(world, inspector):
    patrol = _joint(world, inspector)
    officer = world.users["officer"].officer
    other = make_user("pc2", role=Role.OFFICER, area=world.area_a, collar="PC102").officer
    run = GenerationRun.objects.create(area=world.area_a, trigger=RunTrigger.NIGHTLY)
    Patrol.objects.filter(pk=patrol.pk).update(last_run=run)

    def counted():
        fresh = Patrol.objects.select_related("area").get(pk=patrol.pk)
        with CaptureQueriesContext(connection) as queries:
            entries = patrol_history(fresh)
        return len(queries), len(entries)

    small_queries, small_entries = counted()
    for number in range(4):
        patrol_update(patrol=patrol, by=inspector, expected_version=patrol.version, officers_required=number + 2)
        assignment = assignment_create(patrol=patrol, officer=officer if number % 2 else other, by=inspector)
        delete_with_history(assignment, by=inspector, reason="swap")
        slot = patrol.slots.get()
        slot_fill(slot=slot, volunteer=world.objects["volunteer_a"], by=None)
        slot_release(slot=slot, by=None)
    large_queries, large_entries = counted()

    assert large_entries >= small_entries + 18
    assert small_queries == large_queries <= 5
