"""The generator's writes of one run's diff: new patrols with their slots, changes, restores and
cancellations, each in a constant number of bulk statements (see patrols/bulk_writes.py)."""

from __future__ import annotations

from datetime import date, datetime

from sites.models import Area

from .. import bulk_writes
from ..models import GenerationRun, Patrol, PatrolKind, PatrolStatus, SlotStatus, VolunteerSlot
from ..selectors import slot_places
from .editing import places_wanted

GENERATOR_CANCEL_REASON = "No longer planned by its rule."


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


def apply_creates(creates, *, area: Area, run: GenerationRun, stamp: datetime) -> int:
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
        for _ in range(places_wanted(p.kind, p.volunteers_required))
    )
    bulk_writes.insert_rows(SLOT_TABLE, ("patrol_id", "status"), slots)
    return len(creates)


def apply_changes(updates, restores, stored_by_id, *, run: GenerationRun, stamp: datetime) -> tuple[int, int]:
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
            if places_wanted(stored.kind, stored.volunteers_required) != places_wanted(
                planned.kind, planned.volunteers_required
            ):
                staffing_changed.append((stored.id, places_wanted(planned.kind, planned.volunteers_required)))
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
