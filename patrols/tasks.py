"""Celery tasks of the rota: thin wrappers that take ids and call `patrols.services.rota_sync`.

Safe to run twice: a sync is idempotent (a second run over the same window writes nothing), and a
run that was already finished is not run again. Database errors are retried with backoff; a
run's error is recorded on its GenerationRun by the service before the retry.
"""

from __future__ import annotations

from datetime import timedelta
from functools import partial
from zoneinfo import ZoneInfo

from celery import shared_task
from django.db import InterfaceError, OperationalError, transaction
from django.utils import timezone

from sites.models import Area

from .models import RUN_SOFT_TIME_LIMIT_SECONDS, RUN_TIME_LIMIT_SECONDS, GenerationRun, RunStatus, RunTrigger
from .services import rota_sync


@shared_task(
    autoretry_for=(OperationalError, InterfaceError),
    retry_backoff=30,
    retry_backoff_max=600,
    retry_jitter=True,
    max_retries=5,
    soft_time_limit=RUN_SOFT_TIME_LIMIT_SECONDS,
    time_limit=RUN_TIME_LIMIT_SECONDS,
    acks_late=True,
)
def generate_rota_for_area(area_id: int, days: int | None = None, trigger: str = RunTrigger.NIGHTLY, run_id=None):
    """Generate the rota of one area from today for `days` days (default: the horizon setting)."""
    area = Area.objects.filter(pk=area_id).first()
    if area is None:
        return None
    run = None
    if run_id is not None:
        run = GenerationRun.objects.filter(pk=run_id, area=area).first()
        if run is None or run.status == RunStatus.SUCCEEDED:
            return run_id  # already done (a redelivered message), or gone
    end = None
    if days is not None:
        # `days` from today; the run itself also looks back at yesterday's after-midnight patrols.
        today = timezone.now().astimezone(ZoneInfo(area.timezone)).date()
        end = today + timedelta(days=max(1, int(days)) - 1)
    run = rota_sync(area=area, end=end, trigger=trigger, run=run)
    return run.pk


@shared_task(acks_late=True)
def generate_rota_nightly() -> int:
    """Celery beat's 02:00 entry: one task per area, so more workers run more areas at once."""
    area_ids = list(Area.objects.order_by("pk").values_list("pk", flat=True))
    for area_id in area_ids:
        transaction.on_commit(partial(generate_rota_for_area.delay, area_id, trigger=RunTrigger.NIGHTLY))
    return len(area_ids)
