"""The only writers of patrol rules. Each validates fully, writes in a transaction and leaves one
history record naming who changed what (the rule's fields and its chosen sites together)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction

from sites.models import Site
from sites.signals import RULE_TRIGGER, area_plan_changed

from .models import PatrolRule

if TYPE_CHECKING:
    from sites.history import Editor

STALE_VERSION_MESSAGE = "This rule was changed by someone else since you opened it; reload to see their changes."


class StaleVersion(ValidationError):
    """An edit started from an older version of the rule than the one now stored."""

    def __init__(self) -> None:
        super().__init__({"version": STALE_VERSION_MESSAGE}, code="stale")


def _save(
    rule: PatrolRule,
    *,
    sites: Iterable[Site] | None,
    by: Editor,
    reason: str | Callable[[list[Site]], str],
    queue_run: bool = True,
) -> None:
    """Validate the rule and its sites, then write both with one history record.

    django-simple-history writes a record on save and another on every change to a tracked M2M.
    To keep one record per change, carrying the sites as they are after it, the row and the
    sites are written without history and the record is made by a final save. A new rule's
    record is marked as a creation ("+"), as a plain save would have. `reason` may be a function
    of the sites that will be stored, called once the rule has been cleaned.
    """
    created = rule.pk is None
    rule.full_clean()
    chosen = rule.clean_sites(rule.sites.all() if sites is None and not created else (sites or []))
    history: Any = rule  # the attributes and method simple-history adds to a tracked model
    history._history_user = by
    history._change_reason = reason(chosen) if callable(reason) else reason
    if created:
        history.save_without_historical_record()
    history.skip_history_when_saving = True
    try:
        rule.sites.set(chosen)
    finally:
        del history.skip_history_when_saving
    rule.save()
    if created:
        latest = rule.history.order_by("-history_id").values_list("history_id", flat=True).first()
        rule.history.filter(history_id=latest).update(history_type="+")
    if queue_run:
        _announce(rule, by=by)


def _announce(rule: PatrolRule, *, by: Editor) -> None:
    """Tell the higher rooms the rule changed (the rota follows: a run of its area is queued in
    this transaction). The run queued, if any, is kept on the rule as `queued_run` for the page
    or endpoint that saved it; it is not a field and is not stored."""
    responses = area_plan_changed.send(sender=PatrolRule, area=rule.area, trigger=RULE_TRIGGER, by=by)
    rule.queued_run = next((response for _, response in responses if response is not None), None)  # type: ignore[attr-defined]


@transaction.atomic
def rule_create(
    *, by: Editor, sites: Iterable[Site] | None = None, queue_run: bool = True, **fields: Any
) -> PatrolRule:
    """Create a rule after full validation (its sites too); nothing is saved if it is refused.
    The rota follows: a run of the rule's area is queued (`queue_run=False` for a caller that
    generates the rota itself right after, as the demo does)."""
    rule = PatrolRule(**fields)
    _save(rule, sites=sites, by=by, reason="created", queue_run=queue_run)
    return rule


@transaction.atomic
def rule_update(
    *,
    rule: PatrolRule,
    by: Editor,
    expected_version: int,
    sites: Iterable[Site] | None = None,
    queue_run: bool = True,
    **fields: Any,
) -> PatrolRule:
    """Apply `fields` (and `sites`, when given) to a rule the editor opened at `expected_version`.

    The stored row is locked and its version compared first: if someone saved the rule since,
    `StaleVersion` is raised and nothing is written. A successful edit bumps the version and
    queues a run of the rule's area (as `rule_create`).
    """
    stored = PatrolRule.objects.select_for_update().get(pk=rule.pk)
    if int(expected_version) != stored.version:
        raise StaleVersion()
    stored_site_ids = set(stored.sites.values_list("pk", flat=True))
    for name, value in fields.items():
        setattr(rule, name, value)
    rule.version = stored.version + 1
    try:
        _save(
            rule,
            sites=sites,
            by=by,
            reason=lambda chosen: _describe_changes(stored, rule, stored_site_ids, chosen),
            queue_run=queue_run,
        )
    except ValidationError:
        rule.version = stored.version
        raise
    return rule


@transaction.atomic
def rule_set_active(*, rule: PatrolRule, by: Editor, active: bool) -> PatrolRule:
    """Deactivate (or reactivate) a rule. Rules are never deleted: patrols and history refer to
    them. Deactivating does not need the editor's version: it changes nothing they could lose.
    A run of the rule's area is queued: deactivating cancels the rule's patrols nobody is on."""
    stored_version = PatrolRule.objects.select_for_update().filter(pk=rule.pk).values_list("version", flat=True).get()
    rule.active = active
    rule.version = stored_version + 1
    _save(rule, sites=None, by=by, reason="reactivated" if active else "deactivated")
    return rule


def _describe_changes(stored: PatrolRule, rule: PatrolRule, stored_site_ids: set[int], sites: list[Site]) -> str:
    """A short reason naming what an edit changed, e.g. "edited: start time, sites"."""
    changed = [
        str(field.verbose_name)
        for field in PatrolRule._meta.concrete_fields
        if field.editable
        and field.name not in {"id", "version"}
        and getattr(stored, field.attname) != getattr(rule, field.attname)
    ]
    if {site.pk for site in sites} != stored_site_ids:
        changed.append("sites")
    if changed == [PatrolRule._meta.get_field("active").verbose_name]:
        return "reactivated" if rule.active else "deactivated"
    text = f"edited: {', '.join(changed)}" if changed else "edited"
    return text if len(text) <= 100 else text[:99] + "…"
