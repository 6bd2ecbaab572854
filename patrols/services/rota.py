"""The rota generator (DESIGN.md §4): load → plan → diff → apply, one transaction per area."""

from __future__ import annotations

import hashlib
import logging
import time
from collections.abc import Iterable
from dataclasses import replace
from datetime import date, datetime, timedelta
from functools import cache
from importlib import metadata
from itertools import chain
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from calendar_rules.selectors import area_location
from sites.models import Area

from .. import planning, replanning
from ..models import GenerationRun, PatrolStatus, RuleGenerationState, RunStatus, RunTrigger
from ..my_day import rota_changed
from ..replanning import RulePlan
from ..selectors import generation_states, plan_context, rules_to_plan_with_surge, stored_patrols, within_surge
from . import rota_writes
from .runs import (
    RunCounts,
    _claim_run,
    _forget_stages,
    _Heartbeat,
    _lock_area,
    _record_failure,
    _report_stage,
    _update_run,
    generation_run_queue,
    generation_runs_fail_dead,
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
    "calendar_rules/staffing.py",
    "patrols/planning.py",
    "patrols/replanning.py",
)
# The libraries under them: the Hebrew calendar, RRULE expansion, and the time zone database.
_PLANNING_LIBRARIES = ("hebrewcal", "python-dateutil", "tzdata")


@cache
def planning_code_version() -> str:
    """A hash of the planning code and the calendar libraries it stands on (see _PLANNING_MODULES)."""
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


def rota_sync(
    *,
    area: Area,
    start: date | None = None,
    end: date | None = None,
    days: int | None = None,
    trigger: str = RunTrigger.MANUAL,
    by: Any = None,
    run: GenerationRun | None = None,
    now: datetime | None = None,
) -> GenerationRun:
    """Bring the stored rota of `area` in line with its rules for the local dates `start`..`end`
    (both inclusive, in the area's time zone), and return the run that did it.

    Defaults: from yesterday (an occurrence of yesterday may start after midnight) to the last
    of `days` days from today (default settings.ROTA_HORIZON_DAYS), or `end`; with `start` and no
    `end`, the horizon from `start`. Dates before yesterday are never reconciled. `now` (default:
    the clock) divides past from future: a patrol that has started never changes.

    `run`: a queued GenerationRun of this area to record it on (else one is created with
    `trigger` and `by`); a run handed out again is returned untouched when it has succeeded, a
    live process is running it, or it has had RUN_MAX_ATTEMPTS starts. Any run of the area whose
    process died is marked failed first. Raises ValidationError for a window that ends before it starts. A run
    that fails rolls back whole, records its error on the run, and re-raises; a rule that cannot
    be planned is skipped and named in the run's warnings. Design: the README's "The rota
    generator".
    """
    now = now or timezone.now()
    today, last_day = area.days_from_today(days, now=now)
    yesterday = today - timedelta(days=1)
    if start is None:
        start = yesterday
        end = end or last_day
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
            **RunCounts().as_fields(),
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


