"""The rules of the diff, each through the service (`rota_sync`) against a real database."""

from datetime import UTC, date, datetime, time, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from calendar_rules.services import rule_set_active, rule_update
from patrols import services
from patrols.models import (
    Assignment,
    GenerationRun,
    Patrol,
    PatrolKind,
    PatrolStatus,
    RuleGenerationState,
    RunStatus,
    RunTrigger,
    SlotStatus,
    Visit,
    VolunteerSlot,
)
from patrols.services import (
    assignment_create,
    patrol_cancel,
    patrol_create_manual,
    patrol_restore,
    patrol_update,
    rota_sync,
    rota_writes,
)
from sites.models import Area
from sites.services import site_set_active

from .conftest import NOW, TODAY, days_later, school_rule, shabbat_rule

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen"), pytest.mark.clock]

# Mon 5 Jan .. Sun 11 Jan 2026: five school days and one Saturday.
WEEK = {"start": TODAY, "end": TODAY + timedelta(days=6)}


def sync(area, now=NOW, **window):
    return rota_sync(area=area, trigger=RunTrigger.COMMAND, now=now, **(window or WEEK))


def snapshot(area):
    """Every patrol of the area as a comparable tuple."""
    return {
        p.pk: (
            p.site_id,
            p.rule_id,
            p.occurrence_key,
            p.kind,
            p.starts_at,
            p.ends_at,
            p.officers_required,
            p.volunteers_required,
            p.status,
            p.label,
            p.pinned,
            p.cancelled_by_generator,
            p.version,
        )
        for p in Patrol.objects.filter(area=area)
    }


def test_a_new_occurrence_creates_a_patrol(area, sites):
    school_rule(area, sites)
    shabbat_rule(area, sites[:1])

    run = sync(area)

    assert run.status == RunStatus.SUCCEEDED
    assert (run.created, run.updated, run.cancelled, run.restored) == (5 * 3 + 1, 0, 0, 0)
    assert (run.window_start, run.window_end) == (TODAY, TODAY + timedelta(days=6))
    first = Patrol.objects.filter(area=area, kind=PatrolKind.POLICE).order_by("starts_at", "site_id").first()
    assert first.starts_at == datetime(2026, 1, 5, 8, 15, tzinfo=UTC)
    assert first.ends_at == datetime(2026, 1, 5, 8, 55, tzinfo=UTC)
    assert (first.label, first.status, first.pinned, first.last_run_id) == (
        "School drop-off",
        "scheduled",
        False,
        run.pk,
    )


def test_a_joint_patrol_gets_one_open_slot_per_volunteer_required(area, sites):
    shabbat_rule(area, sites, volunteers_required=3)
    sync(area)
    for patrol in Patrol.objects.filter(area=area):
        assert list(patrol.slots.values_list("status", "volunteer")) == [(SlotStatus.OPEN, None)] * 3


def test_running_twice_changes_nothing(area, sites):
    school_rule(area, sites)
    shabbat_rule(area, sites)
    sync(area)
    before = snapshot(area)
    slots_before = VolunteerSlot.objects.count()

    again = sync(area)

    assert (again.created, again.updated, again.cancelled, again.restored) == (0, 0, 0, 0)
    assert snapshot(area) == before
    assert VolunteerSlot.objects.count() == slots_before


def test_running_twice_with_nothing_changed_replans_nothing(area, sites):
    school_rule(area, sites)
    sync(area)
    again = sync(area)
    assert (again.rules_replanned, again.rules_extended, again.kept) == (0, 0, 0)


def test_a_changed_rule_updates_its_future_unedited_patrols(area, sites):
    rule = school_rule(area, sites)
    sync(area)
    rule_update(rule=rule, by=None, expected_version=rule.version, start_time=time(8, 0), duration_minutes=60)

    run = sync(area)

    assert (run.created, run.updated, run.cancelled) == (0, 15, 0)
    assert run.rules_replanned == 1
    for patrol in Patrol.objects.filter(area=area):
        assert (patrol.starts_at.time(), patrol.ends_at.time()) == (time(8, 0), time(9, 0))
        assert patrol.version == 2


