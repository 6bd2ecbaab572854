"""The only writers of patrols, assignments, slots and generation runs.

`rota_sync` is the generator (DESIGN.md §4: load → plan → diff → apply). The other services are
hand edits: each validates, writes one object in a transaction with its history record, and
pins a patrol it changes so the generator never touches it again.
"""

from __future__ import annotations

import hashlib
import logging
import threading
import time
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import cache
from importlib import metadata
from pathlib import Path
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.cache import cache as django_cache
from django.core.exceptions import ValidationError
from django.db import DatabaseError, connection, connections, transaction
from django.utils import timezone

from calendar_rules.occurrences import expand_rule
from calendar_rules.selectors import area_location
from calendar_rules.zmanim import Location
from people.models import Officer, Volunteer
from sites.history import save_with_history
from sites.models import Area, Membership, Role, Site

from . import bulk_writes, planning, run_health
from .models import (
    RUN_TIME_LIMIT_SECONDS,
    Assignment,
    GenerationRun,
    Patrol,
    PatrolKind,
    PatrolStatus,
    RuleGenerationState,
    RunStatus,
    RunTrigger,
    SlotStatus,
    VolunteerSlot,
)
from .selectors import (
    RuleToPlan,
    generation_states,
    rules_to_plan,
    run_progress_key,
    slot_places,
    stored_patrols,
)

logger = logging.getLogger(__name__)

# Bump when the way a rule becomes patrols changes in a way the source hash below cannot see.
PLANNER_VERSION = "1"
# The modules whose code decides a rule's patrols: a change to any of them changes every
# fingerprint, so the next run re-plans every rule over the whole window.
_PLANNING_MODULES = (
    "calendar_rules/occurrences.py",
    "calendar_rules/recurrence.py",
    "calendar_rules/zmanim.py",
    "calendar_rules/jewish_calendar.py",
    "patrols/planning.py",
)
# The libraries under them: the Hebrew calendar, RRULE expansion, and the time zone database.
_PLANNING_LIBRARIES = ("hebrewcal", "python-dateutil", "tzdata")
# pg_advisory_xact_lock key space of the rota generator ('ROTA'), shifted left of the area id.
_ROTA_LOCK_NAMESPACE = 0x524F5441
GENERATOR_CANCEL_REASON = "No longer planned by its rule."


# ---- the generator --------------------------------------------------------------------------


@cache
def _planning_code_version() -> str:
    digest = hashlib.sha256(PLANNER_VERSION.encode())
    root = Path(settings.BASE_DIR)
    for module in _PLANNING_MODULES:
        path = root / module
        digest.update(path.read_bytes() if path.exists() else b"-")
    for library in _PLANNING_LIBRARIES:
        try:
            digest.update(f"{library}=={metadata.version(library)}".encode())
        except metadata.PackageNotFoundError:
            digest.update(f"{library}==none".encode())
    return digest.hexdigest()


def rule_fingerprint(rule: RuleToPlan, location: Location) -> str:
    """A hash of everything a rule's patrols depend on.

    It changes when any of these change: the rule's own fields (its RuleSpec: trigger,
    recurrence, observances, window, validity, label; and its kind and staffing); the set of
    active sites it patrols (a site chosen or dropped, activated or deactivated, or a site of a
    chosen kind added); the area's reference point and time zone; and the planning code and
    calendar libraries (a hash of the planning modules' source and the versions of hebrewcal,
    dateutil and tzdata, plus PLANNER_VERSION).
    """
    payload = (
        _planning_code_version(),
        rule.spec.canonical(),
        rule.kind,
        rule.officers_required,
        rule.volunteers_required,
        tuple(sorted(rule.site_ids)),
        location.latitude,
        location.longitude,
        location.timezone,
    )
    return hashlib.sha256(repr(payload).encode()).hexdigest()


@dataclass
class _RulePlan:
    """What one run does for one rule: reconcile its patrols of the local dates first..last."""

    rule: RuleToPlan | None  # None: a retired rule (deactivated, or no longer active)
    rule_id: int
    first: date
    last: date | None  # None: no end (a retired rule's every later patrol)
    fingerprint: str = ""
    full: bool = False
    reconciled_from: date | None = None
    reconciled_until: date | None = None


@dataclass
class _Counts:
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


def generation_runs_start_nightly() -> list[GenerationRun]:
    """The nightly run of every area: a queued run each, its task enqueued once committed. The
    task carries the run's id, so a task handed out again (its worker died) runs the same record
    rather than a new one each time."""
    runs = []
    with transaction.atomic():
        for area in Area.objects.order_by("pk"):
            run = generation_run_queue(area=area, trigger=RunTrigger.NIGHTLY)
            transaction.on_commit(
                lambda run=run: _enqueue_run(run.pk, area_id=run.area_id, days=None, trigger=RunTrigger.NIGHTLY),
                robust=True,
            )
            runs.append(run)
    return runs


def _enqueue_run(run_id: int, *, area_id: int, days: int | None, trigger: str = RunTrigger.MANUAL) -> None:
    from .tasks import generate_rota_for_area

    try:
        generate_rota_for_area.delay(area_id, days=days, trigger=trigger, run_id=run_id)
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


