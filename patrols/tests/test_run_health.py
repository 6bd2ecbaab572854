"""A run whose process dies does not stay "running": the rules (pure), and the places that apply
them — the periodic sweep, the next run of the area, the runs page, the progress partial and the
runs API — with the clock stopped rather than waiting minutes. The run of a real process killed
with SIGKILL is in test_run_killed.py (PostgreSQL)."""

from datetime import UTC, datetime, timedelta

import pytest
from django.conf import settings
from django.urls import reverse
from django_celery_beat.models import PeriodicTask

from config.celery import app
from patrols import run_health
from patrols.models import GenerationRun, Patrol, RunStatus, RunTrigger
from patrols.services import generation_run_queue
from patrols.services.runs import _Heartbeat
from patrols.tasks import generate_rota_for_area, generate_rota_nightly, sweep_dead_runs

from .conftest import NOW, school_rule

STALE = settings.RUN_STALE_AFTER_SECONDS


# ---- the rules (pure) ---------------------------------------------------------------------------


def test_a_run_is_silent_only_after_the_threshold():
    beat = datetime(2026, 1, 5, 7, 0, tzinfo=UTC)
    assert not run_health.is_silent(last_sign=beat, now=beat + timedelta(seconds=120), stale_after_seconds=120)
    assert run_health.is_silent(last_sign=beat, now=beat + timedelta(seconds=121), stale_after_seconds=120)
    assert run_health.is_silent(last_sign=None, now=beat, stale_after_seconds=120)


def test_the_last_sign_of_life_is_the_latest_of_heartbeat_start_and_queueing():
    queued, started, beat = (datetime(2026, 1, 5, 7, minute, tzinfo=UTC) for minute in (0, 1, 3))
    assert run_health.last_sign_of_life(heartbeat_at=beat, started_at=started, queued_at=queued) == beat
    assert run_health.last_sign_of_life(heartbeat_at=None, started_at=started, queued_at=queued) == started
    assert run_health.last_sign_of_life(heartbeat_at=None, started_at=None, queued_at=None) is None


def test_a_run_beats_several_times_per_threshold_and_is_given_up_on_after_the_last_attempt():
    assert run_health.heartbeat_interval_seconds(120) == 20
    assert run_health.heartbeat_interval_seconds(1) == 0.5
    assert run_health.may_start_again(run_health.RUN_MAX_ATTEMPTS - 1)
    assert not run_health.may_start_again(run_health.RUN_MAX_ATTEMPTS)


# ---- configuration --------------------------------------------------------------------------------


def test_a_dead_run_is_found_within_five_minutes_by_default():
    # The threshold plus the sweep's period (two minutes, checked below).
    assert run_health.DEFAULT_STALE_AFTER_SECONDS + 2 * 60 <= 5 * 60


def test_celery_hands_a_lost_run_out_again_and_never_a_live_one():
    assert app.conf.task_acks_late and app.conf.task_reject_on_worker_lost
    assert generate_rota_for_area.acks_late and generate_rota_for_area.reject_on_worker_lost
    visibility = app.conf.broker_transport_options["visibility_timeout"]
    # Longer than a run may last, so Redis never hands a live run to a second worker; well under
    # Redis's default hour, so a lost one is run again soon.
    assert generate_rota_for_area.time_limit < visibility <= generate_rota_for_area.time_limit + 10 * 60


def test_the_sweep_runs_every_two_minutes(db):
    entry = PeriodicTask.objects.get(name="Dead run sweep")
    assert (entry.task, entry.enabled, entry.interval.every, entry.interval.period) == (
        "patrols.tasks.sweep_dead_runs",
        True,
        2,
        "minutes",
    )
    assert entry.task in app.tasks and entry.task == sweep_dead_runs.name


def test_the_sweep_migration_reverses(transactional_db):
    from django.core.management import call_command

    call_command("migrate", "patrols", "0005", verbosity=0)
    assert not PeriodicTask.objects.filter(name="Dead run sweep").exists()
    call_command("migrate", "patrols", verbosity=0)
    assert PeriodicTask.objects.filter(name="Dead run sweep").exists()