def _sync_locked(*, area: Area, run: GenerationRun, first: date, last: date, now: datetime) -> RunCounts:
    counts = RunCounts()
    if last < first:
        return counts
    # Load, then plan: which rules to reconcile over which dates, each expanded there; a rule
    # that cannot be expanded is skipped (its patrols not loaded, so not read as "no longer
    # planned", and its state not saved) and named in a warning.
    rules, surge_windows = rules_to_plan_with_surge(area)
    context = plan_context(area)
    rules_plan = replanning.plan_rules(
        rules,
        generation_states(area),
        location=area_location(area),
        first=first,
        last=last,
        code_version=planning_code_version(),
        # A surge rule's exact window too: a surge ended and raised again with the same local
        # dates must still re-plan it.
        context=repr(context.canonical())
        + (
            repr(sorted((pk, s.isoformat(), e.isoformat()) for pk, (s, e) in surge_windows.items()))
            if surge_windows
            else ""
        ),
    )
    counts.warnings.extend(rules_plan.warnings)
    plans = rules_plan.plans
    if not plans:
        return counts
    planned = rules_plan.planned_rules
    _report_stage(run, 20, f"Planning {planned} rule{'' if planned == 1 else 's'}")

    # Load the stored patrols of every span to reconcile, in one query, and diff (pure).
    spans: dict[tuple[date, date | None], list[int]] = {}
    for plan in plans:
        spans.setdefault((plan.first, plan.last), []).append(plan.rule_id)
    stored = stored_patrols((rule_ids, span_first, span_last) for (span_first, span_last), rule_ids in spans.items())
    planned_rules = [plan.rule for plan in plans if plan.rule is not None]
    competing = planning.competing_rules(rules)
    # A surge rule's occurrences outside the surge's exact window are dropped first, so they
    # replace nothing.
    planned_patrols: Iterable[planning.PlannedPatrol] = within_surge(
        planning.patrols_of((rule for rule in planned_rules if rule.rule_id not in competing), context),
        surge_windows,
    )
    if competing:
        # Only the patrols of rules that compete by precedence are held in memory to settle it.
        kept, replacements = planning.resolve_precedence(
            within_surge(
                planning.patrols_of((rule for rule in planned_rules if rule.rule_id in competing), context),
                surge_windows,
            ),
            {rule.rule_id: rule.precedence for rule in rules},
            str(area.zone),
            pinned={
                (patrol.rule_id, patrol.occurrence_key): (patrol.status, patrol.starts_at, patrol.ends_at)
                for patrol in stored
                if patrol.pinned and patrol.rule_id is not None
            },
        )
        counts.warnings.extend(_replaced_but_held(replacements, stored, now=now, timezone=str(area.zone)))
        planned_patrols = chain(planned_patrols, kept)
    diff = planning.diff(planned_patrols, stored, now=now)
    _report_stage(
        run,
        60,
        f"Writing: {len(diff.create)} new, {len(diff.update) + len(diff.restore)} changed, "
        f"{len(diff.cancel)} cancelled",
    )

    # Apply.
    stamp = timezone.now()
    counts.created = rota_writes.apply_creates(diff.create, area=area, run=run, stamp=stamp)
    stored_by_id = {patrol.id: patrol for patrol in stored}
    counts.updated, counts.restored = rota_writes.apply_changes(
        diff.update, diff.restore, stored_by_id, run=run, stamp=stamp
    )
    counts.cancelled = rota_writes.apply_cancels(diff.cancel, run=run, stamp=stamp)
    # The bulk writes send no signals: officers' kept My day weeks of the area go by hand.
    rota_changed(area_ids=[area.pk])
    counts.kept = diff.kept
    counts.pinned = diff.pinned
    counts.held = diff.held
    counts.rules_replanned = sum(1 for plan in plans if plan.full)
    counts.rules_extended = sum(1 for plan in plans if plan.rule is not None and not plan.full)
    # A patrol of a rule held out of step with it while people are on it: keep the rule
    # unreconciled (no fingerprint) so every run re-plans it in full until the hold ends and the
    # patrol can follow its rule again.
    _save_states(
        [replace(plan, fingerprint="") if plan.rule_id in diff.held_out_of_step else plan for plan in plans], run=run
    )
    return counts


def _replaced_but_held(
    replacements: list[planning.Replacement], stored: list[planning.StoredPatrol], *, now: datetime, timezone: str
) -> list[str]:
    """A warning for each stored patrol that a rule of higher precedence replaces but that stays,
    because people are on it or it was edited by hand: both patrols stay, and someone must decide."""
    if not replacements:
        return []
    by_key = {(patrol.rule_id, patrol.occurrence_key): patrol for patrol in stored}
    tz = ZoneInfo(timezone)
    warnings = []
    for replacement in replacements:
        patrol = by_key.get((replacement.replaced.rule_id, replacement.replaced.occurrence_key))
        if patrol is None or patrol.status != PatrolStatus.SCHEDULED or patrol.starts_at <= now:
            continue
        if not (patrol.staffed or patrol.pinned):
            continue
        why = "people are on it" if patrol.staffed else "it was edited by hand"
        warnings.append(
            f'Patrol {patrol.id} "{patrol.label}" on {patrol.starts_at.astimezone(tz):%a %-d %b %H:%M} stays '
            f'although "{replacement.by.label}" replaces it, because {why}: both patrols stay at the site.'
        )
    return warnings


def _save_states(plans: list[RulePlan], *, run: GenerationRun) -> None:
    retired = [plan.rule_id for plan in plans if plan.rule is None]
    if retired:
        RuleGenerationState.objects.filter(rule_id__in=retired).delete()
    states = []
    for plan in plans:
        if plan.rule is None:
            continue
        # The plan of an active rule always names the span it reconciles (replanning.plan_rules).
        assert plan.reconciled_from is not None and plan.reconciled_until is not None
        states.append(
            RuleGenerationState(
                rule_id=plan.rule_id,
                fingerprint=plan.fingerprint,
                generated_from=plan.reconciled_from,
                generated_until=plan.reconciled_until,
                last_run=run,
            )
        )
    if states:
        RuleGenerationState.objects.bulk_create(
            states,
            batch_size=5000,
            update_conflicts=True,
            unique_fields=["rule"],
            update_fields=["fingerprint", "generated_from", "generated_until", "last_run", "updated_at"],
        )
