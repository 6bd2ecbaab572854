"""The answers of the rota-editing endpoints match the OpenAPI schema on their real paths — a
patrol added, changed, refused as stale, cancelled; an officer assigned, refused, overridden and
taken off; the suggestions, the history and an absence — which random fuzzing (scripts/fuzz-api)
seldom reaches, since it rarely guesses an id that exists. Checked with schemathesis' own response
validation, as the fuzzer checks."""

from datetime import UTC, date, datetime, timedelta

import pytest
import requests
from django.urls import reverse

from conftest import make_user
from patrols.services import assignment_create, patrol_create_manual, slot_fill
from people.services import absence_create
from sites.models import Role

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]

schemathesis = pytest.importorskip("schemathesis")

TOMORROW_8 = datetime(2026, 1, 6, 8, 0, tzinfo=UTC)
HOUR = timedelta(hours=1)


@pytest.fixture
def check(world):
    from schemathesis.core.transport import Response

    raw = world.client("admin").get(reverse("api-schema"), {"format": "json"}).json()
    schema = schemathesis.openapi.from_dict(raw)

    def check(response, path: str, method: str, *, status: int):
        assert response.status_code == status, getattr(response, "data", response.content)
        prepared = requests.Request(method=method, url=f"http://testserver{path}").prepare()
        answer = Response(
            status_code=response.status_code,
            headers={name: [value] for name, value in response.headers.items()},
            content=response.content,
            request=prepared,
            elapsed=0.0,
            message="",
            encoding="utf-8",
            http_version="1.1",
            verify=False,
        )
        schema.validate_response(schema[path][method], answer)
        return response

    return check


def _patrol(world, *, start=TOMORROW_8, hours=1, **fields):
    return patrol_create_manual(
        site=world.objects["site_a"], starts_at=start, ends_at=start + hours * HOUR, by=None, **fields
    )


def test_patrol_edits_answer_as_documented(world, check):
    client = world.client("inspector_a")
    body = {
        "site": world.objects["site_a"].pk,
        "starts_at": "2026-01-07T18:00:00+00:00",
        "ends_at": "2026-01-07T20:00:00+00:00",
        "kind": "joint",
        "volunteers_required": 2,
    }
    added = check(client.post("/api/v1/patrols/", body, format="json"), "/api/v1/patrols/", "POST", status=201)
    patrol_id = added.json()["id"]
    slot = world.objects["site_a"].patrols.get(pk=patrol_id).slots.order_by("id").first()
    slot_fill(slot=slot, volunteer=world.objects["volunteer_a"], by=None)
    assignment_create(patrol=slot.patrol, officer=world.users["officer"].officer, by=None)
    detail = "/api/v1/patrols/{id}/"
    url = f"/api/v1/patrols/{patrol_id}/"
    for persona in ("inspector_a", "coordinator", "officer", "admin"):
        check(world.client(persona).get(url), detail, "GET", status=200)
    check(client.patch(url, {"label": "Moved", "version": 1}, format="json"), detail, "PATCH", status=200)
    check(client.patch(url, {"label": "Again", "version": 1}, format="json"), detail, "PATCH", status=409)
    check(client.patch(url, {"label": "x"}, format="json"), detail, "PATCH", status=400)
    cancel = f"/api/v1/patrols/{patrol_id}/cancel/"
    check(
        client.post(cancel, {"reason": "Closed", "version": 2}, format="json"),
        "/api/v1/patrols/{id}/cancel/",
        "POST",
        status=200,
    )
    check(
        client.post(cancel, {"reason": "Closed", "version": 2}, format="json"),
        "/api/v1/patrols/{id}/cancel/",
        "POST",
        status=409,
    )
    restore = f"/api/v1/patrols/{patrol_id}/restore/"
    check(client.post(restore, {"version": 3}, format="json"), "/api/v1/patrols/{id}/restore/", "POST", status=200)
    history = check(
        client.get(f"/api/v1/patrols/{patrol_id}/history/"), "/api/v1/patrols/{id}/history/", "GET", status=200
    )
    assert len(history.json()) >= 5
    check(
        world.client("officer").get(f"/api/v1/patrols/{patrol_id}/history/"),
        "/api/v1/patrols/{id}/history/",
        "GET",
        status=403,
    )


def test_assignments_and_suggestions_answer_as_documented(world, check):
    client = world.client("inspector_a")
    officer = world.users["officer"].officer
    make_user("pc2", role=Role.OFFICER, area=world.area_a, collar="PC102")
    morning = _patrol(world, hours=4)
    assignment_create(patrol=morning, officer=officer, by=None)
    evening = _patrol(world, start=TOMORROW_8 + 5 * HOUR, hours=7)  # one 12-hour duty with the morning's
    check(
        client.get(f"/api/v1/patrols/{evening.pk}/suggestions/"), "/api/v1/patrols/{id}/suggestions/", "GET", status=200
    )
    create = "/api/v1/assignments/"
    body = {"patrol": evening.pk, "officer": officer.pk}
    needs = check(client.post(create, body, format="json"), create, "POST", status=400)
    assert needs.json()["needs_override"] is True
    check(client.post(create, {**body, "officer": 999999}, format="json"), create, "POST", status=400)
    made = check(
        client.post(create, {**body, "override_reason": "Only trained officer"}, format="json"),
        create,
        "POST",
        status=201,
    )
    check(client.delete(f"/api/v1/assignments/{made.json()['id']}/"), "/api/v1/assignments/{id}/", "DELETE", status=204)


def test_absences_answer_as_documented(world, check):
    client = world.client("inspector_a")
    officer = world.users["officer"].officer
    assignment_create(patrol=_patrol(world), officer=officer, by=None)
    body = {"officer": officer.pk, "kind": "leave", "starts_on": "2026-01-06", "ends_on": "2026-01-07"}
    made = check(client.post("/api/v1/absences/", body, format="json"), "/api/v1/absences/", "POST", status=201)
    assert made.json()["clashing_patrols"]
    url = f"/api/v1/absences/{made.json()['id']}/"
    check(client.patch(url, {"note": "Wedding"}, format="json"), "/api/v1/absences/{id}/", "PATCH", status=200)
    absence_create(officer=officer, kind="sickness", starts_on=date(2026, 2, 1), ends_on=date(2026, 2, 1), by=None)
    for persona in ("inspector_a", "officer"):
        check(world.client(persona).get("/api/v1/absences/"), "/api/v1/absences/", "GET", status=200)
        check(world.client(persona).get(url), "/api/v1/absences/{id}/", "GET", status=200)
    check(client.delete(url), "/api/v1/absences/{id}/", "DELETE", status=204)
