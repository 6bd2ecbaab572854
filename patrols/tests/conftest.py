"""Rules, sites and a fixed clock for the rota's tests."""

from datetime import UTC, date, datetime, time, timedelta

import pytest

from calendar_rules.models import PatrolKind
from calendar_rules.services import rule_create
from conftest import make_site

# A Monday morning in winter (GMT), so local dates and UTC dates agree before 24:00.
NOW = datetime(2026, 1, 5, 7, 0, tzinfo=UTC)
TODAY = date(2026, 1, 5)


def school_rule(area, sites, **fields):
    """Weekdays 08:15 for 40 minutes: a police patrol."""
    defaults = {
        "area": area,
        "label": "School drop-off",
        "kind": PatrolKind.POLICE,
        "officers_required": 1,
        "trigger": "rrule",
        "recurrence": "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR",
        "start_anchor": "time",
        "start_time": time(8, 15),
        "duration_minutes": 40,
        "valid_from": date(2025, 9, 1),
    }
    return rule_create(by=None, sites=sites, queue_run=False, **{**defaults, **fields})


def shabbat_rule(area, sites, **fields):
    """Saturdays 09:00–12:00: a joint patrol with two CST volunteers."""
    defaults = {
        "area": area,
        "label": "Shabbat morning",
        "kind": PatrolKind.JOINT,
        "officers_required": 1,
        "volunteers_required": 2,
        "trigger": "rrule",
        "recurrence": "FREQ=WEEKLY;BYDAY=SA",
        "start_anchor": "time",
        "start_time": time(9, 0),
        "duration_minutes": 180,
        "valid_from": date(2025, 9, 1),
    }
    return rule_create(by=None, sites=sites, queue_run=False, **{**defaults, **fields})


def make_sites(area, count: int, prefix: str = "Site"):
    return [make_site(area, name=f"{prefix} {number:03d}") for number in range(count)]


@pytest.fixture
def area(world):
    return world.area_a


@pytest.fixture
def sites(area):
    return make_sites(area, 3)


def days_later(days: int, hours: float = 0) -> datetime:
    return NOW + timedelta(days=days, hours=hours)


@pytest.fixture
def frozen():
    """The clock at NOW (ticking), for services that read it (hand edits refuse moving the past)."""
    import time_machine

    with time_machine.travel(NOW, tick=True) as traveller:
        yield traveller


@pytest.fixture
def stopped_clock():
    """The clock stopped at NOW; move it with .move_to()."""
    import time_machine

    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture(autouse=True)
def eager_celery(request):
    """Tasks run in-process in unit tests even when CI configures a broker (tests need no
    services); only the `broker` integration tests talk to a real worker."""
    if request.node.get_closest_marker("broker"):
        yield
        return
    from django.test import override_settings

    from config.celery import app

    saved = {key: app.conf[key] for key in ("task_always_eager", "task_eager_propagates")}
    app.conf.update(task_always_eager=True, task_eager_propagates=True)
    try:
        with override_settings(CELERY_TASK_ALWAYS_EAGER=True, CELERY_TASK_EAGER_PROPAGATES=True):
            yield
    finally:
        app.conf.update(saved)
