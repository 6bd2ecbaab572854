"""Celery tasks of the rota: thin wrappers that take ids and call `patrols.services.rota_sync`.

Safe to run twice: a sync is idempotent (a second run over the same window writes nothing), a
run that succeeded is not run again, and a run another live process is running is left to it.
A task whose worker dies under it is handed out again (acks_late, reject_on_worker_lost, and the
broker's visibility timeout): its run — marked failed when its process was found dead — is then
run again in the same record, up to RUN_MAX_ATTEMPTS starts. Database errors are retried with
backoff; a run's error is recorded on its GenerationRun by the service before the retry.
"""

from __future__ import annotations

from datetime import date

from celery import shared_task
from django.db import InterfaceError, OperationalError

from sites.models import Area

from .models import RUN_SOFT_TIME_LIMIT_SECONDS, RUN_TIME_LIMIT_SECONDS, GenerationRun, RunStatus, RunTrigger
from .services import (
    escalation_digests_queue,
    generation_runs_fail_dead,
    generation_runs_start_nightly,
    patrols_mark_outcomes,
    rota_sync,
)


@shared_task(
    autoretry_for=(OperationalError, InterfaceError),
    retry_backoff=30,
    retry_backoff_max=600,
    retry_jitter=True,
    max_retries=5,
    soft_time_limit=RUN_SOFT_TIME_LIMIT_SECONDS,
    time_limit=RUN_TIME_LIMIT_SECONDS,
    acks_late=True,
    reject_on_worker_lost=True,
)
def generate_rota_for_area(
    area_id: int, days: int | None = None, trigger: str = RunTrigger.NIGHTLY, run_id=None, until: str | None = None
):
    """Generate the rota of one area from today for `days` days (default: the horizon setting),
    or to the local date `until` (ISO text; checked by services.generation_run_start)."""
    area = Area.objects.filter(pk=area_id).first()
    if area is None:
        return None
    run = None
    if run_id is not None:
        run = GenerationRun.objects.filter(pk=run_id, area=area).first()
        if run is None or run.status == RunStatus.SUCCEEDED:
            return run_id  # already done (a redelivered message), or gone
    end = date.fromisoformat(until) if until else None
    run = rota_sync(area=area, days=days, end=end, trigger=trigger, run=run)
    return run.pk


@shared_task(acks_late=True)
def generate_rota_nightly() -> int:
    """Celery beat's 02:00 entry: one task per area, so more workers run more areas at once."""
    return len(generation_runs_start_nightly())


@shared_task(acks_late=True)
def sweep_dead_runs() -> int:
    """Celery beat's "Dead run sweep" entry (every two minutes): runs whose process stopped are
    marked failed rather than left "running"."""
    return len(generation_runs_fail_dead())


@shared_task(acks_late=True, ignore_result=True)
def mark_patrol_outcomes() -> int:
    """Celery beat's "Patrol outcomes" entry (every 15 minutes): ended patrols completed or
    missed, inspectors emailed about missed High-risk ones. Safe to run twice."""
    from django.utils import timezone

    counts = patrols_mark_outcomes(now=timezone.now())
    return counts.completed + counts.missed


@shared_task(acks_late=True, ignore_result=True, soft_time_limit=240, time_limit=300)
def send_duty_reminders() -> int:
    """Celery beat's "Duty reminders" entry (every 15 minutes): from 18:00 in each area, the
    evening reminder to each officer with a duty tomorrow, once per officer and day. Safe to run
    twice and in several workers."""
    from django.utils import timezone

    from .services.officer_notices import duty_reminders_queue

    return duty_reminders_queue(now=timezone.now())


@shared_task(acks_late=True, ignore_result=True, soft_time_limit=240, time_limit=300)
def send_escalation_digests() -> int:
    """Celery beat's "Escalation digests" entry (every five minutes): at each area's lead times
    before a Shabbat or festival, a digest of the CST places still open to its coordinators and
    inspectors. Safe to run twice and in several workers (one email per lead and person)."""
    from django.utils import timezone

    return escalation_digests_queue(now=timezone.now()).queued
