"""The rota generator's pure core: plan the patrols the rules ask for, and diff them with
what is stored. Pure: no Django import, no clock — ``now`` is passed in.

Plan: every occurrence of a rule (produced by calendar_rules) becomes one `PlannedPatrol`
per site of the rule, keyed by a stable `occurrence_key` (site, local date, which
occurrence of that day). The key is unique within a rule, so ``(rule_id, occurrence_key)``
names a patrol across runs.

Diff, keyed by ``(rule_id, occurrence_key)`` — the decisions, in the order they apply:

1. Pinned (edited by hand, which includes cancelled by hand): left untouched whether
   planned or not, counted in ``pinned``. A stored patrol without a rule (manual) is
   treated the same way; the loader should not pass those, but if it does they are safe.
   Staffed (people have been put on it: an officer assigned, a volunteer in one of its
   slots, a visit): left untouched in the same way — its time never moves and it is never
   cancelled by the generator, since that could double-book the people on it — counted in
   ``held`` (a patrol both pinned and staffed counts as pinned).
2. The past never changes: a stored patrol that has started (``starts_at <= now``) is
   neither updated, cancelled nor restored, and a planned occurrence that starts at or
   before ``now`` is not created — the diff looks forward only, so such an occurrence
   counts as not planned. (A patrol already under way is past: officers are on it.)
3. Completed and missed patrols never change.
4. Planned and not stored: create.
5. Planned and stored as scheduled: update when time, site, kind, staffing or label
   differ; otherwise kept.
6. Planned and stored as cancelled by the generator (a previous run found it no longer
   planned): restore — scheduled again, with the planned values. A patrol cancelled by
   hand is pinned, so rule 1 keeps it cancelled; one that is somehow cancelled by hand
   but not pinned is left cancelled too.
7. Stored as scheduled, in the future and no longer planned: cancel. Patrols are
   cancelled, never deleted — they may have assignments, volunteer slots and visits,
   and the rota's history must show them.

Every stored patrol passed in lands in exactly one of ``update``, ``cancel``,
``restore``, ``kept``, ``pinned`` and ``held``. Applying a diff and diffing again with the same
plan gives an empty diff.

``stored`` must be the stored patrols of the same rules and the same window that was
planned: a stored patrol that is absent from the plan is read as *no longer planned*.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import cast
from zoneinfo import ZoneInfo

from calendar_rules.occurrences import Occurrence, RuleSpec

__all__ = [
    "CANCELLED",
    "COMPLETED",
    "MISSED",
    "PATROL_KINDS",
    "SCHEDULED",
    "Diff",
    "Occurrence",
    "PlannedPatrol",
    "RuleToPlan",
    "StoredPatrol",
    "diff",
    "local_midnight",
    "occurrence_date",
    "occurrence_key",
    "patrols_of",
    "plan",
    "validate_rule",
]

PATROL_KINDS = ("police", "joint")
SCHEDULED = "scheduled"
CANCELLED = "cancelled"
COMPLETED = "completed"
MISSED = "missed"

_MISSING = object()  # diff(): a key that no stored patrol has


@dataclass(frozen=True, slots=True)
class RuleToPlan:
    """An active rule as the generator plans it: what to staff, where, and when.

    Loaded (patrols.selectors.rules_to_plan) with its `spec` and no occurrences; the run then
    expands the spec over the dates it reconciles (patrols.replanning) into `occurrences` (each a
    calendar_rules `Occurrence`: a local date and its UTC window), which `plan` turns into
    patrols. `site_ids` are the active sites it patrols, in id order."""

    rule_id: int
    kind: str  # "police" | "joint"
    officers_required: int
    volunteers_required: int
    site_ids: tuple[int, ...]
    occurrences: tuple[Occurrence, ...] = ()
    spec: RuleSpec | None = None  # None only where no expansion is needed (the planner's tests)


@dataclass(frozen=True, slots=True)
class PlannedPatrol:
    """One patrol the rules ask for."""

    rule_id: int
    site_id: int
    occurrence_key: str
    kind: str
    starts_at: datetime
    ends_at: datetime
    officers_required: int
    volunteers_required: int
    label: str


@dataclass(frozen=True, slots=True)
class StoredPatrol:
    """A stored patrol of a rule, as much of it as the diff needs."""

    id: int
    rule_id: int | None  # None: a manual patrol (the loader passes none; the diff keeps one)
    occurrence_key: str
    site_id: int
    kind: str
    starts_at: datetime
    ends_at: datetime
    officers_required: int
    volunteers_required: int
    label: str
    status: str  # "scheduled" | "cancelled" | "completed" | "missed"
    pinned: bool  # edited by hand: the generator never touches it again
    cancelled_by_generator: bool  # cancelled because no longer planned: may be restored
    # people are on it (assignments, filled slots, visits): held like pinned
    staffed: bool = field(default=False, kw_only=True)


@dataclass(frozen=True, slots=True)
class Diff:
    """What to write so that the stored patrols match the plan."""

    create: list[PlannedPatrol]
    update: list[tuple[int, PlannedPatrol]]  # (stored id, new values)
    cancel: list[int]  # stored ids to mark cancelled (by the generator); never deleted
    restore: list[tuple[int, PlannedPatrol]]  # generator-cancelled, planned again: scheduled + new values
    kept: int  # stored, not pinned, left as they are
    pinned: int  # stored, pinned (or manual), left alone whether planned or not
    held: int = 0  # stored, staffed (not pinned): left alone whether planned or not
    # Rules with a held patrol that is out of step with the plan (its rule moved it, or dropped
    # it, while people were on it). Their state must not be marked reconciled, so that once the
    # hold ends a later run re-plans them and brings the patrol back in step.
    held_out_of_step: frozenset[int] = frozenset()

    @property
    def writes_nothing(self) -> bool:
        return not (self.create or self.update or self.cancel or self.restore)


def local_midnight(day: date, tz: ZoneInfo) -> datetime:
    """The first instant of `day` in `tz` (midnight exists in every zone we serve; if a zone
    skipped it, zoneinfo's fold=0 gives the instant just after the gap)."""
    return datetime(day.year, day.month, day.day, tzinfo=tz)


def occurrence_key(site_id: int, local_date: date, index: int) -> str:
    """The stable key of a rule's occurrence at a site, e.g. ``"s12:2026-09-21:0"``."""
    return f"s{site_id}:{local_date.isoformat()}:{index}"


def occurrence_date(key: str) -> date:
    """The local date inside an `occurrence_key` ("s<site>:<YYYY-MM-DD>:<index>")."""
    return date.fromisoformat(key.split(":", 2)[1])


def plan(rules: Iterable[RuleToPlan]) -> Iterator[PlannedPatrol]:
    """Yield one `PlannedPatrol` per site and occurrence of each rule.

    A generator, so a large area (thousands of sites, hundreds of thousands of patrols)
    can be diffed without holding the plan in memory twice. Everything that depends
    only on the occurrence is worked out once per rule, outside the site loop.
    Raises ValueError for a rule with an unknown kind, negative staffing, or an
    occurrence that is naive, ends before it starts, or repeats a (date, index).
    """
    for rule in rules:
        validate_rule(rule)
        yield from _patrols_of_rule(rule)


def patrols_of(rules: Iterable[RuleToPlan]) -> Iterator[PlannedPatrol]:
    """`plan` for rules each already through `validate_rule` (the generator checks every rule
    as it expands it, to skip a bad one): the same patrols, without checking again."""
    for rule in rules:
        yield from _patrols_of_rule(rule)


def _patrols_of_rule(rule: RuleToPlan) -> Iterator[PlannedPatrol]:
    rule_id = rule.rule_id
    kind = rule.kind
    officers_required = rule.officers_required
    volunteers_required = rule.volunteers_required
    # The key's date and index, per occurrence; its site prefix is added per site:
    # occurrence_key() == f"s{site_id}:" + suffix.
    prepared = [
        (f"{occurrence.local_date.isoformat()}:{occurrence.index}", occurrence) for occurrence in rule.occurrences
    ]
    for site_id in dict.fromkeys(rule.site_ids):  # each site once, in order
        prefix = f"s{site_id}:"
        for suffix, occurrence in prepared:
            yield PlannedPatrol(
                rule_id,
                site_id,
                prefix + suffix,
                kind,
                occurrence.starts_at,
                occurrence.ends_at,
                officers_required,
                volunteers_required,
                occurrence.label,
            )


def validate_rule(rule: RuleToPlan) -> None:
    """Check one rule as `plan` does. Raises ValueError naming the rule, so a caller can skip one
    bad rule and plan the others."""
    if rule.kind not in PATROL_KINDS:
        raise ValueError(f"rule {rule.rule_id}: unknown patrol kind {rule.kind!r}")
    if rule.officers_required < 0 or rule.volunteers_required < 0:
        raise ValueError(f"rule {rule.rule_id}: staffing cannot be negative")
    seen: set[tuple[date, int]] = set()
    for occurrence in rule.occurrences:
        day_and_index = (occurrence.local_date, occurrence.index)
        if day_and_index in seen:
            raise ValueError(
                f"rule {rule.rule_id}: occurrence {occurrence.index} of {occurrence.local_date} given twice"
            )
        seen.add(day_and_index)
        if occurrence.starts_at.utcoffset() is None or occurrence.ends_at.utcoffset() is None:
            raise ValueError(f"rule {rule.rule_id}: occurrence on {occurrence.local_date} has a naive time")
        if occurrence.ends_at <= occurrence.starts_at:
            raise ValueError(f"rule {rule.rule_id}: occurrence on {occurrence.local_date} ends before it starts")


def diff(planned: Iterable[PlannedPatrol], stored: Iterable[StoredPatrol], *, now: datetime) -> Diff:
    """Compare the plan with the stored patrols of the same rules and window.

    O(planned + stored): one dict keyed by ``(rule_id, occurrence_key)``. The decisions
    are listed in the module docstring. Raises ValueError for a naive ``now``, or when
    a key is planned twice or stored twice (the database's unique constraint on
    ``(rule, occurrence_key)`` should make the latter impossible).
    """
    if now.utcoffset() is None:
        raise ValueError("now must be an aware datetime")

    create: list[PlannedPatrol] = []
    update: list[tuple[int, PlannedPatrol]] = []
    cancel: list[int] = []
    restore: list[tuple[int, PlannedPatrol]] = []
    kept = 0
    pinned = 0
    held = 0
    out_of_step: set[int] = set()

    # Stored patrols by key. A key's value becomes None once the plan has used it, which
    # also catches a key planned twice.
    by_key: dict[tuple[int, str], StoredPatrol | None] = {}
    patrol: StoredPatrol | None
    for patrol in stored:
        if patrol.rule_id is None or not patrol.occurrence_key:
            pinned += 1  # manual: never the generator's to change
            continue
        key = (patrol.rule_id, patrol.occurrence_key)
        earlier = by_key.get(key)
        if earlier is not None:
            raise ValueError(f"patrols {earlier.id} and {patrol.id} are both stored for {key}")
        by_key[key] = patrol

    def settle_unplanned(patrol: StoredPatrol) -> None:
        nonlocal kept, pinned, held
        if patrol.pinned:
            pinned += 1
        elif patrol.staffed:
            held += 1
            if patrol.status == SCHEDULED and patrol.starts_at > now and patrol.rule_id is not None:
                out_of_step.add(patrol.rule_id)  # would have been cancelled
        elif patrol.status == SCHEDULED and patrol.starts_at > now:
            cancel.append(patrol.id)
        else:  # past, or already cancelled, completed or missed
            kept += 1

    # A local name: this loop runs once per planned patrol. Typed as a patrol, compared by identity.
    missing = cast(StoredPatrol, _MISSING)
    for planned_patrol in planned:
        key = (planned_patrol.rule_id, planned_patrol.occurrence_key)
        patrol = by_key.get(key, missing)
        if patrol is None:
            raise ValueError(f"{key} is planned twice")
        by_key[key] = None
        if patrol is missing:
            if planned_patrol.starts_at > now:
                create.append(planned_patrol)
            continue
        if planned_patrol.starts_at <= now:
            settle_unplanned(patrol)  # only the future is planned
        elif patrol.pinned:
            pinned += 1
        elif patrol.staffed:
            held += 1
            if patrol.status != SCHEDULED or not _as_planned(patrol, planned_patrol):
                out_of_step.add(planned_patrol.rule_id)
        elif patrol.starts_at <= now:
            kept += 1
        elif patrol.status == SCHEDULED:
            if _as_planned(patrol, planned_patrol):
                kept += 1
            else:
                update.append((patrol.id, planned_patrol))
        elif patrol.status == CANCELLED and patrol.cancelled_by_generator:
            restore.append((patrol.id, planned_patrol))
        else:  # completed, missed, or cancelled by hand without the pin
            kept += 1

    for leftover in by_key.values():
        if leftover is not None:
            settle_unplanned(leftover)

    return Diff(
        create=create,
        update=update,
        cancel=cancel,
        restore=restore,
        kept=kept,
        pinned=pinned,
        held=held,
        held_out_of_step=frozenset(out_of_step),
    )


def _as_planned(patrol: StoredPatrol, planned: PlannedPatrol) -> bool:
    """Whether a stored patrol already has every value the plan gives it."""
    return (
        patrol.starts_at == planned.starts_at
        and patrol.ends_at == planned.ends_at
        and patrol.site_id == planned.site_id
        and patrol.kind == planned.kind
        and patrol.officers_required == planned.officers_required
        and patrol.volunteers_required == planned.volunteers_required
        and patrol.label == planned.label
    )
