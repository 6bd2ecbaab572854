"""The rota lock of an area: every writer of an area's patrols, assignments and slots takes it."""

from __future__ import annotations

from django.db import connection

# pg_advisory_xact_lock key space of the rota generator ('ROTA'), shifted left of the area id.
_ROTA_LOCK_NAMESPACE = 0x524F5441


def area_lock(area_id: int) -> None:
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
