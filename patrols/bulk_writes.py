"""The generator's bulk writes: a constant number of statements however many rows.

On PostgreSQL rows go in with COPY (psycopg 3 ``cursor.copy()``), changed rows are COPYed into a
temporary table and applied with one ``UPDATE ... FROM``, and cancellations are one
``UPDATE ... WHERE id = ANY(%s)``. Elsewhere (SQLite: the laptop and the default test run) the
same operations are one ``executemany`` or one statement over ``json_each``. Callers hold the
area lock and an open transaction; nothing here commits.

Only `patrols.services.rota_writes` calls this module; it writes no history (see patrols/models.py).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from datetime import datetime

from django.db import connection


def is_postgresql() -> bool:
    return connection.vendor == "postgresql"


def _adapt(value):
    """A Python value as the non-PostgreSQL backend stores it (aware datetimes as naive UTC)."""
    if isinstance(value, datetime):
        return connection.ops.adapt_datetimefield_value(value)
    return value


def allocate_ids(table: str, count: int) -> list[int]:
    """Not PostgreSQL: reserve `count` primary keys for rows about to be inserted with explicit
    ids (the new patrols' slots need them). The caller holds SQLite's write lock, so the next ids
    after the largest ever used are free. (On PostgreSQL, COPY lets the identity column number
    the rows and the slots are made in SQL: see insert_open_slots_for_run.)"""
    if count == 0:
        return []
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT MAX(n) FROM (SELECT MAX(id) AS n FROM {table} "
            f"UNION ALL SELECT seq FROM sqlite_sequence WHERE name = %s)",
            [table],
        )
        (largest,) = cursor.fetchone()
    first = (largest or 0) + 1
    return list(range(first, first + count))


def insert_rows(table: str, columns: Sequence[str], rows: Iterable[Sequence]) -> int:
    """Insert `rows` (tuples in the order of `columns`) into `table`; return how many."""
    count = 0
    with connection.cursor() as cursor:
        if is_postgresql():
            with cursor.cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
                    count += 1
            return count
        adapted = [tuple(_adapt(value) for value in row) for row in rows]
        if adapted:
            placeholders = ", ".join(["%s"] * len(columns))
            cursor.executemany(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({placeholders})", adapted)
        return len(adapted)


def insert_open_slots_for_run(*, patrol_table: str, slot_table: str, run_id: int, joint: str, open: str) -> int:
    """PostgreSQL: one open slot per volunteer required for each joint patrol written by run
    `run_id` that has no slots yet, in one statement. Returns how many slots."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {slot_table} (patrol_id, status) "
            f"SELECT p.id, %s FROM {patrol_table} AS p CROSS JOIN LATERAL generate_series(1, p.volunteers_required) "
            f"WHERE p.last_run_id = %s AND p.kind = %s AND p.volunteers_required > 0 "
            f"AND NOT EXISTS (SELECT 1 FROM {slot_table} AS s WHERE s.patrol_id = p.id)",
            [open, run_id, joint],
        )
        return cursor.rowcount


def update_rows(
    table: str,
    columns: Sequence[tuple[str, str]],
    rows: Sequence[Sequence],
    *,
    extra_set: str = "",
    extra_params: Sequence = (),
    where: str = "",
) -> int:
    """Set `columns` (name, PostgreSQL type) of the rows whose id is each row's first value;
    return how many rows changed.

    `extra_set` adds assignments computed in SQL (e.g. ``version = version + 1``), with
    `extra_params` for its placeholders. `where` (SQL without placeholders, naming the target's
    columns unqualified, e.g. ``NOT pinned``) skips rows it does not hold for: a guard re-checked
    on the row as it is when written, not as it was read.
    """
    if not rows:
        return 0
    names = [name for name, _ in columns]
    with connection.cursor() as cursor:
        if is_postgresql():
            staging = f"{table}_changes"
            definition = ", ".join(f"{name} {sql_type}" for name, sql_type in columns)
            cursor.execute(f"CREATE TEMPORARY TABLE {staging} (id bigint PRIMARY KEY, {definition}) ON COMMIT DROP")
            with cursor.cursor.copy(f"COPY {staging} (id, {', '.join(names)}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            assignments = ", ".join(f"{name} = c.{name}" for name in names)
            if extra_set:
                assignments += f", {extra_set}"
            condition = f" AND ({where})" if where else ""
            cursor.execute(
                f"UPDATE {table} AS t SET {assignments} FROM {staging} AS c WHERE t.id = c.id{condition}", extra_params
            )
            count = cursor.rowcount
            cursor.execute(f"DROP TABLE {staging}")
            return count
        assignments = ", ".join(f"{name} = %s" for name in names)
        if extra_set:
            assignments += f", {extra_set}"
        params = [(*(_adapt(value) for value in row[1:]), *map(_adapt, extra_params), row[0]) for row in rows]
        condition = f" AND ({where})" if where else ""
        cursor.executemany(f"UPDATE {table} SET {assignments} WHERE id = %s{condition}", params)
        return cursor.rowcount


def update_ids(
    table: str, ids: Sequence[int], set_sql: str, params: Sequence = (), *, where: str = "", where_params: Sequence = ()
) -> int:
    """Apply one ``SET`` clause to every row whose id is in `ids` and for which `where` (with
    `where_params`) holds: one statement. Returns how many rows changed."""
    if not ids:
        return 0
    condition = f" AND ({where})" if where else ""
    with connection.cursor() as cursor:
        if is_postgresql():
            cursor.execute(
                f"UPDATE {table} SET {set_sql} WHERE id = ANY(%s){condition}", [*params, list(ids), *where_params]
            )
        else:
            cursor.execute(
                f"UPDATE {table} SET {set_sql} WHERE id IN (SELECT value FROM json_each(%s)){condition}",
                [*map(_adapt, params), json.dumps(list(ids)), *map(_adapt, where_params)],
            )
        return cursor.rowcount


def delete_ids(table: str, ids: Sequence[int], *, where: str = "", where_params: Sequence = ()) -> int:
    """Delete the rows whose id is in `ids` and for which `where` holds (used only for surplus
    *empty* volunteer slots). Returns how many rows went."""
    if not ids:
        return 0
    condition = f" AND ({where})" if where else ""
    with connection.cursor() as cursor:
        if is_postgresql():
            cursor.execute(f"DELETE FROM {table} WHERE id = ANY(%s){condition}", [list(ids), *where_params])
        else:
            cursor.execute(
                f"DELETE FROM {table} WHERE id IN (SELECT value FROM json_each(%s)){condition}",
                [json.dumps(list(ids)), *map(_adapt, where_params)],
            )
        return cursor.rowcount
