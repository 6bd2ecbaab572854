"""Loading the signed-in user: the user, their officer profile and their roles in one query.

Django's ModelBackend reads the user on each request (one query); the user's roles (sites.access)
and officer profile were two more, on almost every page. Under load each query is a round trip
to PostgreSQL that the worker waits on, and those waits, not Python, are most of a small page's
cost (bench/my_day.py). So the session's user is read here from their memberships, joined to the
user, the officer profile, the role and the area: one query, the same answers — and with them
the areas' and the officer's stamps, which tell My day whether the week it keeps is current.
The query is written once per database from the models' own columns (`_user_query`); each
request only runs it and makes the user and profile with `Model.from_db`, as the ORM would.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Group
from django.db import connections, router
from django.db.models import Field, Model

from .access import remember_access
from .models import Area, AreaSurge, Membership

Converter = Callable[[Any, Any, Any], Any]


@dataclass(frozen=True)
class _Columns:
    """A model's concrete columns as the query reads them, with the converters Django would
    apply to each value (SQLite's text datetimes, time zone fields)."""

    model: type[Model]
    attnames: tuple[str, ...]
    converters: tuple[tuple[int, tuple[Converter, ...], Any], ...]  # (position, converters, column)

    def convert(self, values: Sequence[Any], connection) -> list[Any]:
        values = list(values)
        for position, converters, column in self.converters:
            for convert in converters:
                values[position] = convert(values[position], column, connection)
        return values

    def build(self, db: str, values: Sequence[Any], connection) -> Model:
        return self.model.from_db(db, list(self.attnames), self.convert(values, connection))


def _columns(model: type[Model], alias: str, fields: Sequence[Field], connection) -> tuple[str, _Columns]:
    quote = connection.ops.quote_name
    select = ", ".join(f"{quote(alias)}.{quote(field.column)}" for field in fields)
    converters = []
    for position, field in enumerate(fields):
        column = field.get_col(alias)
        found = tuple(connection.ops.get_db_converters(column)) + tuple(column.get_db_converters(connection))
        if found:
            converters.append((position, found, column))
    return select, _Columns(model, tuple(field.attname for field in fields), tuple(converters))


@dataclass(frozen=True)
class _UserQuery:
    sql: str
    user: _Columns
    officer: _Columns
    user_width: int
    officer_width: int
    surge: _Columns  # the area's open surge: reason, end (None, None when the level is not raised)


@cache
def _user_query(alias: str, vendor: str) -> _UserQuery:
    """The one query, written once per database: each request only runs it. Building and
    compiling it through the ORM (a queryset with select_related and only(), then its SQL) was
    most of the time a kept My day took in Python (bench/my_day.py --profile); it reads the
    same rows. `vendor` is part of the key only so that a test swapping databases gets its own."""
    connection = connections[alias]
    quote = connection.ops.quote_name
    user_model = get_user_model()
    officer_model = user_model._meta.get_field("officer").related_model  # type: ignore[attr-defined]
    assert isinstance(officer_model, type) and issubclass(officer_model, Model)
    user_fields = list(user_model._meta.concrete_fields)
    officer_fields = list(officer_model._meta.concrete_fields)
    user_select, user = _columns(user_model, "u", user_fields, connection)
    officer_select, officer = _columns(officer_model, "o", officer_fields, connection)
    surge_fields = [AreaSurge._meta.get_field("reason"), AreaSurge._meta.get_field("ends_at")]
    surge_select, surge = _columns(AreaSurge, "s", surge_fields, connection)  # type: ignore[arg-type]

    def table(model: type[Model]) -> str:
        return quote(model._meta.db_table)

    def column(model: type[Model], name: str) -> str:
        return quote(model._meta.get_field(name).column)  # type: ignore[union-attr,arg-type]  # concrete fields

    officer_user = column(officer_model, "user")
    sql = (
        f"SELECT {user_select}, {officer_select}, "
        f"m.{column(Membership, 'area')}, a.{column(Area, 'name')}, a.{column(Area, 'timezone')}, "
        f"a.{column(Area, 'rota_stamp')}, g.{column(Group, 'name')}, {surge_select} "
        f"FROM {table(Membership)} m "
        f"INNER JOIN {table(user_model)} u ON u.{column(user_model, 'id')} = m.{column(Membership, 'user')} "
        f"LEFT OUTER JOIN {table(officer_model)} o ON o.{officer_user} = u.{column(user_model, 'id')} "
        f"INNER JOIN {table(Area)} a ON a.{column(Area, 'id')} = m.{column(Membership, 'area')} "
        f"INNER JOIN {table(Group)} g ON g.{column(Group, 'id')} = m.{column(Membership, 'group')} "
        # An area has at most one open surge (AreaSurge's constraint): no membership repeats.
        f"LEFT OUTER JOIN {table(AreaSurge)} s ON s.{column(AreaSurge, 'area')} = m.{column(Membership, 'area')} "
        f"AND s.{column(AreaSurge, 'ended_at')} IS NULL "
        f"WHERE m.{column(Membership, 'user')} = %s"
    )
    return _UserQuery(sql, user, officer, len(user_fields), len(officer_fields), surge)


class ShomerBackend(ModelBackend):
    """ModelBackend (passwords, permissions), reading a session's user with their roles and
    officer profile already attached."""

    def get_user(self, user_id):
        db = router.db_for_read(Membership)
        connection = connections[db]
        query = _user_query(db, connection.vendor)
        try:
            key = int(user_id)
        except (TypeError, ValueError):
            return None
        with connection.cursor() as cursor:
            cursor.execute(query.sql, [key])
            rows = cursor.fetchall()
        user: Any
        if rows:
            first = rows[0]
            user = query.user.build(db, first[: query.user_width], connection)
            officer_values = first[query.user_width : query.user_width + query.officer_width]
            officer = None
            if officer_values[0] is not None:  # the LEFT JOIN found a profile
                officer = query.officer.build(db, officer_values, connection)
                officer._meta.get_field("user").set_cached_value(officer, user)  # type: ignore[union-attr]
            user._meta.get_field("officer").set_cached_value(user, officer)
            start = query.user_width + query.officer_width
            remember_access(
                user,
                (
                    # The zone's name, as Access keeps it; the open surge's reason and end, or None.
                    (group, area_id, name, zone, stamp, *query.surge.convert(surge, connection))
                    for area_id, name, zone, stamp, group, *surge in (row[start:] for row in rows)
                ),
            )
        else:
            # No role anywhere (an administrator, or a new account): the user and profile alone.
            alone = get_user_model()._default_manager.select_related("officer").filter(pk=user_id).first()
            if alone is None:
                return None
            user = alone
            remember_access(user, ())
        return user if self.user_can_authenticate(user) else None