def rota_sync(
    *,
    area: Area,
    start: date | None = None,
    end: date | None = None,
    trigger: str = RunTrigger.MANUAL,
    by=None,
    run: GenerationRun | None = None,
    now: datetime | None = None,
) -> GenerationRun:
    """Bring the stored rota of `area` in line with its rules for the local dates `start`..`end`.

    Defaults: from yesterday (in the area's time zone: an occurrence of yesterday may start after
    midnight) to today + settings.ROTA_HORIZON_DAYS - 1. `now` (default: the clock) divides past
    from future: patrols that have started never change.

    Load (selectors) → plan and diff (pure, patrols.planning) → apply (bulk writes), all in one
    transaction holding the area's lock (PostgreSQL: a transaction-scoped advisory lock on the
    area; SQLite: the database write lock, taken first), so two runs of one area never interleave
    or duplicate: the second waits, then finds nothing left to do. A run that fails rolls back
    whole, leaving the rota as it was, and records its error on the GenerationRun in a separate
    write; the exception is re-raised (the task retries database errors).

    Spans are in the *local dates of occurrences* (the date in a patrol's occurrence key, stored
    as `Patrol.occurrence_date`), never in start times, so a patrol and the plan for its key are
    always loaded together, even when a rule edit moves it across midnight or past `now`; the
    pure diff then decides by `now` what has started. A run covers the dates from yesterday (an
    occurrence of yesterday may start after midnight) or `start`, whichever is later, to `end`.

    **One bad rule does not stop the area.** A rule whose occurrences cannot be worked out (a
    window that ends before it starts on some date, a sunset that does not happen, a recurrence
    that does not parse) is skipped: its patrols and its generation state are left as they are,
    the other rules are planned and written, and the run succeeds with a warning naming the rule
    and the reason (`GenerationRun.warnings`).

    **Re-planning only what can have changed.** For each rule a RuleGenerationState keeps a
    fingerprint (see `rule_fingerprint`) and the dates [generated_from, generated_until] over
    which the rule's stored patrols were last reconciled with the plan of that fingerprint. A
    run plans:

    - the whole window (and any later part of the old span), when the rule has no state, its
      fingerprint changed, or the window starts before the reconciled span or after the day
      following it (a gap the rule was never reconciled over);
    - otherwise only the dates of the window after generated_until — the nightly step: one day;
    - for a rule that is no longer active (deactivated, or its state outlives it): nothing, and
      every future patrol of it that the generator made is cancelled; its state is dropped so a
      reactivated rule is planned afresh (and restores what was cancelled).

    Why skipping is safe: a rule's plan for a span is a function of exactly what the fingerprint
    hashes (rule fields, its active site set, the area's location and time zone, the planning code
    and calendar library versions); with the same fingerprint the plan over an already reconciled
    span is the same as last time, and the stored patrols there are as that run left them, except
    for hand edits — and hand edits pin a patrol, which the diff keeps whatever the plan says —
    and for staffing: a patrol people are on is held, kept whatever the plan says. (A service
    that takes the last person off a patrol must pin it, or drop its rule's state, for this to
    stay true.)
    Past patrols are outside every span the run loads. Manual patrols (no rule) are never loaded.
    The generator never deletes a patrol: what is no longer planned is cancelled (and may be
    restored), so assignments, slots and visits always keep their patrol.

    **A run whose process dies is not left running.** Before it starts, a run marks failed any run
    of its area whose process has stopped (`generation_runs_fail_dead`); while it works, a thread
    holds its liveness lock and beats (`_Heartbeat`). Given an existing `run` (a task handed out
    again), it runs it only when `_claim_run` allows: not a succeeded one, not one a live process
    is running, not after RUN_MAX_ATTEMPTS starts.

    Writes bypass django-simple-history on purpose: the run records them (see patrols/models.py).
    """
    now = now or timezone.now()
    today = now.astimezone(ZoneInfo(area.timezone)).date()
    yesterday = today - timedelta(days=1)
    if start is None:
        start = yesterday
        end = end or today + timedelta(days=settings.ROTA_HORIZON_DAYS - 1)
    else:
        end = end or start + timedelta(days=settings.ROTA_HORIZON_DAYS - 1)
    if end < start:
        raise ValidationError("The window ends before it starts.")
    # From the day before today at the earliest: a patrol of yesterday's occurrence may start
    # after midnight; the diff itself keeps everything that has started.
    first = max(start, yesterday)
    if run is not None and run.area_id != area.pk:
        raise ValueError(f"Run {run.pk} belongs to another area.")
    # A run of this area whose process died is marked failed now, not left "running" (the
    # sweep and the runs page would find it too; this run is the first to look).
    generation_runs_fail_dead(area_ids=[area.pk])
    if run is None:
        run = generation_run_queue(area=area, trigger=trigger, by=by)
    elif not _claim_run(run):
        return run  # finished, being run by a live process elsewhere, or given up on
    clock = time.monotonic()
    with _Heartbeat(run.pk) as heartbeat:
        if not heartbeat.claimed:  # another process took it since _claim_run looked
            logger.info("generation run %s is being run by another process; not starting it again", run.pk)
            return run
        started = timezone.now()
        _update_run(
            run,
            status=RunStatus.RUNNING,
            window_start=first,
            window_end=end,
            started_at=started,
            heartbeat_at=started,
            attempts=run.attempts + 1,
            finished_at=None,
            error="",
            warnings="",
            progress=5,
            progress_message="Waiting for the area lock",
            **_Counts().as_fields(),
        )
        _report_stage(run, 5, "Waiting for the area lock")
        try:
            with transaction.atomic():
                _lock_area(area, run)
                counts = _sync_locked(area=area, run=run, first=first, last=end, now=now)
                warnings = "\n".join(counts.warnings)
                _update_run(
                    run,
                    status=RunStatus.SUCCEEDED,
                    progress=100,
                    progress_message="Finished with warnings" if warnings else "Finished",
                    finished_at=timezone.now(),
                    warnings=warnings,
                    **counts.as_fields(),
                )
        except BaseException as error:
            _record_failure(run, error)
            raise
        finally:
            _forget_stages(run)
    logger.info(
        "rota_sync area=%s run=%s %.2fs created=%s updated=%s cancelled=%s restored=%s kept=%s pinned=%s held=%s",
        area.slug,
        run.pk,
        time.monotonic() - clock,
        run.created,
        run.updated,
        run.cancelled,
        run.restored,
        run.kept,
        run.pinned,
        run.held,
    )
    if run.warnings:
        logger.warning("rota_sync area=%s run=%s skipped rules: %s", area.slug, run.pk, run.warnings)
    return run


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
            **_Counts().as_fields(),
        )
    except Exception:  # the connection itself may be gone; the task's retry will try again
        logger.exception("could not record the failure of generation run %s", run.pk)


