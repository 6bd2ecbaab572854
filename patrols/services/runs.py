"""The generator's runs: queue and start one, report its stages, record how it ended, take the
area's lock for it, and tell a run whose process died (its heartbeat, and marking it failed)."""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import partial
from types import TracebackType
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.cache import cache as django_cache
from django.core.exceptions import ValidationError
from django.db import DatabaseError, connection, connections, transaction
from django.utils import timezone

from sites.history import editor_user
from sites.models import Area, Role

from .. import run_health
from ..models import RUN_TIME_LIMIT_SECONDS, GenerationRun, RunStatus, RunTrigger
from ..selectors import run_progress_key
from .locks import area_lock

if TYPE_CHECKING:
    from sites.access import Access
    from sites.history import Editor

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

    def as_fields(self) -> dict[str, int]:
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


def generation_run_queue(*, area: Area, trigger: str, by: Editor = None) -> GenerationRun:
    """Record a run about to be started (queued); the task or command then runs it."""
    run = GenerationRun(area=area, trigger=trigger, requested_by=editor_user(by), progress_message="Queued")
    run.full_clean()
    run.save()
    return run


def generation_run_start(
    *, area: Area, by: Editor, until: date | None = None, days: int | None = None, now: datetime | None = None
) -> GenerationRun:
    """An inspector's "Generate now": a queued run, and the task enqueued once it is committed.

    `until` (a local date of the area): generate ahead to that date — e.g. months ahead, to cover
    the High Holy Days — rather than to the nightly horizon. Refused (ValidationError, code
    "until_past" or "until_too_far", nothing queued) before today or more than
    settings.ROTA_GENERATE_AHEAD_MAX_DAYS days after it. A date inside the horizon is allowed:
    the run reconciles up to the horizon anyway, and never less than it.

    If the task cannot be enqueued (the broker is down), the run is marked failed with the
    reason, so it never sits "queued" for ever."""
    if until is not None:
        today = area.today(now)
        furthest = today + timedelta(days=settings.ROTA_GENERATE_AHEAD_MAX_DAYS)
        if until < today:
            raise ValidationError(
                f"Cannot generate to {until:%-d %b %Y}: that is before today ({today:%-d %b %Y}).", code="until_past"
            )
        if until > furthest:
            raise ValidationError(
                f"Cannot generate to {until:%-d %b %Y}: the rota can be generated at most "
                f"{settings.ROTA_GENERATE_AHEAD_MAX_DAYS} days ahead, to {furthest:%-d %b %Y}.",
                code="until_too_far",
            )
        # Never less than the nightly horizon: generating "to" a near date must not look like a
        # way to shorten the rota (a run never cancels what lies beyond its window anyway).
        horizon_end = area.days_from_today(days, now=now)[1]
        if until <= horizon_end:
            until = None
    with transaction.atomic():
        run = generation_run_queue(area=area, trigger=RunTrigger.MANUAL, by=by)
        # robust: with eager Celery the task runs inside on_commit; a failing run has already
        # recorded its error on the run, and must not turn the request into a server error.
        transaction.on_commit(partial(_enqueue_run, run.pk, area_id=area.pk, days=days, until=until), robust=True)
    return run


def generation_run_after_change(*, area: Area, trigger: str, by: Editor = None) -> GenerationRun:
    """A run of `area` to its horizon because something it plans from changed (a rule saved or
    deactivated, the alert level raised or ended, a site's services or the area's settings edited):
    queued now, in the caller's transaction, and its task enqueued only once that commits — so the
    run reads what was saved, and a rolled-back change starts nothing. Runs are incremental, so a
    run per change is cheap; two in a row are serialised by the area's lock."""
    run = generation_run_queue(area=area, trigger=trigger, by=by)
    transaction.on_commit(partial(_enqueue_run, run.pk, area_id=area.pk, days=None, trigger=trigger), robust=True)
    return run


def on_plan_input_changed(sender: type, *, area: Area, by: Editor = None, **kwargs: Any) -> None:
    """A lower room's signal that something an area's run plans from changed (a site's services,
    a staffing uplift): queue a run of the area (RunTrigger.SETTINGS)."""
    generation_run_after_change(area=area, trigger=RunTrigger.SETTINGS, by=by)