def test_a_changed_rule_does_not_touch_another_rules_patrols(area, sites):
    school = school_rule(area, sites)
    shabbat_rule(area, sites)
    sync(area)
    shabbat_before = {pk: row for pk, row in snapshot(area).items() if row[1] != school.pk}
    rule_update(rule=school, by=None, expected_version=school.version, label="School gate")

    run = sync(area)

    assert run.updated == 15
    assert run.rules_replanned == 1
    assert {pk: row for pk, row in snapshot(area).items() if row[1] != school.pk} == shabbat_before


def test_a_changed_staffing_adds_or_removes_open_slots(area, sites):
    rule = shabbat_rule(area, sites[:1], volunteers_required=2)
    sync(area)
    patrol = Patrol.objects.get(area=area)

    rule_update(rule=rule, by=None, expected_version=rule.version, volunteers_required=4)
    sync(area)
    assert list(patrol.slots.values_list("status", flat=True)) == ["open"] * 4

    rule.refresh_from_db()
    rule_update(rule=rule, by=None, expected_version=rule.version, volunteers_required=1)
    sync(area)
    assert list(patrol.slots.values_list("status", flat=True)) == ["open"]


def test_a_declined_slot_holds_nobody_so_its_patrol_still_follows_its_rule(area, sites, world):
    rule = shabbat_rule(area, sites[:1], volunteers_required=2)
    sync(area)
    patrol = Patrol.objects.get(area=area)
    VolunteerSlot.objects.filter(pk=patrol.slots.first().pk).update(
        volunteer=world.objects["volunteer_a"], status=SlotStatus.DECLINED
    )
    rule_update(rule=rule, by=None, expected_version=rule.version, start_time=time(10, 0), volunteers_required=1)

    run = sync(area)

    patrol.refresh_from_db()
    assert (run.updated, run.held, patrol.starts_at.time()) == (1, 0, time(10, 0))
    # One place wanted: one open slot beside the declined one (which holds no place).
    assert sorted(patrol.slots.values_list("status", flat=True)) == ["declined", "open"]


def test_a_deactivated_rule_cancels_never_deletes_its_future_patrols(area, sites):
    rule = school_rule(area, sites)
    sync(area)
    ids = set(Patrol.objects.values_list("pk", flat=True))
    rule_set_active(rule=rule, by=None, active=False)

    run = sync(area)

    assert run.cancelled == 15
    assert set(Patrol.objects.values_list("pk", flat=True)) == ids
    assert set(Patrol.objects.values_list("status", "cancelled_by_generator")) == {(PatrolStatus.CANCELLED, True)}
    assert not RuleGenerationState.objects.filter(rule=rule).exists()
    assert sync(area).cancelled == 0


def test_a_reactivated_rule_restores_what_the_generator_cancelled(area, sites):
    rule = school_rule(area, sites)
    sync(area)
    rule_set_active(rule=rule, by=None, active=False)
    sync(area)
    rule_set_active(rule=rule, by=None, active=True)

    run = sync(area)

    assert (run.created, run.restored) == (0, 15)
    assert set(Patrol.objects.values_list("status", "cancelled_by_generator")) == {(PatrolStatus.SCHEDULED, False)}


def test_a_site_dropped_from_a_rule_has_its_future_patrols_cancelled(area, sites):
    school_rule(area, sites)
    sync(area)
    site_set_active(site=sites[0], by=None, active=False)

    run = sync(area)

    assert run.cancelled == 5
    assert set(Patrol.objects.filter(site=sites[0]).values_list("status", flat=True)) == {PatrolStatus.CANCELLED}
    assert set(Patrol.objects.exclude(site=sites[0]).values_list("status", flat=True)) == {PatrolStatus.SCHEDULED}


def _first(area, **filters):
    return Patrol.objects.filter(area=area, **filters).order_by("starts_at", "site_id").first()


def test_a_patrol_moved_by_hand_is_pinned_and_never_touched_again(area, sites):
    rule = school_rule(area, sites)
    sync(area)
    patrol = _first(area)
    moved = patrol.starts_at + timedelta(hours=1)
    patrol_update(
        patrol=patrol, by=None, expected_version=patrol.version, starts_at=moved, ends_at=moved + timedelta(hours=1)
    )
    rule_update(rule=rule, by=None, expected_version=rule.version, start_time=time(7, 30))

    run = sync(area)

    patrol.refresh_from_db()
    assert (patrol.starts_at, patrol.pinned) == (moved, True)
    assert run.updated == 14 and run.pinned == 1
    rule.refresh_from_db()
    rule_set_active(rule=rule, by=None, active=False)
    sync(area)
    patrol.refresh_from_db()
    assert (patrol.status, patrol.starts_at) == (PatrolStatus.SCHEDULED, moved)