def _lock_area(area: Area, run: GenerationRun) -> None:
    if connection.vendor == "postgresql":
        _area_lock(area.pk)
    else:
        # SQLite serialises writers: writing first takes the write lock for the whole transaction
        # (a reader upgrading later could fail instead of waiting).
        GenerationRun.objects.filter(pk=run.pk).update(progress=10)


def _area_lock(area_id: int) -> None:
    """Take the rota lock of an area until the transaction ends: the generator holds it for its
    whole run, and every hand edit of the area's patrols, assignments and slots takes it before
    reading the patrol, so an edit and a run never interleave — the run either sees the edit (and
    keeps the pinned or staffed patrol) or finishes before the edit reads the row it wrote.
    PostgreSQL: a transaction-scoped advisory lock. SQLite: the database's single writer lock
    serialises the writes already."""
    if connection.vendor != "postgresql":
        return
    if not connection.in_atomic_block:
        raise RuntimeError("the area lock is transaction-scoped: take it inside transaction.atomic()")
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [(_ROTA_LOCK_NAMESPACE << 32) + area_id])


def _plan_rules(
    *, rules: list[RuleToPlan], states: dict[int, RuleGenerationState], location: Location, first: date, last: date
) -> list[_RulePlan]:
    plans = []
    active_ids = set()
    for rule in rules:
        active_ids.add(rule.rule_id)
        fingerprint = rule_fingerprint(rule, location)
        state = states.get(rule.rule_id)
        if (
            state is None
            or state.fingerprint != fingerprint
            or first < state.generated_from
            # A window starting after the reconciled span would leave a gap never planned.
            or first > state.generated_until + timedelta(days=1)
        ):
            # Also reconcile what an earlier, longer window generated beyond this one.
            upper = max(last, state.generated_until) if state is not None else last
            plans.append(_RulePlan(rule, rule.rule_id, first, upper, fingerprint, True, first, upper))
        elif last > state.generated_until:
            extend_from = max(first, state.generated_until + timedelta(days=1))
            plans.append(
                _RulePlan(rule, rule.rule_id, extend_from, last, fingerprint, False, state.generated_from, last)
            )
    for rule_id in states.keys() - active_ids:
        plans.append(_RulePlan(None, rule_id, first, None))
    return plans


def _expand(plan: _RulePlan, location: Location) -> planning.RulePlanInput:
    rule = plan.rule
    return planning.RulePlanInput(
        rule_id=rule.rule_id,
        kind=rule.kind,
        officers_required=rule.officers_required,
        volunteers_required=rule.volunteers_required,
        site_ids=rule.site_ids,
        occurrences=tuple(expand_rule(rule.spec, location, plan.first, plan.last)),
    )


def _skip_warning(rule: RuleToPlan, error: BaseException) -> str:
    label = rule.spec.label or "(no label)"
    reason = f"{type(error).__name__}: {error}"
    return f'Rule {rule.rule_id} "{label}" was skipped (its patrols are left as they were): {reason}'


def _sync_locked(*, area: Area, run: GenerationRun, first: date, last: date, now: datetime) -> _Counts:
    counts = _Counts()
    if last < first:
        return counts
    location = area_location(area)
    rules = rules_to_plan(area)
    states = generation_states(area)
    plans = _plan_rules(rules=rules, states=states, location=location, first=first, last=last)
    if not plans:
        return counts
    planned_rules = sum(1 for plan in plans if plan.rule is not None)
    _report_stage(run, 20, f"Planning {planned_rules} rule{'' if planned_rules == 1 else 's'}")

    # Plan each rule on its own, so one that cannot be planned is skipped — its patrols are not
    # loaded (so not read as "no longer planned") and its state is not saved — and the rest go on.
    inputs = []
    usable = []
    for plan in plans:
        if plan.rule is not None:
            try:
                rule_input = _expand(plan, location)
                planning.validate_rule(rule_input)
            except (ValueError, ArithmeticError) as error:  # InvalidWindow, RecurrenceError, zmanim
                counts.warnings.append(_skip_warning(plan.rule, error))
                continue
            inputs.append(rule_input)
        usable.append(plan)
    plans = usable

    # Load: the stored patrols of every span to reconcile, in one query.
    spans: dict[tuple, list[int]] = {}
    for plan in plans:
        spans.setdefault((plan.first, plan.last), []).append(plan.rule_id)
    stored = stored_patrols((rule_ids, span_first, span_last) for (span_first, span_last), rule_ids in spans.items())

    # Diff: pure.
    diff = planning.diff(planning.plan(inputs), stored, now=now)
    _report_stage(
        run,
        60,
        f"Writing: {len(diff.create)} new, {len(diff.update) + len(diff.restore)} changed, "
        f"{len(diff.cancel)} cancelled",
    )

    # Apply.
    stamp = timezone.now()
    counts.created = _apply_creates(diff.create, area=area, run=run, stamp=stamp)
    stored_by_id = {patrol.id: patrol for patrol in stored}
    counts.updated, counts.restored = _apply_changes(diff.update, diff.restore, stored_by_id, run=run, stamp=stamp)
    counts.cancelled = _apply_cancels(diff.cancel, run=run, stamp=stamp)
    counts.kept = diff.kept
    counts.pinned = diff.pinned
    counts.held = diff.held
    counts.rules_replanned = sum(1 for plan in plans if plan.full)
    counts.rules_extended = sum(1 for plan in plans if plan.rule is not None and not plan.full)
    for plan in plans:
        if plan.rule_id in diff.held_out_of_step:
            # A patrol of this rule is held out of step with it while people are on it: keep the
            # rule unreconciled (no fingerprint) so every run re-plans it in full until the hold
            # ends and the patrol can follow its rule again.
            plan.fingerprint = ""
    _save_states(plans, run=run)
    return counts


