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

Between plan and diff, a `PlanContext` adjusts the planned patrols (`patrols_of`):

- Staffing uplifts: every matching uplift raises a patrol's officers (by N, or to at least N)
  and makes it joint with at least M CST places, in label order, and writes `uplift_note`. An
  observance uplift matches on the day the patrol is for (a festival's evening patrol is for the
  festival); a surge uplift while a surge window covers the patrol's start. Pinned and held
  patrols are never changed by the diff, so an uplift never reaches them.
- Precedence: a patrol overlapping, at the same site, a patrol of a rule of higher precedence
  is not planned (so the diff cancels it when stored — or holds it when people are on it), and
  the winner's `replaces_note` names what it replaced. Rules are settled from the highest
  precedence down, so a patrol only yields to one that is itself kept.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import cast
from zoneinfo import ZoneInfo

from calendar_rules.occurrences import Occurrence, RuleSpec, ServiceTime
from calendar_rules.staffing import UpliftToApply

__all__ = [
    "CANCELLED",
    "COMPLETED",
    "MISSED",
    "PATROL_KINDS",
    "SCHEDULED",
    "Diff",
    "Occurrence",
    "PlanContext",
    "PlannedPatrol",
    "Replacement",
    "RuleToPlan",
    "StoredPatrol",
    "UpliftToApply",
    "diff",
    "local_midnight",
    "occurrence_date",
    "occurrence_key",
    "patrols_of",
    "competing_rules",
    "plan",
    "precedence_matters",
    "resolve_precedence",
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
    precedence: int = 0
    # A service rule's sites' services (site id, its services), as loaded; else empty.
    services: tuple[tuple[int, tuple[ServiceTime, ...]], ...] = ()


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
    uplift_note: str = ""
    replaces_note: str = ""


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
    uplift_note: str = field(default="", kw_only=True)
    replaces_note: str = field(default="", kw_only=True)


@dataclass(frozen=True, slots=True)
class PlanContext:
    """What, besides its rules, shapes an area's planned patrols: its staffing uplifts, each
    site's (kind, risk tier), the surge windows (start, end) of the run, the rules' precedence,
    and the area's time zone (for the notes' local times)."""

    uplifts: tuple[UpliftToApply, ...] = ()
    sites: Mapping[int, tuple[str, int]] = field(default_factory=dict)
    surges: tuple[tuple[datetime, datetime], ...] = ()
    timezone: str = "UTC"
    # The most a patrol can take (the patrol table's check): an uplift raises up to these.
    max_officers: int = 20
    max_volunteers: int = 20

    def canonical(self) -> tuple[object, ...]:
        """The context as plain values (a rule's fingerprint includes it: a changed uplift or
        surge re-plans the rules)."""
        return (
            tuple(uplift.canonical() for uplift in self.uplifts),
            tuple(sorted(self.sites.items())) if self.uplifts else (),
            tuple((start.isoformat(), end.isoformat()) for start, end in self.surges)
            if any(uplift.during_surge for uplift in self.uplifts)
            else (),
            self.timezone,
        )


@dataclass(frozen=True, slots=True)
class Replacement:
    """A planned patrol left out because it overlaps a patrol of a rule of higher precedence."""

    replaced: PlannedPatrol
    by: PlannedPatrol


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


def patrols_of(rules: Iterable[RuleToPlan], context: PlanContext | None = None) -> Iterator[PlannedPatrol]:
    """`plan` for rules each already through `validate_rule` (the generator checks every rule
    as it expands it, to skip a bad one): the same patrols, without checking again, raised by
    the context's uplifts (module doc)."""
    if context is None or not context.uplifts:
        for rule in rules:
            yield from _patrols_of_rule(rule)
        return
    raise_staffing = _Uplifter(context)
    for rule in rules:
        yield from _patrols_of_rule(rule, raise_staffing)


class _Uplifter:
    """Applies a context's uplifts to planned patrols, remembering per day and per site which
    uplifts match (a run asks about the same few days and sites thousands of times)."""

    def __init__(self, context: PlanContext) -> None:
        self.uplifts = sorted(context.uplifts, key=lambda uplift: uplift.label)
        self.sites = context.sites
        self.surges = context.surges
        self.max_officers, self.max_volunteers = context.max_officers, context.max_volunteers
        self.by_day: dict[date, tuple[UpliftToApply, ...]] = {}
        self.by_site: dict[int, frozenset[int]] = {}

    def __call__(self, patrol: PlannedPatrol, day: date) -> PlannedPatrol:
        on_day = self.by_day.get(day)
        if on_day is None:
            on_day = self.by_day[day] = tuple(
                uplift for uplift in self.uplifts if uplift.during_surge or uplift.applies_on(day)
            )
        if not on_day:
            return patrol
        at_site = self.by_site.get(patrol.site_id)
        if at_site is None:
            kind, tier = self.sites.get(patrol.site_id, ("", 0))
            at_site = self.by_site[patrol.site_id] = frozenset(
                id(uplift) for uplift in self.uplifts if uplift.applies_at(kind, tier)
            )
        officers, volunteers, kind = patrol.officers_required, patrol.volunteers_required, patrol.kind
        notes = []
        for uplift in on_day:
            if id(uplift) not in at_site:
                continue
            if uplift.during_surge and not any(start <= patrol.starts_at < end for start, end in self.surges):
                continue
            before = (officers, volunteers, kind)
            kind, officers, volunteers = uplift.raise_staffing(kind, officers, volunteers)
            officers, volunteers = min(officers, self.max_officers), min(volunteers, self.max_volunteers)
            if (officers, volunteers, kind) != before:
                notes.append(uplift.note())
        if not notes:
            return patrol
        return replace(
            patrol, officers_required=officers, volunteers_required=volunteers, kind=kind, uplift_note="; ".join(notes)
        )


def resolve_precedence(
    patrols: Iterable[PlannedPatrol],
    precedence: Mapping[int, int],
    timezone: str,
    pinned: Mapping[tuple[int, str], tuple[str, datetime, datetime]] | None = None,
) -> tuple[list[PlannedPatrol], list[Replacement]]:
    """The planned patrols without those replaced by a rule of higher precedence at the same
    site, each winner with its `replaces_note`, and the replacements (module doc).

    `pinned`: the stored patrols edited by hand, by (rule, occurrence key): (status, start, end).
    One of them cancelled or moved by hand will not happen as planned, so its planned patrol
    replaces nothing — the site is not left without the patrol the lower rule gives it.

    Patrols of one site are compared only with those of the day before, the same day and the
    day after, so the work grows with the patrols, not their square."""
    tz = ZoneInfo(timezone)
    ordered = sorted(patrols, key=lambda p: (-precedence.get(p.rule_id, 0), p.starts_at, p.site_id, p.rule_id))
    # Kept patrols by (site, UTC day of their start): (rank, start, end, patrol). Patrols last
    # under a day, so two that overlap start at most a day apart.
    kept_by_day: dict[tuple[int, int], list[tuple[int, datetime, datetime, PlannedPatrol]]] = defaultdict(list)
    kept: list[PlannedPatrol] = []
    replacements: list[Replacement] = []
    notes: dict[tuple[int, str], list[str]] = defaultdict(list)
    times_text: dict[tuple[datetime, datetime], str] = {}  # many replaced patrols share their times
    for patrol in ordered:
        rank = precedence.get(patrol.rule_id, 0)
        starts, ends, site_id = patrol.starts_at, patrol.ends_at, patrol.site_id
        day = starts.toordinal()
        winner = None
        for near in (day - 1, day, day + 1):
            for other_rank, other_starts, other_ends, other in kept_by_day.get((site_id, near), ()):
                if other_rank > rank and other_starts < ends and starts < other_ends:
                    winner = other
                    break
            if winner is not None:
                break
        if winner is None:
            kept.append(patrol)
            stored = pinned.get((patrol.rule_id, patrol.occurrence_key)) if pinned else None
            if stored is None or stored == (SCHEDULED, starts, ends):
                kept_by_day[(site_id, day)].append((rank, starts, ends, patrol))
            continue
        replacements.append(Replacement(patrol, winner))
        text = times_text.get((starts, ends))
        if text is None:
            text = times_text[(starts, ends)] = f"{starts.astimezone(tz):%H:%M}–{ends.astimezone(tz):%H:%M}"
        notes[(winner.rule_id, winner.occurrence_key)].append(f"{patrol.label} {text}")
    if notes:
        kept = [
            _with_replaces_note(patrol, _replaces_note(notes[key]))
            if (key := (patrol.rule_id, patrol.occurrence_key)) in notes
            else patrol
            for patrol in kept
        ]
    # A winner replaced nothing in this plan: it keeps no stale note.
    return kept, replacements


def _with_replaces_note(p: PlannedPatrol, note: str) -> PlannedPatrol:
    # Built directly: dataclasses.replace costs more than the rest of the settling together.
    return PlannedPatrol(
        p.rule_id,
        p.site_id,
        p.occurrence_key,
        p.kind,
        p.starts_at,
        p.ends_at,
        p.officers_required,
        p.volunteers_required,
        p.label,
        p.uplift_note,
        note,
    )


def _replaces_note(parts: list[str]) -> str:
    note = "Replaces " + "; ".join(parts)
    return note if len(note) <= 300 else note[:299] + "…"


def competing_rules(rules: Iterable[RuleToPlan]) -> frozenset[int]:
    """The ids of the rules sharing a site with a rule of another precedence: the only ones whose
    patrols can replace, or be replaced by, another rule's."""
    rules = list(rules)
    ranks: dict[int, set[int]] = defaultdict(set)
    for rule in rules:
        for site_id in rule.site_ids:
            ranks[site_id].add(rule.precedence)
    contested = {site_id for site_id, seen in ranks.items() if len(seen) > 1}
    return frozenset(rule.rule_id for rule in rules if contested.intersection(rule.site_ids))


def precedence_matters(rules: Iterable[RuleToPlan]) -> bool:
    """Whether two rules sharing a site have different precedences (else nothing is replaced)."""
    return bool(competing_rules(rules))


def _patrols_of_rule(rule: RuleToPlan, raise_staffing: _Uplifter | None = None) -> Iterator[PlannedPatrol]:
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
            if occurrence.site_id is not None and occurrence.site_id != site_id:
                continue  # a service rule's window at another site
            patrol = PlannedPatrol(
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
            yield patrol if raise_staffing is None else raise_staffing(patrol, occurrence.day_served)


def validate_rule(rule: RuleToPlan) -> None:
    """Check one rule as `plan` does. Raises ValueError naming the rule, so a caller can skip one
    bad rule and plan the others."""
    if rule.kind not in PATROL_KINDS:
        raise ValueError(f"rule {rule.rule_id}: unknown patrol kind {rule.kind!r}")
    if rule.officers_required < 0 or rule.volunteers_required < 0:
        raise ValueError(f"rule {rule.rule_id}: staffing cannot be negative")
    seen: set[tuple[date, int, int | None]] = set()
    for occurrence in rule.occurrences:
        day_and_index = (occurrence.local_date, occurrence.index, occurrence.site_id)
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
        and patrol.uplift_note == planned.uplift_note
        and patrol.replaces_note == planned.replaces_note
    )
