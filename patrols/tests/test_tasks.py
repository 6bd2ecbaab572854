"""The Celery tasks (eager here), the beat entry, and the management command."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django_celery_beat.models import PeriodicTask

from patrols.models import GenerationRun, Patrol, RunStatus, RunTrigger
from patrols.services import generation_run_queue
from patrols.tasks import generate_rota_for_area, generate_rota_nightly

from .conftest import TODAY, school_rule

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen"), pytest.mark.clock]


def test_the_nightly_task_runs_one_generation_per_area(world, sites, django_capture_on_commit_callbacks):
    school_rule(world.area_a, sites)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        assert generate_rota_nightly.delay().get() == 2
    # One run enqueued per area (the other callbacks mark kept My day weeks out of date).
    assert sum(getattr(getattr(c, "func", None), "__name__", "") == "_enqueue_run" for c in callbacks) == 2
    runs = GenerationRun.objects.order_by("area__slug")
    assert [(run.area.slug, run.trigger, run.status) for run in runs] == [
        ("area-a", RunTrigger.NIGHTLY, RunStatus.SUCCEEDED),
        ("area-b", RunTrigger.NIGHTLY, RunStatus.SUCCEEDED),
    ]
    # 84 days from Monday 5 January: 12 weeks of 5 school days at 3 sites.
    assert runs[0].created == 12 * 5 * 3 == Patrol.objects.count()


def test_the_area_task_is_safe_to_run_twice(world, sites):
    school_rule(world.area_a, sites)
    generate_rota_for_area.delay(world.area_a.pk, days=7)
    before = list(Patrol.objects.values_list("pk", "version"))
    generate_rota_for_area.delay(world.area_a.pk, days=7)
    assert list(Patrol.objects.values_list("pk", "version")) == before
    assert GenerationRun.objects.latest("id").created == 0


def test_a_redelivered_task_for_a_finished_run_does_nothing(world, sites):
    school_rule(world.area_a, sites)
    run = generation_run_queue(area=world.area_a, trigger=RunTrigger.MANUAL)
    generate_rota_for_area.delay(world.area_a.pk, days=7, trigger=RunTrigger.MANUAL, run_id=run.pk)
    run.refresh_from_db()
    finished = run.finished_at
    generate_rota_for_area.delay(world.area_a.pk, days=7, trigger=RunTrigger.MANUAL, run_id=run.pk)
    run.refresh_from_db()
    assert (run.status, run.finished_at, GenerationRun.objects.count()) == (RunStatus.SUCCEEDED, finished, 1)


def test_the_area_task_retries_database_errors_with_backoff_and_has_time_limits():
    from django.db import InterfaceError, OperationalError

    assert set(generate_rota_for_area.autoretry_for) == {OperationalError, InterfaceError}
    assert generate_rota_for_area.retry_backoff and generate_rota_for_area.max_retries == 5
    assert generate_rota_for_area.soft_time_limit < generate_rota_for_area.time_limit


def test_the_nightly_beat_entry_runs_at_two_in_the_morning_london_time(db):
    entry = PeriodicTask.objects.get(name="Nightly rota")
    assert entry.task == "patrols.tasks.generate_rota_nightly" and entry.enabled
    crontab = entry.crontab
    assert (crontab.minute, crontab.hour, crontab.day_of_week, str(crontab.timezone)) == (
        "0",
        "2",
        "*",
        "Europe/London",
    )


def test_the_beat_migration_reverses(transactional_db):
    from django.core.management import call_command as run

    run("migrate", "patrols", "0001", verbosity=0)
    assert not PeriodicTask.objects.filter(name="Nightly rota").exists()
    run("migrate", "patrols", verbosity=0)
    assert PeriodicTask.objects.filter(name="Nightly rota").exists()


def test_the_command_generates_an_area_and_prints_counts(world, sites):
    school_rule(world.area_a, sites)
    out = StringIO()
    call_command("generate_rota", "--area", "area-a", "--days", "7", stdout=out)
    assert (
        "area-a: 2026-01-04..2026-01-11 created=15 updated=0 cancelled=0 restored=0 kept=0 pinned=0" in out.getvalue()
    )
    assert GenerationRun.objects.get().trigger == RunTrigger.COMMAND


def test_the_command_without_an_area_generates_every_area(world, sites):
    out = StringIO()
    call_command("generate_rota", "--days", "1", stdout=out)
    assert out.getvalue().count("created=") == 2


def test_the_command_refuses_an_unknown_area(db):
    with pytest.raises(CommandError, match="No area with slug 'nowhere'"):
        call_command("generate_rota", "--area", "nowhere")


def test_the_task_window_runs_days_ahead_from_today_and_looks_back_at_yesterday(world, sites):
    school_rule(world.area_a, sites)
    generate_rota_for_area.delay(world.area_a.pk, days=3)
    run = GenerationRun.objects.get()
    assert (run.window_start, run.window_end) == (TODAY - timedelta(days=1), TODAY + timedelta(days=2))


def test_a_run_after_a_change_starts_once_the_change_commits_and_never_for_a_rolled_back_one(
    world, sites, django_capture_on_commit_callbacks
):
    from django.db import transaction

    from patrols.services import generation_run_after_change

    school_rule(world.area_a, sites)

    class RolledBack(Exception):
        pass

    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RolledBack),
        transaction.atomic(),
    ):
        generation_run_after_change(area=world.area_a, trigger=RunTrigger.RULE, by=world.users["inspector_a"])
        raise RolledBack
    assert not callbacks and not GenerationRun.objects.exists() and not Patrol.objects.exists()

    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        run = generation_run_after_change(area=world.area_a, trigger=RunTrigger.SETTINGS, by=world.users["inspector_a"])
        # Nothing has run yet: the task waits for the commit.
        assert GenerationRun.objects.get().status == RunStatus.QUEUED
    run.refresh_from_db()
    assert (run.trigger, run.status, run.requested_by) == (
        RunTrigger.SETTINGS,
        RunStatus.SUCCEEDED,
        world.users["inspector_a"],
    )
    assert run.created == Patrol.objects.count() > 0


def test_a_lower_room_starts_a_run_through_the_signal_it_may_send(world, sites, django_capture_on_commit_callbacks):
    """calendar_rules and sites may not import patrols: they send sites.signals.area_plan_changed."""
    from sites.signals import area_plan_changed

    school_rule(world.area_a, sites)
    with django_capture_on_commit_callbacks(execute=True):
        area_plan_changed.send(sender=None, area=world.area_a, trigger="surge", by=None)
    run = GenerationRun.objects.get()
    assert (run.area, run.trigger, run.status) == (world.area_a, RunTrigger.SURGE, RunStatus.SUCCEEDED)
    with pytest.raises(ValueError, match="not a valid RunTrigger"):
        area_plan_changed.send(sender=None, area=world.area_a, trigger="whim", by=None)