def occurrence_date(occurrence_key: str) -> date:
    """The local date inside a planning.occurrence_key ("s<site>:<YYYY-MM-DD>:<index>")."""
    return date.fromisoformat(occurrence_key.split(":", 2)[1])


PATROL_TABLE = Patrol._meta.db_table
SLOT_TABLE = VolunteerSlot._meta.db_table
PATROL_COLUMNS = (
    "id",
    "area_id",
    "site_id",
    "rule_id",
    "occurrence_key",
    "occurrence_date",
    "kind",
    "starts_at",
    "ends_at",
    "officers_required",
    "volunteers_required",
    "status",
    "label",
    "pinned",
    "cancelled_by_generator",
    "cancel_reason",
    "version",
    "last_run_id",
    "created_at",
    "updated_at",
)
_CHANGE_COLUMNS = (
    ("starts_at", "timestamptz"),
    ("ends_at", "timestamptz"),
    ("officers_required", "smallint"),
    ("volunteers_required", "smallint"),
    ("kind", "varchar(10)"),
    ("label", "varchar(100)"),
    ("status", "varchar(10)"),
    ("cancelled_by_generator", "boolean"),
    ("cancel_reason", "varchar(200)"),
)


def _places_wanted(kind: str, volunteers_required: int) -> int:
    return volunteers_required if kind == PatrolKind.JOINT else 0


def _apply_creates(creates, *, area: Area, run: GenerationRun, stamp: datetime) -> int:
    creates = list(creates)
    scheduled = PatrolStatus.SCHEDULED

    def values(p):
        return (
            area.pk,
            p.site_id,
            p.rule_id,
            p.occurrence_key,
            occurrence_date(p.occurrence_key),
            p.kind,
            p.starts_at,
            p.ends_at,
            p.officers_required,
            p.volunteers_required,
            scheduled,
            p.label,
            False,
            False,
            "",
            1,
            run.pk,
            stamp,
            stamp,
        )

    if bulk_writes.is_postgresql():
        # COPY lets the table's identity column number the rows (no id round trip), then one
        # INSERT ... SELECT gives each new joint patrol its open slots: the rows this run has
        # just created are the only ones with last_run = run yet (changes are written after).
        bulk_writes.insert_rows(PATROL_TABLE, PATROL_COLUMNS[1:], (values(p) for p in creates))
        bulk_writes.insert_open_slots_for_run(
            patrol_table=PATROL_TABLE,
            slot_table=SLOT_TABLE,
            run_id=run.pk,
            joint=PatrolKind.JOINT,
            open=SlotStatus.OPEN,
        )
        return len(creates)
    ids = bulk_writes.allocate_ids(PATROL_TABLE, len(creates))
    rows = ((patrol_id, *values(p)) for patrol_id, p in zip(ids, creates, strict=True))
    bulk_writes.insert_rows(PATROL_TABLE, PATROL_COLUMNS, rows)
    # A joint patrol gets one open slot per volunteer it needs.
    slots = (
        (patrol_id, SlotStatus.OPEN)
        for patrol_id, p in zip(ids, creates, strict=True)
        for _ in range(_places_wanted(p.kind, p.volunteers_required))
    )
    bulk_writes.insert_rows(SLOT_TABLE, ("patrol_id", "status"), slots)
    return len(creates)


def _apply_changes(updates, restores, stored_by_id, *, run: GenerationRun, stamp: datetime) -> tuple[int, int]:
    """Updates and restores (a generator-cancelled patrol planned again) in one bulk statement."""
    rows = []
    staffing_changed = []
    for restoring, pairs in ((False, updates), (True, restores)):
        for stored_id, planned in pairs:
            stored = stored_by_id[stored_id]
            status = PatrolStatus.SCHEDULED if restoring else stored.status
            cancelled_by_generator = False if restoring else stored.cancelled_by_generator
            reason = "" if restoring or not cancelled_by_generator else GENERATOR_CANCEL_REASON
            rows.append(
                (
                    stored.id,
                    planned.starts_at,
                    planned.ends_at,
                    planned.officers_required,
                    planned.volunteers_required,
                    planned.kind,
                    planned.label,
                    status,
                    cancelled_by_generator,
                    reason,
                )
            )
            if _places_wanted(stored.kind, stored.volunteers_required) != _places_wanted(
                planned.kind, planned.volunteers_required
            ):
                staffing_changed.append((stored.id, _places_wanted(planned.kind, planned.volunteers_required)))
    bulk_writes.update_rows(
        PATROL_TABLE,
        _CHANGE_COLUMNS,
        rows,
        extra_set="version = version + 1, last_run_id = %s, updated_at = %s",
        extra_params=(run.pk, stamp),
        # A second guard behind the area lock: never overwrite a patrol pinned by a hand edit.
        where="NOT pinned",
    )
    _match_slots(staffing_changed)
    return len(updates), len(restores)


