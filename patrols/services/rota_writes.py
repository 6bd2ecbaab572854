"""The generator's writes of one run's diff: new patrols with their slots, changes, restores and
cancellations, each in a constant number of bulk statements (see patrols/bulk_writes.py)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from operator import attrgetter
from typing import Any

from django.db import connection
from django.db.models import Field, Model

from sites.models import Area

from .. import bulk_writes
from ..models import GenerationRun, Patrol, PatrolKind, PatrolStatus, SlotStatus, VolunteerSlot
from ..planning import PlannedPatrol, StoredPatrol, occurrence_date
from ..selectors import slot_places
from .editing import places_wanted

GENERATOR_CANCEL_REASON = "No longer planned by its rule."


PATROL_TABLE = Patrol._meta.db_table
SLOT_TABLE = VolunteerSlot._meta.db_table
# Every column of the patrol table, in the model's order.
PATROL_COLUMNS = tuple(field.column for field in Patrol._meta.concrete_fields)


def _field(model: type[Model], name: str) -> Field[Any, Any]:
    """A concrete field of `model` (one with a column), not a relation's reverse side."""
    model_field = model._meta.get_field(name)
    if not isinstance(model_field, Field) or model_field.column is None:
        raise TypeError(f"{model.__name__}.{name} has no column")
    return model_field


def _column(model: type[Model], name: str) -> str:
    column = _field(model, name).column
    assert column is not None  # _field checked it
    return column


# A new patrol's planned values: these fields of the model, read from the PlannedPatrol
# attributes of the same names (`site_id`, `rule_id`, ...).
_PLANNED_FIELDS = (
    "site",
    "rule",
    "occurrence_key",
    "kind",
    "starts_at",
    "ends_at",
    "officers_required",
    "volunteers_required",
    "label",
    "uplift_note",
    "replaces_note",
)
_PLANNED_COLUMNS = tuple(_column(Patrol, name) for name in _PLANNED_FIELDS)
_planned_values = attrgetter(*(_field(Patrol, name).attname for name in _PLANNED_FIELDS))
_NEW_SLOT_COLUMNS = (_column(VolunteerSlot, "patrol"), _column(VolunteerSlot, "status"))
# What a generator run may change on a stored patrol (its time, staffing, label and whether it
# is cancelled), staged in a temporary table of these columns' own types.
_CHANGED_FIELDS = (
    "starts_at",
    "ends_at",
    "officers_required",
    "volunteers_required",
    "kind",
    "label",
    "uplift_note",
    "replaces_note",
    "status",
    "cancelled_by_generator",
    "cancel_reason",
)


def _change_columns() -> list[tuple[str, str]]:
    """(column, database type) of each changed field, read from the model for this connection."""
    columns = []
    for name in _CHANGED_FIELDS:
        db_type = _field(Patrol, name).db_type(connection)
        assert db_type is not None, name  # concrete fields all have a column type
        columns.append((_column(Patrol, name), db_type))
    return columns


def apply_creates(creates: Iterable[PlannedPatrol], *, area: Area, run: GenerationRun, stamp: datetime) -> int:
    """Write the new patrols of a run, and one open slot per volunteer each joint one needs."""
    creates = list(creates)
    # Every column but the id: the planned values, the occurrence's date, and what every new
    # patrol of this run starts with.
    fixed = {
        "area": area.pk,
        "status": PatrolStatus.SCHEDULED,
        "pinned": False,
        "cancelled_by_generator": False,
        "cancel_reason": "",
        "missed_reason": "",
        "missed_note": "",
        "briefing_point": "",
        "briefing_at": None,
        "cst_team_leader": None,
        "version": 1,
        "last_run": run.pk,
        "created_at": stamp,
        "updated_at": stamp,
    }
    columns = (*_PLANNED_COLUMNS, _column(Patrol, "occurrence_date"), *(_column(Patrol, name) for name in fixed))
    if set(columns) != set(PATROL_COLUMNS) - {_column(Patrol, "id")}:
        raise RuntimeError(f"a new patrol's row does not fill exactly the table's columns: {sorted(columns)}")
    fixed_values = tuple(fixed.values())

    def values(p: PlannedPatrol) -> tuple[Any, ...]:
        return (*_planned_values(p), occurrence_date(p.occurrence_key), *fixed_values)

    if bulk_writes.is_postgresql():
        # COPY lets the table's identity column number the rows (no id round trip), then one
        # INSERT ... SELECT gives each new joint patrol its open slots: the rows this run has
        # just created are the only ones with last_run = run yet (changes are written after).
        bulk_writes.insert_rows(PATROL_TABLE, columns, (values(p) for p in creates))
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
    bulk_writes.insert_rows(PATROL_TABLE, (_column(Patrol, "id"), *columns), rows)
    # A joint patrol gets one open slot per volunteer it needs.
    slots = (
        (patrol_id, SlotStatus.OPEN)
        for patrol_id, p in zip(ids, creates, strict=True)
        for _ in range(places_wanted(p.kind, p.volunteers_required))
    )
    bulk_writes.insert_rows(SLOT_TABLE, _NEW_SLOT_COLUMNS, slots)
    return len(creates)


def apply_changes(
    updates: list[tuple[int, PlannedPatrol]],
    restores: list[tuple[int, PlannedPatrol]],
    stored_by_id: dict[int, StoredPatrol],
    *,
    run: GenerationRun,
    stamp: datetime,
) -> tuple[int, int]:
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
                    planned.uplift_note,
                    planned.replaces_note,
                    status,
                    cancelled_by_generator,
                    reason,
                )
            )
            if places_wanted(stored.kind, stored.volunteers_required) != places_wanted(
                planned.kind, planned.volunteers_required
            ):
                staffing_changed.append((stored.id, places_wanted(planned.kind, planned.volunteers_required)))
    bulk_writes.update_rows(
        PATROL_TABLE,
        _change_columns(),
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
    new_slots: list[tuple[int, str]] = []
    surplus: list[int] = []
    for patrol_id, places in wanted:
        count, open_ids = held.get(patrol_id, (0, []))
        if places > count:
            new_slots.extend((patrol_id, SlotStatus.OPEN) for _ in range(places - count))
        elif places < count:
            surplus.extend(open_ids[: count - places])
    bulk_writes.insert_rows(SLOT_TABLE, _NEW_SLOT_COLUMNS, new_slots)
    # Only slots still empty: never one a coordinator has filled since they were read.
    bulk_writes.delete_ids(
        SLOT_TABLE, surplus, where="status = %s AND volunteer_id IS NULL", where_params=[SlotStatus.OPEN]
    )


def apply_cancels(ids: list[int], *, run: GenerationRun, stamp: datetime) -> int:
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
