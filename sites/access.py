"""The one scoping helper: which areas a user holds which role in, and querysets cut to them.

Every page and API view asks this module what a user may see. Default deny: an anonymous user,
or a user with no membership, holds no role anywhere and every scoped queryset is empty.
Objects outside the scope are simply not in the queryset, so a lookup of one gives 404.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db.models import F, FilteredRelation, Q, QuerySet

from .models import Membership, Role

ALL_ROLES = tuple(Role.values)


@dataclass(frozen=True)
class Access:
    user_id: int | None
    is_admin: bool = False
    # role name -> ids of the areas where the user holds it
    roles: dict[str, frozenset[int]] = field(default_factory=dict)
    # area id -> (name, time zone name) of every area the user holds a role in, read with the
    # roles (so a page that needs its areas' local dates, like My day, asks nothing more)
    area_names_zones: dict[int, tuple[str, str]] = field(default_factory=dict)
    # area id -> its rota stamp when the roles were read (sites.models.Area.rota_stamp)
    rota_stamps: dict[int, int] = field(default_factory=dict)
    # area id -> (reason, end) of the raised alert level of each of the user's areas that has one,
    # read with the roles: the banner of the board, My day and the joint planner costs no query.
    surges: dict[int, tuple[str, datetime]] = field(default_factory=dict)

    def area_ids(self, *roles: str) -> frozenset[int]:
        wanted = roles or ALL_ROLES
        ids: set[int] = set()
        for role in wanted:
            ids |= self.roles.get(role, frozenset())
        return frozenset(ids)

    def has_role(self, *roles: str) -> bool:
        return self.is_admin or bool(self.area_ids(*roles))

    def holds(self, role: str, area_id: int) -> bool:
        return self.is_admin or area_id in self.roles.get(role, frozenset())

    def scope(self, queryset: QuerySet, *roles: str, area_field: str = "area") -> QuerySet:
        """Restrict `queryset` to rows whose area is one where the user holds any of `roles`."""
        if self.is_admin:
            return queryset
        area_ids = self.area_ids(*roles)
        if not area_ids:
            return queryset.none()
        return queryset.filter(**{f"{area_field}__in": area_ids})

    @property
    def primary_role(self) -> str | None:
        """The role whose start page the home page opens (the most senior one held)."""
        for role in (Role.INSPECTOR, Role.CST_COORDINATOR, Role.OFFICER):
            if self.roles.get(role):
                return role
        return None


ANONYMOUS = Access(user_id=None)


def access_for(user) -> Access:
    """The user's access, computed once per user object (one query) and cached on it. A user
    signed in through a page comes with it already (sites.auth.ShomerBackend reads it with the
    user, in the same query)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return ANONYMOUS
    cached = getattr(user, "_shomer_access", None)
    if cached is not None:
        return cached
    # Any: the type checker cannot see the annotations with_open_surge adds.
    annotated: Any = with_open_surge(Membership.objects.filter(user=user))
    memberships = annotated.values_list(
        "group__name", "area_id", "area__name", "area__timezone", "area__rota_stamp", "surge_reason", "surge_ends_at"
    )
    return remember_access(user, memberships)


def with_open_surge(memberships: QuerySet[Membership]) -> QuerySet[Membership]:
    """Memberships annotated with their area's open surge (`surge_reason`, `surge_ends_at`; None
    when the level is not raised): a LEFT JOIN in the same query (an area has at most one open
    surge, sites.models.AreaSurge's constraint), so no membership is repeated."""
    return memberships.annotate(
        open_surge=FilteredRelation("area__surges", condition=Q(area__surges__ended_at__isnull=True))
    ).annotate(surge_reason=F("open_surge__reason"), surge_ends_at=F("open_surge__ends_at"))


MembershipRow = tuple[str, int, str, object, int, "str | None", "datetime | None"]


def remember_access(user, memberships: Iterable[MembershipRow]) -> Access:
    """Build `user`'s access from their memberships as (role, area id, area name, time zone,
    rota stamp, open surge's reason, its end) and cache it on the user object."""
    roles: dict[str, set[int]] = {}
    areas: dict[int, tuple[str, str]] = {}
    stamps: dict[int, int] = {}
    surges: dict[int, tuple[str, datetime]] = {}
    for role, area_id, name, zone, stamp, surge_reason, surge_ends_at in memberships:
        roles.setdefault(role, set()).add(area_id)
        areas[area_id] = (name, str(zone))
        stamps[area_id] = stamp
        if surge_reason is not None and surge_ends_at is not None:
            surges[area_id] = (surge_reason, surge_ends_at)
    access = Access(
        user_id=user.pk,
        is_admin=user.is_superuser,
        roles={role: frozenset(ids) for role, ids in roles.items()},
        area_names_zones=areas,
        rota_stamps=stamps,
        surges=surges,
    )
    user._shomer_access = access
    return access