def _match_slots(wanted: list[tuple[int, int]]) -> None:
    """Give each patrol as many places (slots not declined) as it now needs: add open slots, or
    remove surplus *open* ones. A filled slot is never removed by the generator."""
    if not wanted:
        return
    held = slot_places(patrol_id for patrol_id, _ in wanted)
    new_slots, surplus = [], []
    for patrol_id, places in wanted:
        count, open_ids = held.get(patrol_id, (0, []))
        if places > count:
            new_slots.extend((patrol_id, SlotStatus.OPEN) for _ in range(places - count))
        elif places < count:
            surplus.extend(open_ids[: count - places])
    bulk_writes.insert_rows(SLOT_TABLE, ("patrol_id", "status"), new_slots)
    # Only slots still empty: never one a coordinator has filled since they were read.
    bulk_writes.delete_ids(
        SLOT_TABLE, surplus, where="status = %s AND volunteer_id IS NULL", where_params=[SlotStatus.OPEN]
    )


def _apply_cancels(ids: list[int], *, run: GenerationRun, stamp: datetime) -> int:
    bulk_writes.update_ids(
        PATROL_TABLE,
        ids,
        "status = %s, cancelled_by_generator = %s, cancel_reason = %s, version = version + 1, "
        "last_run_id = %s, updated_at = %s",
        [PatrolStatus.CANCELLED, True, GENERATOR_CANCEL_REASON, run.pk, stamp],
        # A second guard behind the area lock: only a scheduled patrol nobody pinned.
        where="status = %s AND NOT pinned",
        where_params=[PatrolStatus.SCHEDULED],
    )
    return len(ids)


def _save_states(plans: list[_RulePlan], *, run: GenerationRun) -> None:
    retired = [plan.rule_id for plan in plans if plan.rule is None]
    if retired:
        RuleGenerationState.objects.filter(rule_id__in=retired).delete()
    states = [
        RuleGenerationState(
            rule_id=plan.rule_id,
            fingerprint=plan.fingerprint,
            generated_from=plan.reconciled_from,
            generated_until=plan.reconciled_until,
            last_run=run,
        )
        for plan in plans
        if plan.rule is not None
    ]
    if states:
        RuleGenerationState.objects.bulk_create(
            states,
            batch_size=5000,
            update_conflicts=True,
            unique_fields=["rule"],
            update_fields=["fingerprint", "generated_from", "generated_until", "last_run", "updated_at"],
        )


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

    def __init__(self, run_id: int):
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

    def __exit__(self, *exc_info) -> None:
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


def generation_runs_fail_dead(*, now: datetime | None = None, area_ids=None, run_ids=None) -> list[int]:
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


def generation_runs_fail_dead_seen_by(*, access) -> list[int]:
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


# ---- hand edits -----------------------------------------------------------------------------

_EDITABLE_FIELDS = {"starts_at", "ends_at", "officers_required", "volunteers_required", "label", "kind", "site"}


def _locked(patrol: Patrol, expected_version: int | None) -> Patrol:
    """The patrol's current row, locked, after the area's rota lock (so a hand edit and a
    generator run of the area never interleave); refused if someone changed it since
    `expected_version`. Call inside a transaction."""
    _area_lock(patrol.area_id)  # a patrol never changes area
    current = Patrol.objects.select_for_update().get(pk=patrol.pk)
    if expected_version is not None and current.version != expected_version:
        raise ValidationError(
            "Someone else changed this patrol while you were editing it. Reload it and try again.", code="stale"
        )
    return current


def _clash_message(who, bookings, *, patrol: Patrol) -> str | None:
    """ "<who> is already on a patrol at <site> on <day> <start>–<end>, which overlaps this one",
    for the first of `bookings` (assignments or CST places, each with a `patrol`) on another
    scheduled patrol overlapping `patrol`'s times, in that patrol's area time; None if none."""
    clash = (
        bookings.filter(
            patrol__status=PatrolStatus.SCHEDULED,
            patrol__starts_at__lt=patrol.ends_at,
            patrol__ends_at__gt=patrol.starts_at,
        )
        .exclude(patrol_id=patrol.pk)
        .select_related("patrol__site", "patrol__area")
        .order_by("patrol__starts_at", "patrol_id")
        .first()
    )
    if clash is None:
        return None
    other = clash.patrol
    tz = ZoneInfo(other.area.timezone)
    begins, ends = other.starts_at.astimezone(tz), other.ends_at.astimezone(tz)
    return (
        f"{who} is already on a patrol at {other.site.name} on {begins:%a %-d %b} "
        f"{begins:%H:%M}–{ends:%H:%M}, which overlaps this one."
    )


