"""Two runs of one area started at once never interleave or duplicate, and a hand edit racing a
run is never lost (PostgreSQL: real threads, the area's advisory lock)."""

import threading
import time
from datetime import time as dt_time
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections

from calendar_rules.services import rule_update
from patrols import selectors
from patrols.models import Assignment, GenerationRun, Patrol, RunStatus, RunTrigger
from patrols.services import assignment_create, patrol_create_manual, patrol_update, rota, rota_sync
from patrols.services import editing as edit_helpers

from .conftest import NOW, TODAY, make_sites, school_rule, shabbat_rule

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL's row and advisory locks")


@pytest.mark.django_db(transaction=True)
def test_two_runs_started_at_once_do_not_duplicate(world):
    sites = make_sites(world.area_a, 20)
    school_rule(world.area_a, sites)
    shabbat_rule(world.area_a, sites)
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []

    def run():
        try:
            barrier.wait()
            rota_sync(
                area=world.area_a, trigger=RunTrigger.MANUAL, now=NOW, start=TODAY, end=TODAY + timedelta(days=27)
            )
        except Exception as error:  # reported below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)

    assert not errors
    runs = list(GenerationRun.objects.order_by("finished_at"))
    assert [run.status for run in runs] == [RunStatus.SUCCEEDED, RunStatus.SUCCEEDED]
    assert sorted(run.created for run in runs) == [0, 20 * 24]
    assert Patrol.objects.count() == 20 * 24


# ---- hand edits racing a run: the same per-area lock serialises them ----------------------------


def _waiters(cursor) -> int:
    cursor.execute("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted")
    return cursor.fetchone()[0]


def _wait_for_a_waiter(timeout: float = 10.0) -> bool:
    """True once some transaction is waiting for an advisory lock (the area's rota lock)."""
    deadline = time.monotonic() + timeout
    with connection.cursor() as cursor:
        while time.monotonic() < deadline:
            if _waiters(cursor):
                return True
            time.sleep(0.02)
    return False


def _thread(target, errors):
    def run():
        try:
            target()
        except Exception as error:  # reported by the test
            errors.append(error)
        finally:
            connections.close_all()

    return threading.Thread(target=run)


@pytest.fixture
def rule_about_to_move(world):
    """A generated week of school patrols whose rule has just moved to 09:00: the next run updates
    every patrol nobody edited."""
    rule = school_rule(world.area_a, make_sites(world.area_a, 2))
    _week(world.area_a)
    # No run queued by the change itself: the test starts the run it races against.
    rule_update(rule=rule, by=None, expected_version=rule.version, start_time=dt_time(9, 0), queue_run=False)
    return Patrol.objects.filter(rule=rule).order_by("starts_at", "site_id")[2]


def _week(area):
    return rota_sync(area=area, trigger=RunTrigger.MANUAL, now=NOW, start=TODAY, end=TODAY + timedelta(days=6))


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("expected", ["none", "stale"])
def test_a_hand_edit_made_while_a_run_is_working_waits_for_it_and_is_not_lost(
    world, frozen, monkeypatch, rule_about_to_move, expected
):
    target = rule_about_to_move
    moved = target.starts_at + timedelta(hours=5)
    loaded = threading.Event()
    real_load = selectors.stored_patrols

    def load_then_let_the_edit_queue_up(ranges):
        rows = real_load(ranges)
        loaded.set()
        assert _wait_for_a_waiter(), (
            "nobody queued for the area lock"
        )  # the edit is now waiting for the area lock this run holds
        return rows

    monkeypatch.setattr(rota, "stored_patrols", load_then_let_the_edit_queue_up)
    errors: list[BaseException] = []
    refusals: list[ValidationError] = []

    def edit():
        assert loaded.wait(30)
        try:
            patrol_update(
                patrol=target,
                by=None,
                expected_version=None if expected == "none" else target.version,
                starts_at=moved,
                ends_at=moved + timedelta(minutes=40),
            )
        except ValidationError as refused:
            refusals.append(refused)

    threads = [_thread(lambda: _week(world.area_a), errors), _thread(edit, errors)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)

    assert not errors
    target.refresh_from_db()
    run = GenerationRun.objects.latest("id")
    assert run.status == RunStatus.SUCCEEDED and run.updated == 10
    if expected == "none":
        # The edit ran after the run committed, on the row the run wrote: it stands, pinned.
        assert (target.starts_at, target.pinned) == (moved, True)
    else:
        # The edit was made from the copy before the run: refused out loud, never silently lost.
        assert [refused.code for refused in refusals] == ["stale"]
        assert (target.starts_at.hour, target.pinned) == (9, False)


@pytest.mark.django_db(transaction=True)
def test_a_run_started_while_a_hand_edit_is_working_waits_and_keeps_the_edit(
    world, frozen, monkeypatch, rule_about_to_move
):
    target = rule_about_to_move
    moved = target.starts_at + timedelta(hours=5)
    editing = threading.Event()
    real_slots = edit_helpers.sync_patrol_slots

    def slots_then_let_the_run_queue_up(patrol, *, by):
        editing.set()
        assert _wait_for_a_waiter(), (
            "nobody queued for the area lock"
        )  # the run is now waiting for the area lock this edit holds
        return real_slots(patrol, by=by)

    monkeypatch.setattr(edit_helpers, "sync_patrol_slots", slots_then_let_the_run_queue_up)
    errors: list[BaseException] = []

    def edit():
        patrol_update(
            patrol=target, by=None, expected_version=target.version, starts_at=moved, ends_at=moved + timedelta(hours=1)
        )

    def run():
        assert editing.wait(30)
        _week(world.area_a)

    threads = [_thread(edit, errors), _thread(run, errors)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)

    assert not errors
    target.refresh_from_db()
    latest = GenerationRun.objects.latest("id")
    assert (target.starts_at, target.pinned) == (moved, True)
    assert (latest.status, latest.updated, latest.pinned) == (RunStatus.SUCCEEDED, 9, 1)


@pytest.mark.django_db(transaction=True)
def test_an_assignment_made_while_a_run_is_working_sees_where_the_run_moved_the_patrol(
    world, frozen, monkeypatch, rule_about_to_move
):
    target = rule_about_to_move  # 08:15–08:55 now; the run moves it to 09:00–09:40
    officer = world.users["officer"].officer
    busy_from = target.starts_at.replace(hour=9, minute=10)
    busy = patrol_create_manual(
        site=target.site, starts_at=busy_from, ends_at=busy_from + timedelta(minutes=50), by=None
    )
    assignment_create(patrol=busy, officer=officer, by=None)
    loaded = threading.Event()
    real_load = selectors.stored_patrols

    def load_then_let_the_assignment_queue_up(ranges):
        rows = real_load(ranges)
        loaded.set()
        assert _wait_for_a_waiter(), "nobody queued for the area lock"
        return rows

    monkeypatch.setattr(rota, "stored_patrols", load_then_let_the_assignment_queue_up)
    errors: list[BaseException] = []
    refusals: list[ValidationError] = []

    def assign():
        assert loaded.wait(30)
        try:
            assignment_create(patrol=target, officer=officer, by=None)
        except ValidationError as refused:
            refusals.append(refused)

    threads = [_thread(lambda: _week(world.area_a), errors), _thread(assign, errors)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)

    assert not errors
    target.refresh_from_db()
    # The assignment waited for the run and checked the patrol where the run put it (09:00),
    # which overlaps the officer's 09:10 patrol: refused, not double-booked.
    assert target.starts_at.hour == 9
    assert [refused.code for refused in refusals] == ["overlap"]
    assert not Assignment.objects.filter(patrol=target).exists()