def generation_runs_start_nightly() -> list[GenerationRun]:
    """The nightly run of every area: a queued run each, its task enqueued once committed. The
    task carries the run's id, so a task handed out again (its worker died) runs the same record
    rather than a new one each time."""
    runs = []
    with transaction.atomic():
        for area in Area.objects.order_by("pk"):
            run = generation_run_queue(area=area, trigger=RunTrigger.NIGHTLY)
            transaction.on_commit(
                partial(_enqueue_run, run.pk, area_id=run.area_id, days=None, trigger=RunTrigger.NIGHTLY),
                robust=True,
            )
            runs.append(run)
    return runs


def _enqueue_run(
    run_id: int, *, area_id: int, days: int | None, trigger: str = RunTrigger.MANUAL, until: date | None = None
) -> None:
    from ..tasks import generate_rota_for_area

    try:
        # The date travels as ISO text: the task's arguments are JSON.
        generate_rota_for_area.delay(
            area_id, days=days, trigger=trigger, run_id=run_id, until=until.isoformat() if until else None
        )
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


def _update_run(run: GenerationRun, **fields: Any) -> None:
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


# ---- runs that die ------------------------------------------------------------------------------
# A run's status is written outside its transaction, so a process that dies mid-run (SIGKILL, an
# out-of-memory kill, a machine that stops) would leave it "running" for good. run_health.py says
# how a dead run is told; here are the heartbeat that says a run is alive, and the one writer that
# marks dead runs failed — called by the next run of the area (rota_sync), the periodic sweep
# (tasks.sweep_dead_runs) and the runs page, the progress partial and the runs API.

# pg_advisory_lock key space of one run's liveness ('RUNL'), shifted left of the run id.
_RUN_LOCK_NAMESPACE = 0x52554E4C


def _run_lock_key(run_id: int) -> int:
    return (_RUN_LOCK_NAMESPACE << 32) + run_id


class _Heartbeat:
    """While a run works, a thread of its process holds the run's liveness lock (PostgreSQL: a
    session advisory lock, dropped by PostgreSQL the moment the process's connection closes) and
    writes `heartbeat_at` every few seconds, both on a connection of its own, outside the run's
    transaction. It beats while the run waits for the area lock too.

    `claimed` is False when another live process already holds this run's lock: the run is
    being run elsewhere (a task handed out twice) and must not be run again here.

    SQLite has one writer — the run itself, for its whole transaction — so no second connection
    could write a beat there: a run on SQLite is alive for RUN_STALE_AFTER_SECONDS after it starts
    (SQLite is for trying Shomer on one machine, where runs take seconds)."""

    def __init__(self, run_id: int) -> None:
        self.run_id = run_id
        self.interval = run_health.heartbeat_interval_seconds(settings.RUN_STALE_AFTER_SECONDS)
        self.claimed = True
        self._stop = threading.Event()
        self._ready = threading.Event()
        self._thread: threading.Thread | None = None

    def __enter__(self) -> _Heartbeat:
        if connection.vendor != "postgresql":
            return self
        self._thread = threading.Thread(target=self._beat, name=f"generation-run-{self.run_id}-heartbeat", daemon=True)
        self._thread.start()
        # The run says it is running only once its lock is held, so a run seen running with a
        # free lock is always a dead one.
        self._ready.wait()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, traceback: TracebackType | None
    ) -> None:
        if self._thread is not None:
            self._stop.set()
            self._thread.join()

    def _beat(self) -> None:
        try:
            try:
                with connection.cursor() as cursor:  # this thread's own connection
                    cursor.execute("SELECT pg_try_advisory_lock(%s)", [_run_lock_key(self.run_id)])
                    self.claimed = cursor.fetchone()[0]
            except DatabaseError:
                # The run itself will meet the same database and record why it failed.
                logger.warning("could not take the liveness lock of generation run %s", self.run_id, exc_info=True)
            finally:
                self._ready.set()
            if not self.claimed:
                return
            while not self._stop.wait(self.interval):
                try:
                    GenerationRun.objects.filter(pk=self.run_id, status=RunStatus.RUNNING).update(
                        heartbeat_at=timezone.now()
                    )
                except DatabaseError:
                    logger.warning("could not write the heartbeat of generation run %s", self.run_id, exc_info=True)
        finally:
            # Closing this thread's connection releases the liveness lock.
            connections.close_all()


