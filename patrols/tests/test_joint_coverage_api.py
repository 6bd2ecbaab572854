"""`GET /api/v1/joint-coverage/`: the CST places per day as the planner counts them, for the area's
coordinators and inspectors; each bad parameter a 400 naming it."""

from datetime import UTC, datetime, timedelta

import pytest
from django.urls import reverse

from audit.models import PatrolViewRecord
from conftest import make_site, make_volunteer
from patrols.models import PatrolKind
from patrols.services import patrol_cancel, patrol_create_manual, slot_confirm, slot_fill

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]


def _joint(site, starts_at, places):
    return patrol_create_manual(
        site=site,
        starts_at=starts_at,
        ends_at=starts_at + timedelta(hours=2),
        by=None,
        kind=PatrolKind.JOINT,
        volunteers_required=places,
    )


def _get(world, persona, **query):
    return world.client(persona).get(reverse("joint-coverage"), query)


@pytest.fixture
def patrols(world):
    site = make_site(world.area_a, "Beth Din")
    coordinator = world.users["coordinator"]
    friday = _joint(site, datetime(2026, 1, 9, 19, 0, tzinfo=UTC), 2)  # for Shabbat 10 January
    _joint(site, datetime(2026, 1, 10, 9, 0, tzinfo=UTC), 3)
    cancelled = _joint(site, datetime(2026, 1, 10, 14, 0, tzinfo=UTC), 5)
    patrol_cancel(patrol=cancelled, by=world.users["inspector_a"], reason="Closed", expected_version=None)
    _joint(site, datetime(2026, 1, 13, 19, 0, tzinfo=UTC), 1)  # a plain Tuesday
    first, second = friday.slots.order_by("id")
    slot_fill(slot=first, volunteer=world.objects["volunteer_a"], by=coordinator)
    slot_confirm(slot=first, by=coordinator)
    slot_fill(slot=second, volunteer=make_volunteer(world.area_a, "HS-02", name="Dina Levy"), by=coordinator)
    return world


def test_the_places_per_day_as_the_planner_counts_them(patrols):
    response = _get(patrols, "coordinator", area=patrols.area_a.pk, start="2026-01-05", end="2026-01-18")
    assert response.status_code == 200
    assert response.json() == {
        "area": patrols.area_a.pk,
        "start": "2026-01-05",
        "end": "2026-01-18",
        "days": [
            {
                "date": "2026-01-10",
                "names": ["Shabbat"],
                "title": "Shabbat 10 Jan",
                "patrols": 3,
                "places_required": 5,
                "places_confirmed": 1,
                "places_asked": 1,
                "places_open": 3,
            },
            {
                "date": "2026-01-13",
                "names": [],
                "title": "Tuesday 13 Jan",
                "patrols": 1,
                "places_required": 1,
                "places_confirmed": 0,
                "places_asked": 0,
                "places_open": 1,
            },
        ],
    }


def test_an_inspector_reads_it_and_it_is_recorded_as_a_view_of_days_ahead(patrols):
    response = _get(patrols, "inspector_a", area=patrols.area_a.pk, start="2026-01-10", end="2026-01-10")
    assert [day["places_open"] for day in response.json()["days"]] == [3]
    assert PatrolViewRecord.objects.filter(channel="api:joint-coverage", area=patrols.area_a).exists()


def test_a_range_in_the_past_is_not_recorded(patrols):
    _get(patrols, "coordinator", area=patrols.area_a.pk, start="2025-12-01", end="2025-12-31")
    assert not PatrolViewRecord.objects.filter(channel="api:joint-coverage").exists()


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"area": "", "start": "2026-01-05", "end": "2026-01-18"}, "area"),
        ({"area": "x", "start": "2026-01-05", "end": "2026-01-18"}, "area"),
        ({"start": "2026-01-32", "end": "2026-01-18"}, "start"),
        ({"start": "2026-01-18", "end": "2026-01-05"}, "end"),
        ({"start": "2026-01-01", "end": "2026-06-01"}, "end"),
        ({"start": "1066-01-01", "end": "1066-01-02"}, "start"),
    ],
)
def test_each_bad_parameter_is_a_400_naming_it(patrols, query, field):
    query.setdefault("area", patrols.area_a.pk)
    response = _get(patrols, "coordinator", **query)
    assert response.status_code == 400 and field in response.json()


def test_another_area_is_not_found_and_an_officer_is_refused(patrols):
    query = {"start": "2026-01-05", "end": "2026-01-18"}
    assert _get(patrols, "inspector_b", area=patrols.area_a.pk, **query).status_code == 404
    assert _get(patrols, "coordinator", area=patrols.area_b.pk, **query).status_code == 404
    assert _get(patrols, "officer", area=patrols.area_a.pk, **query).status_code == 403
