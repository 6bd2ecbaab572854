"""Personas and the shared world every test can stand on.

Personas: an anonymous visitor, an officer, a CST coordinator and an inspector of area A, an
inspector of area B (an outsider to A), and an administrator.

SHOMER_TEST_NOW=<ISO date-time> runs the whole session with the clock moved to that moment
(ticking, so timeouts still work); without an offset it is read as Europe/London wall-clock time.
`scripts/test-clock` uses it to run the tests marked `clock` at awkward moments. Tests that pin
their own moment with time-machine still do so inside it.
"""

import os
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth import get_user_model
from rest_framework.test import APIClient

from people.models import Officer, Volunteer
from sites.models import Area, Role, Site, SiteKind
from sites.services import membership_grant

TEST_NOW_VARIABLE = "SHOMER_TEST_NOW"


def parse_test_now(value: str) -> datetime:
    """The moment SHOMER_TEST_NOW names: an ISO 8601 date-time, Europe/London when it has no offset."""
    try:
        moment = datetime.fromisoformat(value)
    except ValueError as error:
        raise pytest.UsageError(f"{TEST_NOW_VARIABLE}={value!r} is not an ISO 8601 date-time") from error
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=ZoneInfo("Europe/London"))
    return moment


def pytest_configure(config):
    value = os.environ.get(TEST_NOW_VARIABLE, "").strip()
    if not value:
        return
    import time_machine

    moment = parse_test_now(value)
    traveller = time_machine.travel(moment, tick=True)
    traveller.start()
    config._shomer_clock = traveller


def pytest_unconfigure(config):
    traveller = getattr(config, "_shomer_clock", None)
    if traveller is not None:
        traveller.stop()


def pytest_report_header(config):
    value = os.environ.get(TEST_NOW_VARIABLE, "").strip()
    if value:
        return f"clock: travelled to {parse_test_now(value).isoformat()} ({TEST_NOW_VARIABLE}), ticking"
    return None


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
    """Rate limits and cached look-ups live in the caches (the shared one and each process's own);
    each test starts with them empty."""
    from django.core.cache import caches

    for alias in ("default", "local"):
        caches[alias].clear()
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
