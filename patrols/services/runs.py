"""The generator's runs: queue and start one, report its stages, record how it ended, and take
the area's lock for it."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from django.core.cache import cache as django_cache
from django.db import connection, transaction
from django.utils import timezone

from sites.models import Area

from ..models import RUN_TIME_LIMIT_SECONDS, GenerationRun, RunStatus, RunTrigger
from ..selectors import run_progress_key
from .locks import area_lock

logger = logging.getLogger(__name__)


@dataclass
class RunCounts:
    created: int = 0
    updated: int = 0
    cancelled: int = 0
    restored: int = 0
    kept: int = 0
    pinned: int = 0
    held: int = 0
    rules_replanned: int = 0
    rules_extended: int = 0
    warnings: list[str] = field(default_factory=list)

    def as_fields(self) -> dict:
        return {
            "created": self.created,
            "updated": self.updated,
            "cancelled": self.cancelled,
            "restored": self.restored,
            "kept": self.kept,
            "pinned": self.pinned,
            "held": self.held,
            "rules_replanned": self.rules_replanned,
            "rules_extended": self.rules_extended,
        }


def generation_run_queue(*, area: Area, trigger: str, by=None) -> GenerationRun:
    """Record a run about to be started (queued); the task or command then runs it."""
    run = GenerationRun(area=area, trigger=trigger, requested_by=by, progress_message="Queued")
    run.full_clean()
    run.save()
    return run


def generation_run_start(*, area: Area, by, days: int | None = None) -> GenerationRun:
    """An inspector's "Generate now": a queued run, and the task enqueued once it is committed.

    If the task cannot be enqueued (the broker is down), the run is marked failed with the
    reason, so it never sits "queued" for ever."""
    with transaction.atomic():
        run = generation_run_queue(area=area, trigger=RunTrigger.MANUAL, by=by)
        # robust: with eager Celery the task runs inside on_commit; a failing run has already
        # recorded its error on the run, and must not turn the request into a server error.
        transaction.on_commit(lambda: _enqueue_run(run.pk, area_id=area.pk, days=days), robust=True)
    return run


def _enqueue_run(run_id: int, *, area_id: int, days: int | None) -> None:
    from ..tasks import generate_rota_for_area

    try:
        generate_rota_for_area.delay(area_id, days=days, trigger=RunTrigger.MANUAL, run_id=run_id)
    except Exception as error:
        # With eager Celery a run that failed has recorded its own error (it is no longer
        # queued); a run still queued was never started: the broker refused the task.
        logger.exception("could not start generation run %s", run_id)
        try:
            GenerationRun.objects.filter(pk=run_id, status=RunStatus.QUEUED).update(
                status=RunStatus.FAILED,
                finished_at=timezone.now(),
                error=f"Could not start the run: {type(error).__name__}: {error}"[:5000],
                progress=100,
                progress_message="Failed to start",
            )
        except Exception:
            logger.exception("could not record that generation run %s failed to start", run_id)


def _update_run(run: GenerationRun, **fields) -> None:
    for name, value in fields.items():
        setattr(run, name, value)
    GenerationRun.objects.filter(pk=run.pk).update(**fields)


def _report_stage(run: GenerationRun, progress: int, message: str) -> None:
    """Tell the progress page what the run is doing now. The run's own row is written inside its
    transaction, invisible until it commits, so the stage goes through the cache (Redis when
    configured, shared by every process); a cache outage never fails a run."""
    run.progress, run.progress_message = progress, message
    try:
        django_cache.set(
            run_progress_key(run.pk),
            {"progress": progress, "message": message, "at": timezone.now()},
            timeout=2 * RUN_TIME_LIMIT_SECONDS,
        )
    except Exception:
        logger.warning("could not report the progress of generation run %s", run.pk, exc_info=True)


def _forget_stages(run: GenerationRun) -> None:
    try:
        django_cache.delete(run_progress_key(run.pk))
    except Exception:
        logger.warning("could not clear the progress of generation run %s", run.pk, exc_info=True)


def _record_failure(run: GenerationRun, error: BaseException) -> None:
    """Write the error on the run after the sync's transaction has rolled back (outside it)."""
    message = f"{type(error).__name__}: {error}"[:5000]
    try:
        _update_run(
            run,
            status=RunStatus.FAILED,
            finished_at=timezone.now(),
            error=message,
            progress=100,
            progress_message="Failed",
            **RunCounts().as_fields(),
        )
    except Exception:  # the connection itself may be gone; the task's retry will try again
        logger.exception("could not record the failure of generation run %s", run.pk)


def _lock_area(area: Area, run: GenerationRun) -> None:
    if connection.vendor == "postgresql":
        area_lock(area.pk)
    else:
        # SQLite serialises writers: writing first takes the write lock for the whole transaction
        # (a reader upgrading later could fail instead of waiting).
        GenerationRun.objects.filter(pk=run.pk).update(progress=10)
