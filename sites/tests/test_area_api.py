"""/api/v1/areas/{slug}/surge/ (GET the history, POST raise, DELETE end) and
/api/v1/areas/{slug}/settings/ (GET, PATCH with the version read)."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.urls import reverse

from patrols.models import GenerationRun, RunTrigger
from sites.models import Area, AreaSurge

NOW = datetime(2026, 1, 5, 7, 0, tzinfo=UTC)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def surge_url(world):
    return reverse("area-surge", args=[world.area_a.slug])


def settings_url(world):
    return reverse("area-area-settings", args=[world.area_a.slug])


def test_raise_end_and_read_the_history_of_the_alert_level(world, clock):
    api = world.client("inspector_a")
    response = api.post(surge_url(world), {"reason": "Incident nearby"}, format="json")
    assert response.status_code == 201
    assert response.json() == {
        "id": AreaSurge.objects.get().pk,
        "reason": "Incident nearby",
        "raised_by": "inspector_a",
        "raised_at": "2026-01-05T07:00:00Z",
        "ends_at": "2026-01-08T07:00:00Z",
        "ended_by": None,
        "ended_at": None,
        "status": "raised",
    }
    assert GenerationRun.objects.get().trigger == RunTrigger.SURGE

    clock.move_to(NOW + timedelta(hours=5))
    ended = api.delete(surge_url(world))
    assert ended.status_code == 200
    assert (ended.json()["ended_by"], ended.json()["ended_at"], ended.json()["status"]) == (
        "inspector_a",
        "2026-01-05T12:00:00Z",
        "ended",
    )
    assert GenerationRun.objects.filter(trigger=RunTrigger.SURGE).count() == 2

    api.post(surge_url(world), {"reason": "Second", "ends_at": "2026-01-05T14:00:00Z"}, format="json")
    clock.move_to(NOW + timedelta(hours=8))
    from sites.surges import surges_expire

    surges_expire()
    history = api.get(surge_url(world)).json()
    assert [(row["reason"], row["status"], row["ended_by"]) for row in history] == [
        ("Second", "expired", None),
        ("Incident nearby", "ended", "inspector_a"),
    ]


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        ({"reason": "Incident", "ends_at": "2026-01-05T06:00:00Z"}, "ends_at", "The end must be in the future."),
        ({"reason": "Incident", "ends_at": "2026-01-20T07:00:00Z"}, "ends_at", "at most 14 days"),
        ({"ends_at": "2026-01-06T07:00:00Z"}, "reason", "This field is required."),
        ({"reason": "Incident", "ends_at": "tomorrow"}, "ends_at", "Datetime has wrong format"),
    ],
)
def test_a_bad_raise_is_a_400_naming_the_field_and_raises_nothing(world, body, field, message):
    response = world.client("inspector_a").post(surge_url(world), body, format="json")
    assert response.status_code == 400 and message in " ".join(response.json()[field])
    assert not AreaSurge.objects.exists() and not GenerationRun.objects.exists()


def test_raising_twice_or_ending_when_normal_is_refused(world):
    api = world.client("inspector_a")
    assert api.delete(surge_url(world)).json() == {"non_field_errors": ["The alert level of this area is not raised."]}
    api.post(surge_url(world), {"reason": "One"}, format="json")
    again = api.post(surge_url(world), {"reason": "Two"}, format="json")
    assert again.status_code == 400 and "already raised" in str(again.json())
    assert AreaSurge.objects.count() == 1


def test_officers_and_coordinators_may_not_raise_and_other_areas_are_not_found(world):
    for persona in ("officer", "coordinator"):
        assert world.client(persona).post(surge_url(world), {"reason": "X"}, format="json").status_code == 403
        assert world.client(persona).get(surge_url(world)).status_code == 403
    assert world.client("inspector_b").post(surge_url(world), {"reason": "X"}, format="json").status_code == 404
    assert not AreaSurge.objects.exists()


def test_settings_read_and_change_with_the_version(world):
    api = world.client("inspector_a")
    read = api.get(settings_url(world)).json()
    assert (read["version"], read["timezone"], read["horizon_days"]) == (1, "Europe/London", None)

    changed = api.patch(settings_url(world), {"version": 1, "latitude": "51.60000"}, format="json")
    assert changed.status_code == 200 and changed.json()["version"] == 2
    assert GenerationRun.objects.get().trigger == RunTrigger.SETTINGS

    stale = api.patch(settings_url(world), {"version": 1, "latitude": "51.70000"}, format="json")
    assert stale.status_code == 409 and "changed by someone else" in stale.json()["version"][0]
    missing = api.patch(settings_url(world), {"latitude": "51.70000"}, format="json")
    assert missing.status_code == 400 and "version" in missing.json()
    bad = api.patch(settings_url(world), {"version": 2, "min_rest_hours": 30}, format="json")
    assert bad.status_code == 400 and "min_rest_hours" in bad.json()
    area = Area.objects.get(pk=world.area_a.pk)
    assert (str(area.latitude), area.min_rest_hours, area.version) == ("51.60000", 11, 2)
    assert area.history.first().history_change_reason == "changed latitude"
