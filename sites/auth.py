"""Loading the signed-in user: the user, their officer profile and their roles in one query.

Django's ModelBackend reads the user on each request (one query); the user's roles (sites.access)
and officer profile were two more, on almost every page. Under load each query is a round trip
to PostgreSQL that the worker waits on, and those waits, not Python, are most of a small page's
cost (bench/my_day.py). So the session's user is read here from their memberships, joined to the
user, the officer profile, the role and the area: one query, the same answers — and with them
the areas' and the officer's stamps, which tell My day whether the week it keeps is current.
"""

from __future__ import annotations

from functools import cache

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend

from .access import remember_access, with_open_surge
from .models import Membership


@cache
def _membership_columns() -> tuple[str, ...]:
    """What the one query reads: the whole user and officer profile (they become request.user
    and request.user.officer), and of each membership only what Access needs of its area and
    role — a fraction of the area's columns, which makes the query cheaper to build and read."""
    user_model = get_user_model()
    officer_model = user_model._meta.get_field("officer").related_model  # type: ignore[attr-defined]
    return (
        "area__name",
        "area__timezone",
        "area__rota_stamp",
        "group__name",
        *(f"user__{f.name}" for f in user_model._meta.concrete_fields),
        *(f"user__officer__{f.name}" for f in officer_model._meta.concrete_fields),
    )


class ShomerBackend(ModelBackend):
    """ModelBackend (passwords, permissions), reading a session's user with their roles and
    officer profile already attached."""

    def get_user(self, user_id):
        rows = list(
            with_open_surge(Membership.objects.filter(user_id=user_id))
            .select_related("user__officer", "area", "group")
            .only(*_membership_columns())
        )
        if rows:
            user = rows[0].user
            remember_access(
                user,
                (
                    (
                        row.group.name,
                        row.area_id,
                        row.area.name,
                        row.area.timezone,
                        row.area.rota_stamp,
                        row.surge_reason,  # type: ignore[attr-defined]  # annotated by with_open_surge
                        row.surge_ends_at,  # type: ignore[attr-defined]
                    )
                    for row in rows
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