# ---- the places that look ----------------------------------------------------------------------


def _running(area, *, heard_seconds_ago: float, attempts: int = 1) -> GenerationRun:
    """A run left "running" by a process last heard from `heard_seconds_ago` before NOW."""
    run = generation_run_queue(area=area, trigger=RunTrigger.MANUAL)
    heard = NOW - timedelta(seconds=heard_seconds_ago)
    GenerationRun.objects.filter(pk=run.pk).update(
        status=RunStatus.RUNNING,
        queued_at=heard - timedelta(seconds=5),
        started_at=heard - timedelta(seconds=5),
        heartbeat_at=heard,
        attempts=attempts,
        progress=60,
        progress_message="Writing: 15 new",
    )
    run.refresh_from_db()
    return run


@pytest.fixture
def clock(stopped_clock):
    return stopped_clock


@pytest.mark.django_db
def test_the_sweep_fails_a_silent_run_and_leaves_one_that_is_alive(world, clock):
    dead = _running(world.area_a, heard_seconds_ago=STALE + 1)
    alive = _running(world.area_b, heard_seconds_ago=STALE - 1)
    done = GenerationRun.objects.create(area=world.area_a, trigger="nightly", status=RunStatus.SUCCEEDED)

    with _Heartbeat(alive.pk):  # its process still holds it (PostgreSQL: its liveness lock)
        assert sweep_dead_runs.delay().get() == 1

    dead.refresh_from_db()
    assert dead.status == RunStatus.FAILED and dead.finished_at == NOW
    assert dead.error.startswith("The process running it stopped without finishing")
    assert f"last heard from at {NOW - timedelta(seconds=STALE + 1):%Y-%m-%d %H:%M:%S} UTC" in dead.error
    assert GenerationRun.objects.get(pk=alive.pk).status == RunStatus.RUNNING
    assert GenerationRun.objects.get(pk=done.pk).status == RunStatus.SUCCEEDED


@pytest.mark.django_db
def test_the_next_run_of_the_area_fails_a_dead_one_then_generates(world, sites, clock):
    school_rule(world.area_a, sites)
    dead = _running(world.area_a, heard_seconds_ago=STALE + 1)
    other_area = _running(world.area_b, heard_seconds_ago=STALE + 1)

    generate_rota_for_area.delay(world.area_a.pk, days=7)

    dead.refresh_from_db()
    assert (dead.status, dead.error.startswith("The process running it stopped")) == (RunStatus.FAILED, True)
    new = GenerationRun.objects.exclude(pk__in=[dead.pk, other_area.pk]).get()
    assert new.status == RunStatus.SUCCEEDED and new.created == Patrol.objects.count() > 0
    # Only the area's own runs are its business; the sweep sees to the others.
    assert GenerationRun.objects.get(pk=other_area.pk).status == RunStatus.RUNNING


@pytest.mark.django_db
def test_the_progress_partial_of_a_dead_run_shows_the_failure_and_stops_polling(world, clock):
    from django.core.cache import cache

    from patrols.selectors import run_progress_key

    dead = _running(world.area_a, heard_seconds_ago=STALE + 1)
    cache.set(run_progress_key(dead.pk), {"progress": 60, "message": "Writing: 15 new", "at": NOW})
    client = world.client("inspector_a")

    partial = client.get(reverse("patrols:run_progress", args=[dead.pk])).content.decode()

    assert "hx-trigger" not in partial
    assert "Failed" in partial and "The process running it stopped without finishing" in partial
    assert cache.get(run_progress_key(dead.pk)) is None  # no stale stage left to show


@pytest.mark.django_db
def test_the_progress_partial_of_a_live_run_keeps_polling(world, clock):
    alive = _running(world.area_a, heard_seconds_ago=STALE - 1)
    with _Heartbeat(alive.pk):
        partial = world.client("inspector_a").get(reverse("patrols:run_progress", args=[alive.pk])).content.decode()
    assert 'hx-trigger="every 1s"' in partial and "stopped without finishing" not in partial
    assert GenerationRun.objects.get(pk=alive.pk).status == RunStatus.RUNNING


