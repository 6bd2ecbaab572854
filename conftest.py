"""Personas and the shared world every test can stand on.

Personas: an anonymous visitor, an officer, a CST coordinator and an inspector of area A, an
inspector of area B (an outsider to A), and an administrator.
"""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from rest_framework.test import APIClient

from people.models import Officer, Volunteer
from sites.models import Area, Role, Site, SiteKind
from sites.services import membership_grant

PERSONAS = ("anonymous", "officer", "coordinator", "inspector_a", "inspector_b", "admin")


def make_area(slug: str, **fields) -> Area:
    defaults = {"name": slug.replace("-", " ").title(), "latitude": Decimal("51.6565"), "longitude": Decimal("-0.2715")}
    return Area.objects.create(slug=slug, **{**defaults, **fields})


def make_site(area: Area, name: str = "Beth Test Synagogue", **fields) -> Site:
    defaults = {
        "kind": SiteKind.SYNAGOGUE,
        "address": "1 Example Road",
        "postcode": "WD6 1AA",
        "latitude": Decimal("51.6570"),
        "longitude": Decimal("-0.2700"),
    }
    return Site.objects.create(area=area, name=name, **{**defaults, **fields})


def make_user(username: str, *, role: str | None = None, area: Area | None = None, collar: str | None = None, **fields):
    user = get_user_model().objects.create_user(username=username, password="pw", **fields)
    if role:
        assert area is not None, "a role is held in an area"
        membership_grant(user=user, area=area, role=role)
    if collar:
        Officer.objects.create(user=user, collar_number=collar)
    return user


def make_volunteer(area: Area, call_sign: str = "HS-01", **fields) -> Volunteer:
    defaults = {
        "name": "Ari Cohen",
        "phone": "07700 900001",
        "email": "ari@example.org",
        "card_expires": date(2030, 1, 1),
    }
    return Volunteer.objects.create(area=area, call_sign=call_sign, **{**defaults, **fields})


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Rate limits and cached look-ups live in the cache; each test starts with it empty."""
    from django.core.cache import cache

    cache.clear()
    yield


@dataclass
class World:
    area_a: Area
    area_b: Area
    users: dict
    objects: dict = field(default_factory=dict)

    def client(self, persona: str) -> APIClient:
        client = APIClient()
        if persona != "anonymous":
            client.force_login(self.users[persona])
        return client


@pytest.fixture
def world(db) -> World:
    area_a = make_area("area-a", name="Area A")
    area_b = make_area("area-b", name="Area B")
    users = {
        "officer": make_user("officer", role=Role.OFFICER, area=area_a, collar="PC100"),
        "coordinator": make_user("coordinator", role=Role.CST_COORDINATOR, area=area_a),
        "inspector_a": make_user("inspector_a", role=Role.INSPECTOR, area=area_a, collar="I100"),
        "inspector_b": make_user("inspector_b", role=Role.INSPECTOR, area=area_b, collar="I200"),
        "admin": get_user_model().objects.create_superuser("admin", "admin@example.org", "pw"),
    }
    world = World(area_a=area_a, area_b=area_b, users=users)
    world.objects["site_a"] = make_site(area_a)
    world.objects["site_b"] = make_site(area_b, name="Other Area Synagogue")
    world.objects["volunteer_a"] = make_volunteer(area_a)
    return world