def generation_runs_fail_dead(
    *, now: datetime | None = None, area_ids: Iterable[int] | None = None, run_ids: Iterable[int] | None = None
) -> list[int]:
    """Mark failed every running run whose process has stopped, and return their ids.

    A running run is dead when nobody has heard from it for RUN_STALE_AFTER_SECONDS at `now`
    (default: the clock), or — on PostgreSQL, at once — when nobody holds its liveness lock
    (see _Heartbeat). `area_ids` / `run_ids` narrow the runs looked at (default: all).

    Safe against a run that comes back to life: the check and the write are made while holding
    the run's lock, so no new attempt can claim the run in between, and the write applies only to
    the attempt that was judged (its `attempts` count), never to a newer one."""
    now = now or timezone.now()
    candidates = GenerationRun.objects.filter(status=RunStatus.RUNNING).only(
        "pk", "area_id", "attempts", "heartbeat_at", "started_at", "queued_at"
    )
    if area_ids is not None:
        candidates = candidates.filter(area_id__in=list(area_ids))
    if run_ids is not None:
        candidates = candidates.filter(pk__in=list(run_ids))
    failed = []
    for run in candidates:
        last_sign = run_health.last_sign_of_life(
            heartbeat_at=run.heartbeat_at, started_at=run.started_at, queued_at=run.queued_at
        )
        silent = run_health.is_silent(
            last_sign=last_sign, now=now, stale_after_seconds=settings.RUN_STALE_AFTER_SECONDS
        )
        if _mark_dead(run, silent=silent, last_sign=last_sign, now=now):
            failed.append(run.pk)
    return failed


def generation_runs_fail_dead_seen_by(*, access: Access) -> list[int]:
    """generation_runs_fail_dead over the runs a runs page or the runs API is about to show: those
    of the caller's inspected areas (an administrator's: all), so nobody is shown a dead run as
    running."""
    return generation_runs_fail_dead(area_ids=None if access.is_admin else access.area_ids(Role.INSPECTOR))


def _mark_dead(run: GenerationRun, *, silent: bool, last_sign: datetime | None, now: datetime) -> bool:
    lock_free = False
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_try_advisory_lock(%s)", [_run_lock_key(run.pk)])
            lock_free = cursor.fetchone()[0]
    try:
        if not (lock_free or silent):
            return False
        heard = f" It was last heard from at {last_sign:%Y-%m-%d %H:%M:%S} UTC." if last_sign else ""
        marked = GenerationRun.objects.filter(pk=run.pk, status=RunStatus.RUNNING, attempts=run.attempts).update(
            status=RunStatus.FAILED,
            finished_at=now,
            error=run_health.DEAD_RUN_ERROR + heard,
            progress=100,
            progress_message="Failed: its process stopped",
        )
    finally:
        if lock_free:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s)", [_run_lock_key(run.pk)])
    if marked:
        logger.warning("generation run %s of area %s: its process stopped; marked failed", run.pk, run.area_id)
        _forget_stages(run)
    return bool(marked)


def _claim_run(run: GenerationRun) -> bool:
    """Whether this process may start `run` (again): not when it has succeeded, not while another
    live process is running it, not after RUN_MAX_ATTEMPTS starts.

    A run marked failed because its process died — and then handed out again by Celery (a
    redelivered task) — is run again, in the same record: the work it was asked for was never
    done (its transaction rolled back), and the new attempt's outcome replaces the old error."""
    run.refresh_from_db()
    if run.status == RunStatus.SUCCEEDED:
        return False
    if run.status == RunStatus.RUNNING:
        generation_runs_fail_dead(run_ids=[run.pk])
        run.refresh_from_db()
        if run.status == RunStatus.RUNNING:
            logger.info("generation run %s is being run by another process; not starting it again", run.pk)
            return False
    if not run_health.may_start_again(run.attempts):
        _update_run(
            run,
            status=RunStatus.FAILED,
            finished_at=timezone.now(),
            error=f"Gave up after {run.attempts} attempts. The last one: {run.error}"[:5000],
            progress=100,
            progress_message="Failed",
        )
        return False
    return True