@pytest.mark.django_db
def test_the_runs_page_shows_a_dead_run_of_its_areas_as_failed(world, clock):
    dead = _running(world.area_a, heard_seconds_ago=STALE + 1)
    outside = _running(world.area_b, heard_seconds_ago=STALE + 1)

    html = world.client("inspector_a").get(reverse("patrols:runs")).content.decode()

    assert "The process running it stopped without finishing" in html and "Running" not in html
    assert GenerationRun.objects.get(pk=dead.pk).status == RunStatus.FAILED
    # Another area's page is not the place for it (its inspector's page, or the sweep, is).
    assert GenerationRun.objects.get(pk=outside.pk).status == RunStatus.RUNNING


@pytest.mark.django_db
def test_the_runs_api_reports_a_dead_run_as_failed(world, clock):
    dead = _running(world.area_a, heard_seconds_ago=STALE + 1)
    response = world.client("inspector_a").get(f"/api/v1/runs/{dead.pk}/")
    assert response.status_code == 200
    assert response.json()["status"] == "failed"
    assert response.json()["error"].startswith("The process running it stopped without finishing")


# ---- a task handed out again --------------------------------------------------------------------


@pytest.mark.django_db
def test_a_redelivered_task_reruns_a_run_failed_because_its_process_died(world, sites, clock):
    school_rule(world.area_a, sites)
    run = _running(world.area_a, heard_seconds_ago=STALE + 1)
    sweep_dead_runs.delay()

    generate_rota_for_area.delay(world.area_a.pk, days=7, trigger=RunTrigger.MANUAL, run_id=run.pk)

    run.refresh_from_db()
    assert (run.status, run.error, run.attempts) == (RunStatus.SUCCEEDED, "", 2)
    assert run.created == Patrol.objects.count() > 0
    assert GenerationRun.objects.count() == 1  # the same record, not a new one


@pytest.mark.django_db
def test_a_redelivered_task_leaves_a_run_its_live_process_is_running(world, sites, clock):
    school_rule(world.area_a, sites)
    run = _running(world.area_a, heard_seconds_ago=STALE - 1)

    with _Heartbeat(run.pk):
        generate_rota_for_area.delay(world.area_a.pk, days=7, trigger=RunTrigger.MANUAL, run_id=run.pk)

    run.refresh_from_db()
    assert (run.status, run.attempts, Patrol.objects.count()) == (RunStatus.RUNNING, 1, 0)


@pytest.mark.django_db
def test_a_run_started_too_many_times_is_given_up_on(world, sites, clock):
    school_rule(world.area_a, sites)
    run = _running(world.area_a, heard_seconds_ago=STALE + 1, attempts=run_health.RUN_MAX_ATTEMPTS)

    generate_rota_for_area.delay(world.area_a.pk, days=7, trigger=RunTrigger.MANUAL, run_id=run.pk)

    run.refresh_from_db()
    assert run.status == RunStatus.FAILED and Patrol.objects.count() == 0
    assert run.error.startswith(f"Gave up after {run_health.RUN_MAX_ATTEMPTS} attempts. The last one: The process")


@pytest.mark.django_db
def test_the_nightly_run_queues_a_record_per_area_so_a_redelivery_reruns_it(
    world, sites, clock, django_capture_on_commit_callbacks
):
    school_rule(world.area_a, sites)
    with django_capture_on_commit_callbacks(execute=True):
        generate_rota_nightly.delay()
    runs = list(GenerationRun.objects.order_by("area__slug"))
    assert [(run.trigger, run.status, run.attempts) for run in runs] == [("nightly", "succeeded", 1)] * 2

    # The same message again (its worker died before acknowledging it): the run is not repeated.
    generate_rota_for_area.delay(world.area_a.pk, trigger=RunTrigger.NIGHTLY, run_id=runs[0].pk)
    assert GenerationRun.objects.count() == 2 and GenerationRun.objects.get(pk=runs[0].pk).attempts == 1
