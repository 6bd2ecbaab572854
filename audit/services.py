"""The only writers of audit rows: record a view (an upsert) and purge rows past retention."""

from __future__ import annotations

from collections.abc import Iterable
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
    values = ", ".join(["(%s, %s, %s, %s, %s, %s, 1)"] * rows)
    # INSERT … ON CONFLICT DO UPDATE is atomic on PostgreSQL (two writers of one key: one inserts,
    # the other adds to its count) and SQLite (3.24+). Django's bulk_create(update_conflicts=True)
    # can only overwrite a column, not add to it, hence the SQL.
    return (
        f"INSERT INTO {table} ({', '.join(columns)}) VALUES {values} "
        f"ON CONFLICT ({user}, {area}, {channel}, {bucket}) "
        f"DO UPDATE SET {count} = {table}.{count} + 1, {last} = excluded.{last}"
    )


def patrol_view_record(*, user_id: int, area_ids: Iterable[int], channel: str, now: datetime | None = None) -> int:
    """Record that user `user_id` was shown future patrol times of `area_ids` through `channel`
    (a route name, e.g. "patrols:rota" or "api:patrol-list") at `now`: one row per area and UTC
    hour, its count raised by one per call. One statement whatever the number of areas; nothing
    when there are none. Returns the number of areas recorded."""
    areas = sorted(set(area_ids))
    if not areas or user_id is None:
        return 0
    now = now or timezone.now()
    bucket = hour_bucket(now)
    adapt = connection.ops.adapt_datetimefield_value  # SQLite stores naive UTC text, as the ORM writes it
    seen, hour = adapt(now), adapt(bucket)
    params: list = []
    for area_id in areas:
        params += [user_id, area_id, channel[:100], hour, seen, seen]
    if settings.AUDIT_VIEW_ASYNC_COMMIT and connection.vendor == "postgresql" and not connection.in_atomic_block:
        # A page view's own transaction, committed without waiting for the WAL flush: the disk
        # sync was a third of an audited page's time. A crash of PostgreSQL itself (not of the
        # app) may lose the last fraction of a second of view records; it never loses a write
        # of anything else, which is never in this transaction (outside any caller's atomic
        # block only), nor leaves a partial row.
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET LOCAL synchronous_commit TO OFF")
            cursor.execute(_upsert_sql(len(areas)), params)
    else:
        with connection.cursor() as cursor:
            cursor.execute(_upsert_sql(len(areas)), params)
    return len(areas)


def patrol_view_records_purge(*, now: datetime | None = None, retention_days: int | None = None) -> int:
    """Delete the records of hours that ended more than `retention_days` (default: the
    AUDIT_RETENTION_DAYS setting) before `now`; the only way rows leave. Returns how many went."""
    days = settings.AUDIT_RETENTION_DAYS if retention_days is None else retention_days
    if days < 1:
        raise ValueError("The retention must be at least one day.")
    cutoff = (now or timezone.now()) - timedelta(days=days)
    deleted, _ = PatrolViewRecord.objects.filter(bucket_start__lt=hour_bucket(cutoff)).delete()
    return deleted