def test_a_patrol_restaffed_by_hand_is_pinned(area, sites):
    rule = school_rule(area, sites)
    sync(area)
    patrol = _first(area)
    patrol_update(patrol=patrol, by=None, expected_version=patrol.version, officers_required=3)
    rule_update(rule=rule, by=None, expected_version=rule.version, officers_required=2)

    sync(area)

    patrol.refresh_from_db()
    assert patrol.officers_required == 3
    assert set(Patrol.objects.exclude(pk=patrol.pk).values_list("officers_required", flat=True)) == {2}


def test_a_patrol_cancelled_by_hand_stays_cancelled(area, sites):
    rule = school_rule(area, sites)
    sync(area)
    patrol = _first(area)
    patrol_cancel(patrol=patrol, by=None, reason="School closed (INSET day)", expected_version=patrol.version)
    rule_update(rule=rule, by=None, expected_version=rule.version, start_time=time(8, 30))

    run = sync(area)

    patrol.refresh_from_db()
    assert (patrol.status, patrol.cancel_reason, patrol.starts_at.time()) == (
        "cancelled",
        "School closed (INSET day)",
        time(8, 15),
    )
    assert run.restored == 0


def test_a_patrol_restored_by_hand_stays_when_its_rule_is_deactivated(area, sites):
    rule = school_rule(area, sites)
    sync(area)
    patrol = _first(area)
    patrol_cancel(patrol=patrol, by=None, reason="Mistake", expected_version=patrol.version)
    patrol_restore(patrol=patrol, by=None, expected_version=patrol.version)
    rule_set_active(rule=rule, by=None, active=False)

    sync(area)

    patrol.refresh_from_db()
    assert (patrol.status, patrol.pinned) == (PatrolStatus.SCHEDULED, True)


def test_a_hand_edit_keeps_a_history_row_naming_who(area, sites, world):
    school_rule(area, sites)
    sync(area)
    patrol = _first(area)
    inspector = world.users["inspector_a"]
    patrol_update(patrol=patrol, by=inspector, expected_version=patrol.version, label="Gate check")
    latest = patrol.history.latest()
    assert (latest.history_user, latest.history_change_reason, latest.label) == (
        inspector,
        "edited: label",
        "Gate check",
    )
    # The generator's bulk writes leave no history row; the run records them instead.
    assert patrol.history.count() == 1


def test_a_stale_edit_is_refused(area, sites):
    school_rule(area, sites)
    sync(area)
    patrol = _first(area)
    stale = patrol.version
    patrol_update(patrol=patrol, by=None, expected_version=stale, label="First")
    with pytest.raises(ValidationError, match="Someone else changed this patrol"):
        patrol_update(patrol=patrol, by=None, expected_version=stale, label="Second")


def test_a_patrol_with_assignments_slots_or_visits_is_never_deleted(area, sites, world):
    rule = shabbat_rule(area, sites[:1])
    sync(area)
    patrol = Patrol.objects.get(area=area)
    officer = world.users["officer"].officer
    assignment_create(patrol=patrol, officer=officer, by=None)
    slot = patrol.slots.first()
    VolunteerSlot.objects.filter(pk=slot.pk).update(volunteer=world.objects["volunteer_a"], status="confirmed")
    Visit.objects.create(patrol=patrol, officer=officer, checked_in_at=patrol.starts_at)
    rule_set_active(rule=rule, by=None, active=False)

    run = sync(area)

    patrol.refresh_from_db()
    # People are on it: the generator holds it (neither deletes nor cancels it) and says so.
    assert (run.cancelled, run.held) == (0, 1)
    assert patrol.status == PatrolStatus.SCHEDULED
    assert Assignment.objects.filter(patrol=patrol).count() == 1
    assert patrol.slots.count() == 2 and Visit.objects.filter(patrol=patrol).count() == 1


def _staff(patrol, world, how):
    if how == "officer":
        assignment_create(patrol=patrol, officer=world.users["officer"].officer, by=None)
    else:
        slot = patrol.slots.first()
        VolunteerSlot.objects.filter(pk=slot.pk).update(volunteer=world.objects["volunteer_a"], status=how)


