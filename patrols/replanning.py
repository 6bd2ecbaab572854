"""Which rules a generator run re-plans, over which local dates, and their occurrences there.
Pure: no Django import, no clock.

Each active rule has a fingerprint (`rule_fingerprint`) and, once reconciled, a `RuleState`: the
fingerprint and the local dates [generated_from, generated_until] (both inclusive) over which its
stored patrols match the plan of that fingerprint. `plan_rules` decides, per rule, the dates to
reconcile (the README's "The rota generator" says why skipping the rest is safe), and expands
each rule over them; a rule that cannot be expanded is left out with a warning naming it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import date, timedelta

from calendar_rules.occurrences import expand_rule
from calendar_rules.zmanim import Location

from .planning import RuleToPlan, competing_rules, validate_rule

__all__ = ["RulePlan", "RuleState", "RulesPlan", "plan_rules", "rule_fingerprint"]


@dataclass(frozen=True, slots=True)
class RuleState:
    """What the generator last reconciled for one rule (dates both inclusive)."""

    rule_id: int
    fingerprint: str
    generated_from: date
    generated_until: date


@dataclass(frozen=True, slots=True)
class RulePlan:
    """What one run does for one rule: reconcile its patrols of the local dates first..last.

    `rule` carries the occurrences of first..last; None for a retired rule (deactivated, or no
    longer active), whose every patrol from `first` on is no longer planned (`last` None)."""

    rule: RuleToPlan | None
    rule_id: int
    first: date
    last: date | None
    fingerprint: str = ""
    full: bool = False  # the whole window (True), or only the days after the reconciled span
    reconciled_from: date | None = None  # the span to record once applied
    reconciled_until: date | None = None


@dataclass(frozen=True, slots=True)
class RulesPlan:
    """The rules a run reconciles, and a warning for each rule it had to skip."""

    plans: tuple[RulePlan, ...]
    warnings: tuple[str, ...]

    @property
    def planned_rules(self) -> int:
        return sum(1 for plan in self.plans if plan.rule is not None)


def rule_fingerprint(rule: RuleToPlan, location: Location, code_version: str, context: str = "") -> str:
    """A hash of everything a rule's patrols depend on.

    It changes when any of these change: the rule's own fields (its RuleSpec: trigger,
    recurrence, observances, window, validity, label; and its kind and staffing); the set of
    active sites it patrols (a site chosen or dropped, activated or deactivated, or a site of a
    chosen kind added); the area's reference point and time zone; and `code_version`, the
    caller's hash of the planning code and the calendar libraries' versions; the rule's
    precedence and, for a service rule, its sites' services; and `context`, what else shapes its
    patrols (the area's uplifts and surges, the rules it competes with by precedence).
    """
    spec = rule.spec.canonical() if rule.spec is not None else None
    payload = (
        code_version,
        spec,
        rule.kind,
        rule.officers_required,
        rule.volunteers_required,
        rule.site_ids,  # in id order, as loaded
        location.latitude,
        location.longitude,
        location.timezone,
        rule.precedence,
        tuple((site_id, tuple(service.canonical() for service in services)) for site_id, services in rule.services),
        context,
    )
    return hashlib.sha256(repr(payload).encode()).hexdigest()


def plan_rules(
    rules: Iterable[RuleToPlan],
    states: Mapping[int, RuleState],
    *,
    location: Location,
    first: date,
    last: date,
    code_version: str,
    context: str = "",
) -> RulesPlan:
    """For each rule, the dates to reconcile and its occurrences there:

    - the whole window first..last (and any later part of the old span), when the rule has no
      state, its fingerprint changed, or the window starts before the reconciled span or after
      the day following it (a gap the rule was never reconciled over);
    - otherwise only the dates of the window after generated_until (the nightly step: one day);
    - nothing for a rule whose state is up to date over the window;
    - for a rule with a state that is no longer active: every patrol from `first` on.

    A rule whose occurrences cannot be worked out (a window that ends before it starts on some
    date, a sunset that does not happen, a recurrence that does not parse) is left out, with a
    warning naming it and why.

    `context` (a string of what else shapes the patrols: uplifts, surges) is part of every
    fingerprint. The patrols of rules that compete by precedence (`planning.competing_rules`:
    sharing a site with a rule of another precedence) depend on each other's: their fingerprints
    also cover each other's, and whenever one of them is re-planned all of them are planned over
    the same dates, so precedence is always settled between the patrols of all of them. Rules
    that compete with none are planned on their own, as before.
    """
    rules = list(rules)
    competing = competing_rules(rules)
    contest = context
    if competing:
        own = sorted(
            rule_fingerprint(rule, location, code_version, context) for rule in rules if rule.rule_id in competing
        )
        contest = hashlib.sha256(repr((context, own)).encode()).hexdigest()

    def fingerprint_of(rule: RuleToPlan) -> str:
        return rule_fingerprint(rule, location, code_version, contest if rule.rule_id in competing else context)

    plans: list[RulePlan] = []
    warnings: list[str] = []
    active_ids: set[int] = set()
    spans: dict[int, tuple[date, date, bool, date, date]] = {}
    for rule in rules:
        active_ids.add(rule.rule_id)
        fingerprint = fingerprint_of(rule)
        state = states.get(rule.rule_id)
        if (
            state is None
            or state.fingerprint != fingerprint
            or first < state.generated_from
            # A window starting after the reconciled span would leave a gap never planned.
            or first > state.generated_until + timedelta(days=1)
        ):
            # Also reconcile what an earlier, longer window generated beyond this one.
            span_first, span_last = first, max(last, state.generated_until) if state is not None else last
            full, reconciled_from = True, first
        elif last > state.generated_until:
            span_first, span_last = max(first, state.generated_until + timedelta(days=1)), last
            full, reconciled_from = False, state.generated_from
        else:
            continue
        spans[rule.rule_id] = (span_first, span_last, full, reconciled_from, span_last)
    contested = [span for rule_id, span in spans.items() if rule_id in competing]
    if contested:
        # Every competing rule over the union of their spans; one reconciled further keeps its span.
        union_first = min(span[0] for span in contested)
        union_last = max(span[1] for span in contested)
        for rule in rules:
            if rule.rule_id not in competing:
                continue
            state = states.get(rule.rule_id)
            full, reconciled_from = spans[rule.rule_id][2:4] if rule.rule_id in spans else (False, union_first)
            if state is not None and not full:
                reconciled_from = min(reconciled_from, state.generated_from)
                until = max(union_last, state.generated_until)
            else:
                until = union_last
            spans[rule.rule_id] = (union_first, union_last, full, min(reconciled_from, union_first), until)
    for rule in rules:
        if rule.rule_id not in spans:
            continue
        span_first, span_last, full, reconciled_from, reconciled_until = spans[rule.rule_id]
        fingerprint = fingerprint_of(rule)
        try:
            expanded = _expanded(rule, location, span_first, span_last)
        except (ValueError, ArithmeticError) as error:  # InvalidWindow, RecurrenceError, zmanim
            warnings.append(_skip_warning(rule, error))
            continue
        plans.append(
            RulePlan(
                expanded, rule.rule_id, span_first, span_last, fingerprint, full, reconciled_from, reconciled_until
            )
        )
    for rule_id in sorted(states.keys() - active_ids):
        plans.append(RulePlan(None, rule_id, first, None))
    return RulesPlan(tuple(plans), tuple(warnings))


def _expanded(rule: RuleToPlan, location: Location, first: date, last: date) -> RuleToPlan:
    """The rule with its occurrences of first..last, checked as the planner will use them."""
    if rule.spec is None:
        raise ValueError(f"rule {rule.rule_id}: no recurrence to expand")
    services = dict(rule.services) if rule.services else None
    expanded = replace(rule, occurrences=tuple(expand_rule(rule.spec, location, first, last, services)))
    validate_rule(expanded)
    return expanded


def _skip_warning(rule: RuleToPlan, error: BaseException) -> str:
    label = (rule.spec.label if rule.spec is not None else "") or "(no label)"
    reason = f"{type(error).__name__}: {error}"
    return f'Rule {rule.rule_id} "{label}" was skipped (its patrols are left as they were): {reason}'