def _overlap_error(officer: Officer, *, patrol: Patrol) -> ValidationError | None:
    """The refusal for `officer` on `patrol` when they are on another overlapping patrol."""
    message = _clash_message(officer, Assignment.objects.filter(officer=officer), patrol=patrol)
    return None if message is None else ValidationError(message, code="overlap")


def _refuse_double_booking(patrol: Patrol) -> None:
    """Refuse a scheduled patrol whose (new) times overlap another patrol of an officer on it.
    The officers are locked (in id order), as assignment_create locks its officer, so a
    concurrent assignment of one of them elsewhere cannot slip past the check."""
    if patrol.status != PatrolStatus.SCHEDULED:
        return
    officers = Officer.objects.select_for_update().filter(assignments__patrol=patrol).order_by("pk")
    for officer in officers:
        error = _overlap_error(officer, patrol=patrol)
        if error is not None:
            raise error


def _sync_patrol_slots(patrol: Patrol, *, by) -> None:
    """After a hand edit of staffing: add open slots, or remove surplus open ones (with history)."""
    wanted = _places_wanted(patrol.kind, patrol.volunteers_required)
    places = list(patrol.slots.exclude(status=SlotStatus.DECLINED).order_by("-id"))
    for _ in range(wanted - len(places)):
        save_with_history(VolunteerSlot(patrol=patrol), by=by, reason="place added")
    surplus = [slot for slot in places if slot.status == SlotStatus.OPEN][: max(0, len(places) - wanted)]
    for slot in surplus:
        slot._history_user = by
        slot._change_reason = "place no longer needed"
        slot.delete()


def _copy_back(target: Patrol, source: Patrol) -> None:
    for field_ in Patrol._meta.concrete_fields:
        setattr(target, field_.attname, getattr(source, field_.attname))


@transaction.atomic
def patrol_update(*, patrol: Patrol, by, expected_version: int | None, **fields) -> Patrol:
    """Edit a patrol's time, site, kind, staffing or label by hand. The patrol is pinned.

    Refused: a patrol that has started (its time and site), a new start in the past, a site of
    another area or an inactive one, and a new time that would put an officer on it on two
    overlapping patrols."""
    unknown = set(fields) - _EDITABLE_FIELDS
    if unknown:
        raise ValueError(f"Not editable here: {', '.join(sorted(unknown))}.")
    current = _locked(patrol, expected_version)
    now = timezone.now()
    if current.starts_at <= now and ({"starts_at", "ends_at", "site"} & set(fields)):
        raise ValidationError("This patrol has started; its time and site can no longer change.", code="past")
    if "starts_at" in fields and fields["starts_at"] <= now:
        raise ValidationError({"starts_at": "A patrol cannot be moved to a time that has passed."}, code="past")
    site = fields.get("site")
    if site is not None and site.pk != current.site_id:
        if site.area_id != current.area_id:
            raise ValidationError({"site": "The site must be in the patrol's area."}, code="other_area")
        if not site.active:
            raise ValidationError({"site": f"{site.name} is not active."}, code="inactive")
    for name, value in fields.items():
        setattr(current, name, value)
    if current.ends_at <= current.starts_at:
        raise ValidationError({"ends_at": "A patrol must end after it starts."})
    if current.kind == PatrolKind.POLICE:
        current.volunteers_required = 0
    if {"starts_at", "ends_at"} & set(fields):
        _refuse_double_booking(current)
    current.pinned = True
    current.version += 1
    save_with_history(current, by=by, reason="edited: " + ", ".join(sorted(fields)))
    _sync_patrol_slots(current, by=by)
    _copy_back(patrol, current)
    return patrol


@transaction.atomic
def patrol_cancel(*, patrol: Patrol, by, reason: str, expected_version: int | None) -> Patrol:
    """Cancel a patrol by hand (it stays, with its assignments and slots). The patrol is pinned."""
    if not reason.strip():
        raise ValidationError({"reason": "Say why the patrol is cancelled."})
    current = _locked(patrol, expected_version)
    if current.status != PatrolStatus.SCHEDULED:
        raise ValidationError(f"Only a scheduled patrol can be cancelled; this one is {current.status}.")
    current.status = PatrolStatus.CANCELLED
    current.cancel_reason = reason.strip()[:200]
    current.cancelled_by_generator = False
    current.pinned = True
    current.version += 1
    save_with_history(current, by=by, reason=f"cancelled: {current.cancel_reason}")
    _copy_back(patrol, current)
    return patrol


@transaction.atomic
def patrol_restore(*, patrol: Patrol, by, expected_version: int | None) -> Patrol:
    """Put a cancelled patrol back on the rota by hand. The patrol is pinned. Refused when an
    officer still on it has since been put on another patrol that overlaps it."""
    current = _locked(patrol, expected_version)
    if current.status != PatrolStatus.CANCELLED:
        raise ValidationError("Only a cancelled patrol can be restored.")
    current.status = PatrolStatus.SCHEDULED
    _refuse_double_booking(current)
    current.cancel_reason = ""
    current.cancelled_by_generator = False
    current.pinned = True
    current.version += 1
    save_with_history(current, by=by, reason="restored")
    _copy_back(patrol, current)
    return patrol


