"""The only writers of audit rows: record a view (an upsert) and purge rows past retention.

Batching (AUDIT_VIEW_BATCH_SECONDS, default 60; 0 writes every view at once): the first view of a
(user, area, channel, hour) in a process is written at once, so *who* was shown *which* area's
future patrol times in *which* hour is on record before the response leaves. Repeats of it in
the same process only add to its count: they are kept in memory and added by one upsert at the
next write at least AUDIT_VIEW_BATCH_SECONDS after the oldest of them, or when the process exits.
On My day, opened by an officer again and again, that takes the audit's round trips (a
transaction of its own) off almost every request. What a process killed outright can lose is the
count of its last minute's repeats — never a row, never a first view.
"""

from __future__ import annotations

import atexit
import contextlib
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from .models import PatrolViewRecord


def hour_bucket(moment: datetime) -> datetime:
    """The start of the UTC hour `moment` falls in."""
    return moment.astimezone(UTC).replace(minute=0, second=0, microsecond=0)


def _upsert_sql(rows: int) -> str:
    meta = PatrolViewRecord._meta
    quote = connection.ops.quote_name
    table = quote(meta.db_table)
    names = ["user", "area", "channel", "bucket_start", "first_seen", "last_seen", "count"]
    columns = [quote(meta.get_field(name).column) for name in names]  # type: ignore[union-attr,arg-type]  # concrete fields
    user, area, channel, bucket, _first, last, count = columns
    values = ", ".join(["(%s, %s, %s, %s, %s, %s, %s)"] * rows)
    later = "GREATEST" if connection.vendor == "postgresql" else "MAX"  # SQLite's scalar max()
    # INSERT … ON CONFLICT DO UPDATE is atomic on PostgreSQL (two writers of one key: one inserts,
    # the other adds to its count) and SQLite (3.24+). Django's bulk_create(update_conflicts=True)
    # can only overwrite a column, not add to it, hence the SQL.
    return (
        f"INSERT INTO {table} ({', '.join(columns)}) VALUES {values} "
        f"ON CONFLICT ({user}, {area}, {channel}, {bucket}) "
        f"DO UPDATE SET {count} = {table}.{count} + excluded.{count}, "
        f"{last} = {later}({table}.{last}, excluded.{last})"
    )


Key = tuple[int, int, str, datetime]  # user, area, channel, UTC hour


@dataclass
class _Repeats:
    count: int
    last_seen: datetime


class _Batch:
    """This process's views written already (per hour) and the repeats not yet added."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.written: set[Key] = set()
        self.repeats: dict[Key, _Repeats] = {}
        self.oldest: float | None = None  # time.monotonic() of the oldest repeat not yet added

    def take(self, keys: list[Key], now: datetime, wait: float) -> dict[Key, _Repeats]:
        """The rows to write now for `keys` seen at `now`: the first views among them, and every
        repeat kept when one of them is new or the oldest kept has waited `wait` seconds. The
        rest are kept. Empty: nothing to write."""
        with self.lock:
            first = [key for key in keys if key not in self.written]
            for key in keys:
                if key in self.written:
                    kept = self.repeats.get(key)
                    if kept is None:
                        self.repeats[key] = _Repeats(1, now)
                    else:
                        kept.count += 1
                        kept.last_seen = max(kept.last_seen, now)
            if self.repeats and self.oldest is None:
                self.oldest = time.monotonic()
            due = self.oldest is not None and time.monotonic() - self.oldest >= wait
            if not first and not due:
                return {}
            rows = {**self.repeats, **{key: _Repeats(1, now) for key in first}}
            self.repeats, self.oldest = {}, None
            if first:
                # Keys of earlier hours are never written again as first views: forget them.
                hour = max(key[3] for key in first)
                self.written = {key for key in self.written if key[3] >= hour}
                self.written.update(first)
            return rows

    def drain(self) -> dict[Key, _Repeats]:
        with self.lock:
            rows, self.repeats, self.oldest = self.repeats, {}, None
            return rows

    def forget(self) -> None:
        with self.lock:
            self.written.clear()
            self.repeats.clear()
            self.oldest = None


_batch = _Batch()


def _write(rows: dict[Key, _Repeats]) -> None:
    """One upsert of `rows`: inserted with their count, or their count added to the row's."""
    adapt = connection.ops.adapt_datetimefield_value  # SQLite stores naive UTC text, as the ORM writes it
    params: list = []
    for (user_id, area_id, channel, hour), repeats in rows.items():
        seen = adapt(repeats.last_seen)
        params += [user_id, area_id, channel, adapt(hour), seen, seen, repeats.count]
    if settings.AUDIT_VIEW_ASYNC_COMMIT and connection.vendor == "postgresql" and not connection.in_atomic_block:
        # A page view's own transaction, committed without waiting for the WAL flush: the disk
        # sync was a third of an audited page's time. A crash of PostgreSQL itself (not of the
        # app) may lose the last fraction of a second of view records; it never loses a write
        # of anything else, which is never in this transaction (outside any caller's atomic
        # block only), nor leaves a partial row.
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET LOCAL synchronous_commit TO OFF")
            cursor.execute(_upsert_sql(len(rows)), params)
    else:
        with connection.cursor() as cursor:
            cursor.execute(_upsert_sql(len(rows)), params)


def patrol_view_record(*, user_id: int, area_ids: Iterable[int], channel: str, now: datetime | None = None) -> int:
    """Record that user `user_id` was shown future patrol times of `area_ids` through `channel`
    (a route name, e.g. "patrols:rota" or "api:patrol-list") at `now`: one row per area and UTC
    hour, its count raised by one per view. At most one statement whatever the number of areas
    (none for a repeat kept for the batch, see the module's docstring, nor when there are no
    areas). Returns the number of areas recorded."""
    areas = sorted(set(area_ids))
    if not areas or user_id is None:
        return 0
    now = now or timezone.now()
    bucket = hour_bucket(now)
    keys = [(user_id, area_id, channel[:100], bucket) for area_id in areas]
    wait = settings.AUDIT_VIEW_BATCH_SECONDS
    if wait <= 0 or connection.in_atomic_block:
        # In a caller's transaction the write must share its fate: never kept in memory for a
        # transaction that may yet roll back.
        _write({key: _Repeats(1, now) for key in keys})
        return len(areas)
    rows = _batch.take(keys, now, wait)
    if rows:
        try:
            _write(rows)
        except Exception:
            _batch.forget()  # written-or-not is unknown now: the next view of each is written at once
            raise
    return len(areas)


def patrol_view_records_flush() -> int:
    """Add the repeats this process keeps to their rows now (at exit, and for tests). Returns
    how many rows were written."""
    rows = _batch.drain()
    if rows:
        _write(rows)
    return len(rows)


def _flush_at_exit() -> None:
    # The process is going; should this fail, the first views are on record anyway.
    with contextlib.suppress(Exception):
        patrol_view_records_flush()


atexit.register(_flush_at_exit)


def patrol_view_records_purge(*, now: datetime | None = None, retention_days: int | None = None) -> int:
    """Delete the records of hours that ended more than `retention_days` (default: the
    AUDIT_RETENTION_DAYS setting) before `now`; the only way rows leave. Returns how many went."""
    days = settings.AUDIT_RETENTION_DAYS if retention_days is None else retention_days
    if days < 1:
        raise ValueError("The retention must be at least one day.")
    cutoff = (now or timezone.now()) - timedelta(days=days)
    deleted, _ = PatrolViewRecord.objects.filter(bucket_start__lt=hour_bucket(cutoff)).delete()
    return deleted