@pytest.mark.parametrize("how", ["officer", SlotStatus.REQUESTED, SlotStatus.CONFIRMED])
def test_the_generator_never_moves_a_patrol_people_are_on_and_counts_it_held(area, sites, world, how):
    rule = shabbat_rule(area, sites[:2])
    sync(area)
    staffed = Patrol.objects.get(area=area, site=sites[0])
    _staff(staffed, world, how)
    before = snapshot(area)[staffed.pk]
    rule_update(rule=rule, by=None, expected_version=rule.version, start_time=time(10, 30), volunteers_required=1)

    run = sync(area)

    assert (run.updated, run.held, run.pinned) == (1, 1, 0)
    assert snapshot(area)[staffed.pk] == before
    assert Patrol.objects.get(area=area, site=sites[1]).starts_at.time() == time(10, 30)
    assert staffed.slots.count() == 2  # its places are not taken away either
    rule.refresh_from_db()
    rule_set_active(rule=rule, by=None, active=False)
    run = sync(area)
    assert (run.cancelled, run.held) == (1, 1)
    assert snapshot(area)[staffed.pk] == before


def test_the_generator_does_not_double_book_an_officer_by_moving_their_patrol(area, sites, world, frozen):
    # The reviewer's case: an officer on a generated patrol and on a manual one two hours later;
    # the rule moves to 10:30, which would make the two overlap.
    rule = school_rule(area, sites[:1])
    sync(area)
    officer = world.users["officer"].officer
    generated = Patrol.objects.filter(rule=rule).order_by("starts_at")[1]
    assignment_create(patrol=generated, officer=officer, by=None)
    later = generated.starts_at + timedelta(hours=2)
    manual = patrol_create_manual(site=sites[0], starts_at=later, ends_at=later + timedelta(hours=1), by=None)
    assignment_create(patrol=manual, officer=officer, by=None)
    rule_update(rule=rule, by=None, expected_version=rule.version, start_time=time(10, 30))

    run = sync(area)

    generated.refresh_from_db()
    assert run.held == 1
    assert generated.ends_at <= manual.starts_at  # still apart: not double-booked


def test_past_patrols_never_change(area, sites):
    rule = school_rule(area, sites)
    sync(area)
    before = snapshot(area)
    # Wednesday 10:00: Monday's to Wednesday's patrols have started.
    later = days_later(2, hours=3)
    rule_update(rule=rule, by=None, expected_version=rule.version, start_time=time(9, 0))
    run = sync(area, now=later)
    rule.refresh_from_db()
    rule_set_active(rule=rule, by=None, active=False)
    sync(area, now=later)

    past = {pk: row for pk, row in before.items() if row[4] < later}
    assert len(past) == 9
    after = snapshot(area)
    assert {pk: after[pk] for pk in past} == past
    assert run.updated == 6


def test_a_patrol_in_progress_counts_as_past(area, sites):
    rule = school_rule(area, sites)
    sync(area)
    during = datetime(2026, 1, 5, 8, 30, tzinfo=UTC)
    rule_set_active(rule=rule, by=None, active=False)
    run = sync(area, now=during)
    assert run.cancelled == 12
    assert Patrol.objects.filter(status=PatrolStatus.SCHEDULED).count() == 3


def test_manual_patrols_are_left_alone(area, sites):
    rule = school_rule(area, sites)
    start = datetime(2026, 1, 6, 8, 15, tzinfo=UTC)
    manual = patrol_create_manual(
        site=sites[0], starts_at=start, ends_at=start + timedelta(minutes=40), by=None, label="Extra"
    )
    sync(area)
    rule_set_active(rule=rule, by=None, active=False)
    sync(area)
    manual.refresh_from_db()
    assert (manual.status, manual.version, manual.rule_id, manual.last_run_id) == (
        PatrolStatus.SCHEDULED,
        1,
        None,
        None,
    )


def test_the_nightly_step_plans_only_the_new_day(area, sites):
    school_rule(area, sites)
    sync(area)  # Mon..Sun
    # The next night: Tue..Mon. Only Monday 12 January is new.
    run = rota_sync(
        area=area,
        trigger=RunTrigger.NIGHTLY,
        now=days_later(1),
        start=TODAY + timedelta(days=1),
        end=TODAY + timedelta(days=7),
    )
    assert (run.created, run.updated, run.rules_replanned, run.rules_extended) == (3, 0, 0, 1)
    assert Patrol.objects.filter(starts_at__date=TODAY + timedelta(days=7)).count() == 3