@transaction.atomic
def patrol_create_manual(
    *,
    site: Site,
    starts_at: datetime,
    ends_at: datetime,
    by,
    kind: str = PatrolKind.POLICE,
    officers_required: int = 1,
    volunteers_required: int = 0,
    label: str = "",
) -> Patrol:
    """Add a patrol no rule made (the generator never touches it); a joint one gets its open slots.
    Refused at an inactive site, or starting at a time that has passed."""
    if kind == PatrolKind.JOINT and volunteers_required < 1:
        raise ValidationError({"volunteers_required": "A joint patrol needs at least one CST volunteer."})
    if not site.active:
        raise ValidationError({"site": f"{site.name} is not active."}, code="inactive")
    if starts_at <= timezone.now():
        raise ValidationError({"starts_at": "A patrol cannot start at a time that has passed."}, code="past")
    if ends_at <= starts_at:
        raise ValidationError({"ends_at": "A patrol must end after it starts."})
    _area_lock(site.area_id)
    patrol = Patrol(
        area_id=site.area_id,
        site=site,
        kind=kind,
        starts_at=starts_at,
        ends_at=ends_at,
        officers_required=officers_required,
        volunteers_required=volunteers_required if kind == PatrolKind.JOINT else 0,
        label=label,
    )
    save_with_history(patrol, by=by, reason="created by hand")
    _sync_patrol_slots(patrol, by=by)
    return patrol


@transaction.atomic
def assignment_create(*, patrol: Patrol, officer: Officer, by) -> Assignment:
    """Put an officer on a patrol. Refused, naming the other patrol, if they are already on one
    that overlaps it in time; refused for an officer without the officer role in the patrol's
    area. The patrol is re-read under the area's rota lock (a run never moves it meanwhile), and
    the officer locked, so two concurrent assignments of one officer cannot both pass the check.
    A patrol with an officer on it is held: the generator never moves or cancels it again."""
    current = _locked(patrol, None)
    officer = Officer.objects.select_for_update().get(pk=officer.pk)
    if not officer.active:
        raise ValidationError(f"{officer} is not active.")
    if current.status != PatrolStatus.SCHEDULED:
        raise ValidationError("Officers can only be assigned to a scheduled patrol.")
    rostered = Membership.objects.filter(user_id=officer.user_id, area_id=current.area_id, group__name=Role.OFFICER)
    if not rostered.exists():
        raise ValidationError(f"{officer} is not rostered as an officer in {current.area}.", code="not_rostered")
    if Assignment.objects.filter(patrol=current, officer=officer).exists():
        raise ValidationError(f"{officer} is already on this patrol.")
    error = _overlap_error(officer, patrol=current)
    if error is not None:
        raise error
    assignment = Assignment(patrol=current, officer=officer, assigned_by=by)
    save_with_history(assignment, by=by, reason="assigned")
    _copy_back(patrol, current)
    return assignment


# ---- CST places ---------------------------------------------------------------------------------
#
# A slot's life: open → requested (a coordinator asks a volunteer) → confirmed, or declined from
# either. A declined slot keeps the volunteer who declined (the check constraint: only an open slot
# is empty) but no longer holds a place, so the patrol gets an open slot in its stead; filling the
# declined slot again (or releasing it) gives that place back. A requested or confirmed slot holds
# the patrol: the generator never moves or cancels it (selectors.stored_patrols, `staffed`).


def _locked_slot(slot: VolunteerSlot) -> tuple[VolunteerSlot, Patrol]:
    """The slot's current row and its patrol's, locked after the area's rota lock (as every hand
    edit of the area takes it). Call inside a transaction."""
    patrol = _locked(slot.patrol, None)
    # Only the slot's row is locked: its volunteer is joined (nullable, so not lockable on PostgreSQL).
    current = VolunteerSlot.objects.select_for_update(of=("self",)).select_related("volunteer").get(pk=slot.pk)
    current.patrol = patrol
    return current, patrol


def _refuse_unless_open_to_change(patrol: Patrol, *, now: datetime, filling: bool) -> None:
    """Places change only before the patrol starts; they are filled and confirmed only on a
    scheduled joint patrol (a cancelled one may still release or decline its volunteers)."""
    if patrol.starts_at <= now:
        raise ValidationError("This patrol has started; its CST places can no longer change.", code="past")
    if filling and patrol.status != PatrolStatus.SCHEDULED:
        raise ValidationError(
            f"This patrol is {patrol.get_status_display().lower()}; only a scheduled patrol's places can be filled.",
            code="not_scheduled",
        )
    if filling and patrol.kind != PatrolKind.JOINT:
        raise ValidationError("This is no longer a joint patrol with CST.", code="not_joint")


def _volunteer_error(volunteer: Volunteer, *, patrol: Patrol, now: datetime) -> ValidationError | None:
    """Why `volunteer` cannot be on `patrol` at all (area, active, CST card on the patrol's local
    date), keyed by the `volunteer` field; None when they can."""
    if volunteer.area_id != patrol.area_id:
        return ValidationError({"volunteer": f"{volunteer} is not a volunteer of {patrol.area}."}, code="other_area")
    if not volunteer.active:
        return ValidationError({"volunteer": f"{volunteer} is not active."}, code="inactive")
    tz = ZoneInfo(patrol.area.timezone)
    patrol_day = patrol.starts_at.astimezone(tz).date()
    if volunteer.card_expires < patrol_day:
        expiry = f"{volunteer.card_expires:%-d %b %Y}"
        if volunteer.card_expires < now.astimezone(tz).date():
            message = f"{volunteer.call_sign}'s CST card expired on {expiry}."
        else:
            message = f"{volunteer.call_sign}'s CST card expires on {expiry}, before this patrol."
        return ValidationError({"volunteer": message}, code="card_expired")
    return None