def test_a_window_that_starts_before_the_reconciled_span_replans_in_full(area, sites):
    school_rule(area, sites)
    sync(area, start=TODAY + timedelta(days=2), end=TODAY + timedelta(days=6))
    run = sync(area)
    assert (run.created, run.rules_replanned) == (6, 1)


def test_a_longer_earlier_window_is_reconciled_when_the_rule_changes(area, sites):
    rule = school_rule(area, sites)
    sync(area, start=TODAY, end=TODAY + timedelta(days=13))  # two weeks
    rule_update(rule=rule, by=None, expected_version=rule.version, start_time=time(8, 30))
    run = sync(area)  # one week only
    assert run.updated == 30
    assert set(Patrol.objects.values_list("starts_at__hour", "starts_at__minute")) == {(8, 30)}


def test_a_failing_run_records_its_error_and_leaves_the_rota_as_it_was(area, sites, monkeypatch):
    school = school_rule(area, sites)
    shabbat_rule(area, sites)
    sync(area)
    before = snapshot(area)
    rule_set_active(rule=school, by=None, active=False)
    shabbat_rule(area, sites, label="Shabbat afternoon", start_time=time(14, 0))

    def explode(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(rota_writes, "apply_cancels", explode)  # after the creates and updates were written
    with pytest.raises(RuntimeError):
        sync(area)

    failed = GenerationRun.objects.latest("id")
    assert (failed.status, failed.error, failed.created) == (RunStatus.FAILED, "RuntimeError: disk full", 0)
    assert failed.finished_at is not None
    assert snapshot(area) == before
    monkeypatch.undo()
    assert sync(area).created == 3 + 0  # the new rule's Saturday patrols; nothing was half-written


def test_a_run_started_from_a_queued_record_fills_it_in(area, sites, world):
    school_rule(area, sites)
    queued = services.generation_run_queue(area=area, trigger=RunTrigger.MANUAL, by=world.users["inspector_a"])
    run = rota_sync(area=area, trigger=RunTrigger.MANUAL, run=queued, now=NOW, **WEEK)
    assert run.pk == queued.pk
    queued.refresh_from_db()
    assert (queued.status, queued.created, queued.progress) == (RunStatus.SUCCEEDED, 15, 100)
    assert queued.duration is not None


def test_an_officer_on_two_overlapping_patrols_is_refused_naming_the_other(area, sites, world):
    officer = world.users["officer"].officer
    start = datetime(2026, 1, 6, 9, 0, tzinfo=UTC)
    first = patrol_create_manual(site=sites[0], starts_at=start, ends_at=start + timedelta(hours=2), by=None)
    second = patrol_create_manual(
        site=sites[1], starts_at=start + timedelta(hours=1), ends_at=start + timedelta(hours=3), by=None
    )
    after = patrol_create_manual(
        site=sites[1], starts_at=start + timedelta(hours=2), ends_at=start + timedelta(hours=3), by=None
    )
    assignment_create(patrol=first, officer=officer, by=None)

    with pytest.raises(ValidationError) as refused:
        assignment_create(patrol=second, officer=officer, by=None)
    assert str(refused.value.messages[0]) == (
        f"{officer} is already on a patrol at {sites[0].name} on Tue 6 Jan 09:00–11:00, which overlaps this one."
    )
    assignment_create(patrol=after, officer=officer, by=None)  # back to back is fine
    with pytest.raises(ValidationError, match="already on this patrol"):
        assignment_create(patrol=first, officer=officer, by=None)


def test_one_assignment_per_officer_and_patrol_is_a_database_constraint(area, sites, world):
    from django.db import IntegrityError, transaction

    start = datetime(2026, 1, 6, 9, 0, tzinfo=UTC)
    patrol = patrol_create_manual(site=sites[0], starts_at=start, ends_at=start + timedelta(hours=2), by=None)
    officer = world.users["officer"].officer
    Assignment.objects.create(patrol=patrol, officer=officer)
    with pytest.raises(IntegrityError), transaction.atomic():
        Assignment.objects.create(patrol=patrol, officer=officer)


def test_a_patrol_must_end_after_it_starts_in_the_database(area, sites):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        Patrol.objects.create(area=area, site=sites[0], starts_at=NOW, ends_at=NOW)


def test_one_patrol_per_rule_occurrence_in_the_database(area, sites):
    from django.db import IntegrityError, transaction

    school_rule(area, sites)
    sync(area)
    patrol = _first(area)
    with pytest.raises(IntegrityError), transaction.atomic():
        Patrol.objects.create(
            area=area,
            site=patrol.site,
            rule=patrol.rule,
            occurrence_key=patrol.occurrence_key,
            starts_at=patrol.starts_at,
            ends_at=patrol.ends_at,
        )


def test_the_patrol_copy_columns_are_every_column_of_the_table():
    assert set(rota_writes.PATROL_COLUMNS) == {field.column for field in Patrol._meta.concrete_fields}


def test_the_occurrence_date_is_read_back_from_the_planners_key():
    from datetime import date

    from patrols.planning import occurrence_date, occurrence_key

    assert occurrence_date(occurrence_key(12, date(2026, 9, 21), 1)) == date(2026, 9, 21)


# ---- the generator's edges: bad rules, yesterday's late patrols, gaps, guards ------------------


def _sunset_rule(area, sites):
    """Daily from 15:00 to sunset: fine in a London January (sunset ~16:10)."""
    return school_rule(
        area,
        sites,
        label="Afternoon to sunset",
        recurrence="FREQ=DAILY",
        start_time=time(15, 0),
        duration_minutes=None,
        end_anchor="sunset",
    )


def test_one_rule_that_cannot_be_planned_is_skipped_named_and_the_others_are_written(area, sites):
    school = school_rule(area, sites)
    bad = _sunset_rule(area, sites[:1])
    sync(area)
    bad_before = {pk: row for pk, row in snapshot(area).items() if row[1] == bad.pk}
    bad_state = RuleGenerationState.objects.get(rule=bad)
    # The area's time zone is set to New York while its reference point stays in London: London's
    # sunset (16:10 GMT) is 11:10 in New York, before the 15:00 start — no valid window.
    Area.objects.filter(pk=area.pk).update(timezone="America/New_York")
    area.refresh_from_db()

    run = sync(area)

    assert run.status == RunStatus.SUCCEEDED
    assert run.error == ""
    assert f'Rule {bad.pk} "Afternoon to sunset" was skipped' in run.warnings
    assert "InvalidWindow" in run.warnings and "ends 11:" in run.warnings
    # The good rule was re-planned in the new time zone (08:15 New York = 13:15 UTC)...
    assert run.updated == 15 and run.rules_replanned == 1
    assert set(Patrol.objects.filter(rule=school).values_list("starts_at__hour", flat=True)) == {13}
    # ...and the bad rule's patrols and state were left exactly as they were.
    assert {pk: row for pk, row in snapshot(area).items() if row[1] == bad.pk} == bad_before
    state = RuleGenerationState.objects.get(rule=bad)
    assert (state.fingerprint, state.last_run_id) == (bad_state.fingerprint, bad_state.last_run_id)


def test_a_skipped_rule_is_shown_on_the_runs_page_and_in_the_api(area, sites, world):
    school_rule(area, sites)
    bad = _sunset_rule(area, sites[:1])
    Area.objects.filter(pk=area.pk).update(timezone="America/New_York")
    area.refresh_from_db()
    run = sync(area)
    assert run.created == 15

    html = world.client("inspector_a").get(reverse("patrols:runs")).content.decode()
    assert "with warnings" in html and f"Rule {bad.pk} &quot;Afternoon to sunset&quot; was skipped" in html
    data = world.client("inspector_a").get(reverse("generation-run-detail", args=[run.pk])).json()
    assert data["status"] == "succeeded" and "Afternoon to sunset" in data["warnings"]


def test_a_run_without_a_start_plans_yesterdays_occurrences_that_start_after_midnight(area, sites):
    # 23:30 plus an hour: the occurrence of Sunday 4 January starts at 00:30 on Monday.
    rule = school_rule(
        area, sites[:1], label="Late patrol", recurrence="FREQ=DAILY", start_time=time(23, 30), start_offset_minutes=60
    )
    ten_past_midnight = datetime(2026, 1, 5, 0, 10, tzinfo=UTC)

    run = rota_sync(area=area, trigger=RunTrigger.NIGHTLY, now=ten_past_midnight)

    assert run.window_start == TODAY - timedelta(days=1)
    assert run.window_end == TODAY + timedelta(days=83)
    sundays = Patrol.objects.get(rule=rule, occurrence_date=TODAY - timedelta(days=1))
    assert sundays.starts_at == datetime(2026, 1, 5, 0, 30, tzinfo=UTC)


def test_a_window_starting_after_the_reconciled_span_leaves_no_gap(area, sites):
    rule = school_rule(area, sites[:1])
    sync(area, start=TODAY, end=TODAY + timedelta(days=13))
    later = sync(area, start=TODAY + timedelta(days=28), end=TODAY + timedelta(days=41))
    assert later.rules_replanned == 1  # not an "extension" claiming the gap was reconciled
    sync(area, start=TODAY, end=TODAY + timedelta(days=41))
    gap = Patrol.objects.filter(
        rule=rule, occurrence_date__gte=TODAY + timedelta(days=14), occurrence_date__lt=TODAY + timedelta(days=28)
    )
    assert gap.count() == 10  # two weeks of school days


def test_the_bulk_writes_never_overwrite_or_cancel_a_patrol_pinned_since_it_was_read(area, sites):
    from patrols.planning import PlannedPatrol
    from patrols.selectors import stored_patrols

    rule = school_rule(area, sites[:1])
    run = sync(area)
    patrol = _first(area)
    read = {p.id: p for p in stored_patrols([([rule.pk], TODAY, None)])}
    was = read[patrol.pk]
    patrol_update(patrol=patrol, by=None, expected_version=patrol.version, label="Gate check")
    planned = PlannedPatrol(
        rule.pk,
        was.site_id,
        was.occurrence_key,
        was.kind,
        was.starts_at + timedelta(hours=1),
        was.ends_at + timedelta(hours=1),
        was.officers_required,
        was.volunteers_required,
        "Generated",
    )

    rota_writes.apply_changes([(patrol.pk, planned)], [], read, run=run, stamp=NOW)
    rota_writes.apply_cancels([patrol.pk], run=run, stamp=NOW)

    patrol.refresh_from_db()
    assert (patrol.label, patrol.status, patrol.starts_at) == ("Gate check", PatrolStatus.SCHEDULED, was.starts_at)


# ---- the clocks change: one patrol a night, at the instant the DST policy gives -----------------


def _utc(*fields: int) -> datetime:
    return datetime(*fields).replace(tzinfo=UTC)


@pytest.mark.parametrize(
    ("nights", "starts"),
    [
        # Spring forward (Sun 29 March 2026, 01:00 GMT -> 02:00 BST): 01:30 does not exist that
        # night and moves forward by the gap, to 02:30 BST = 01:30 UTC.
        (
            (date(2026, 3, 28), date(2026, 3, 29), date(2026, 3, 30)),
            (_utc(2026, 3, 28, 1, 30), _utc(2026, 3, 29, 1, 30), _utc(2026, 3, 30, 0, 30)),
        ),
        # Fall back (Sun 25 October 2026, 02:00 BST -> 01:00 GMT): 01:30 happens twice that night
        # and the first (BST) one is taken, 00:30 UTC; never a second patrol at the repeat.
        (
            (date(2026, 10, 24), date(2026, 10, 25), date(2026, 10, 26)),
            (_utc(2026, 10, 24, 0, 30), _utc(2026, 10, 25, 0, 30), _utc(2026, 10, 26, 1, 30)),
        ),
    ],
    ids=["spring-forward", "fall-back"],
)
def test_a_half_past_one_patrol_comes_once_a_night_at_the_right_instant_across_a_clock_change(
    area, sites, nights, starts
):
    rule = school_rule(
        area, sites[:1], label="Small hours", recurrence="FREQ=DAILY", start_time=time(1, 30), duration_minutes=60
    )
    now = _utc(nights[0].year, nights[0].month, nights[0].day - 1, 12, 0)

    run = rota_sync(area=area, trigger=RunTrigger.COMMAND, now=now, start=nights[0], end=nights[-1])

    patrols = list(Patrol.objects.filter(rule=rule).order_by("starts_at"))
    assert run.created == 3
    assert [patrol.occurrence_date for patrol in patrols] == list(nights)
    assert [patrol.starts_at for patrol in patrols] == list(starts)
    assert {patrol.ends_at - patrol.starts_at for patrol in patrols} == {timedelta(hours=1)}
    again = rota_sync(area=area, trigger=RunTrigger.COMMAND, now=now, start=nights[0], end=nights[-1])
    assert (again.created, again.updated, again.cancelled) == (0, 0, 0)