def _volunteer_overlap_error(volunteer: Volunteer, *, patrol: Patrol) -> ValidationError | None:
    """The refusal for `volunteer` on `patrol` when they are asked or confirmed on another
    overlapping patrol; None when they are free."""
    bookings = VolunteerSlot.objects.filter(
        volunteer=volunteer, status__in=(SlotStatus.REQUESTED, SlotStatus.CONFIRMED)
    )
    message = _clash_message(volunteer, bookings, patrol=patrol)
    return None if message is None else ValidationError({"volunteer": message}, code="overlap")


def _copy_slot_back(target: VolunteerSlot, source: VolunteerSlot) -> None:
    for field_ in VolunteerSlot._meta.concrete_fields:
        setattr(target, field_.attname, getattr(source, field_.attname))


@transaction.atomic
def slot_fill(*, slot: VolunteerSlot, volunteer: Volunteer, by) -> VolunteerSlot:
    """Ask a volunteer to take an open (or declined) CST place: the slot becomes `requested`.

    Refused, saving nothing: a place already taken; a patrol not scheduled, not joint, or started;
    a volunteer of another area, inactive, or whose CST card runs out before the patrol's date;
    one already on this patrol; one asked or confirmed on another patrol that overlaps it."""
    current, patrol = _locked_slot(slot)
    now = timezone.now()
    _refuse_unless_open_to_change(patrol, now=now, filling=True)
    if current.status not in (SlotStatus.OPEN, SlotStatus.DECLINED):
        raise ValidationError(
            f"This place is already {current.get_status_display().lower()} for {current.volunteer}; release it first.",
            code="taken",
        )
    # Locked, as assignment_create locks its officer: two fills of one volunteer run one at a time.
    volunteer = Volunteer.objects.select_for_update().get(pk=volunteer.pk)
    error = _volunteer_error(volunteer, patrol=patrol, now=now)
    if error is not None:
        raise error
    other = VolunteerSlot.objects.filter(patrol=patrol, volunteer=volunteer).exclude(pk=current.pk).first()
    if other is not None:
        if other.status == SlotStatus.DECLINED:
            message = f"{volunteer} declined this patrol; to ask them again, fill their declined place."
        else:
            message = f"{volunteer} is already on this patrol."
        raise ValidationError({"volunteer": message}, code="already_on_patrol")
    error = _volunteer_overlap_error(volunteer, patrol=patrol)
    if error is not None:
        raise error
    current.volunteer = volunteer
    current.status = SlotStatus.REQUESTED
    current.confirmed_by, current.confirmed_at = None, None
    save_with_history(current, by=by, reason=f"requested {volunteer}")
    # A declined place filled again holds a place once more: the open slot added in its stead goes.
    _sync_patrol_slots(patrol, by=by)
    _copy_slot_back(slot, current)
    return slot


@transaction.atomic
def slot_confirm(*, slot: VolunteerSlot, by) -> VolunteerSlot:
    """The volunteer asked for a place has agreed: `requested` → `confirmed`, naming who confirmed
    it and when. Refused when the volunteer can no longer patrol (inactive, card expired)."""
    current, patrol = _locked_slot(slot)
    now = timezone.now()
    _refuse_unless_open_to_change(patrol, now=now, filling=True)
    if current.status != SlotStatus.REQUESTED:
        raise ValidationError(
            f"Only a requested place can be confirmed; this one is {current.get_status_display().lower()}.",
            code="not_requested",
        )
    error = _volunteer_error(current.volunteer, patrol=patrol, now=now)
    if error is not None:
        raise error
    current.status = SlotStatus.CONFIRMED
    current.confirmed_by, current.confirmed_at = by, now
    save_with_history(current, by=by, reason=f"confirmed {current.volunteer}")
    _copy_slot_back(slot, current)
    return slot


@transaction.atomic
def slot_decline(*, slot: VolunteerSlot, by) -> VolunteerSlot:
    """The volunteer asked (or confirmed) cannot come: the slot is `declined`, keeping who declined,
    and the patrol gets an open slot in its place (a declined slot holds no place)."""
    current, patrol = _locked_slot(slot)
    _refuse_unless_open_to_change(patrol, now=timezone.now(), filling=False)
    if current.status not in (SlotStatus.REQUESTED, SlotStatus.CONFIRMED):
        raise ValidationError(
            f"Only a requested or confirmed place can be declined; this one is {current.get_status_display().lower()}.",
            code="not_filled",
        )
    current.status = SlotStatus.DECLINED
    current.confirmed_by, current.confirmed_at = None, None
    save_with_history(current, by=by, reason=f"declined by {current.volunteer}")
    _sync_patrol_slots(patrol, by=by)
    _copy_slot_back(slot, current)
    return slot


@transaction.atomic
def slot_release(*, slot: VolunteerSlot, by) -> VolunteerSlot:
    """Empty a place: back to `open`, no volunteer. Releasing a declined slot gives its place
    back, so the open slot added in its stead goes: the patrol keeps as many places as it needs
    (none once it is no longer joint)."""
    current, patrol = _locked_slot(slot)
    _refuse_unless_open_to_change(patrol, now=timezone.now(), filling=False)
    if current.status == SlotStatus.OPEN:
        raise ValidationError("This place is already open.", code="open")
    released = current.volunteer
    current.volunteer = None
    current.status = SlotStatus.OPEN
    current.confirmed_by, current.confirmed_at = None, None
    save_with_history(current, by=by, reason=f"released {released}")
    _sync_patrol_slots(patrol, by=by)
    _copy_slot_back(slot, current)
    return slot
