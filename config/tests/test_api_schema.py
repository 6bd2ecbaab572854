"""The OpenAPI schema (/api/v1/schema/) says what the API really answers: nullable where a value
can be null, required where the view refuses a request without it, optional where some readers
do not get it, and every error answer an operation can give. `scripts/fuzz-api` checks the
responses against it at scale; these tests pin the claims that were wrong."""

import pytest
from django.urls import reverse

from calendar_rules.tests.factories import make_rule


@pytest.fixture
def schema(world):
    response = world.client("inspector_a").get(reverse("api-schema"), {"format": "json"})
    assert response.status_code == 200
    return response.json()


def component(schema, name):
    return schema["components"]["schemas"][name]


def test_who_requested_a_run_and_who_confirmed_a_place_may_be_null(schema):
    assert component(schema, "GenerationRun")["properties"]["requested_by"]["nullable"] is True
    assert component(schema, "VolunteerSlot")["properties"]["confirmed_by"]["nullable"] is True


def test_a_nightly_run_is_answered_with_no_requester(world):
    from patrols.models import GenerationRun, RunTrigger

    run = GenerationRun.objects.create(area=world.area_a, trigger=RunTrigger.NIGHTLY)
    body = world.client("inspector_a").get(reverse("generation-run-detail", args=[run.pk])).json()
    assert body["requested_by"] is None


def test_version_is_required_on_put_and_patch_of_a_rule_and_not_on_create(schema):
    rule_path = schema["paths"]["/api/v1/rules/{id}/"]
    for method in ("put", "patch"):
        ref = rule_path[method]["requestBody"]["content"]["application/json"]["schema"]["$ref"]
        assert "version" in component(schema, ref.rsplit("/", 1)[1])["required"], method
    create = schema["paths"]["/api/v1/rules/"]["post"]["requestBody"]["content"]["application/json"]["schema"]
    assert "version" not in component(schema, create["$ref"].rsplit("/", 1)[1]).get("required", [])


def test_a_patch_without_version_is_refused_as_documented(world):
    rule = make_rule(world.area_a)
    response = world.client("inspector_a").patch(
        reverse("rule-detail", args=[rule.pk]), {"label": "Renamed"}, format="json"
    )
    assert response.status_code == 400
    assert "version" in response.data


def test_a_rule_time_is_documented_as_a_wall_clock_time_without_offset(schema):
    start_time = component(schema, "PatrolRule")["properties"]["start_time"]
    assert "format" not in start_time
    assert start_time["pattern"].startswith("^([01][0-9]|2[0-3]):[0-5][0-9]")


def test_fields_only_inspectors_get_are_optional(schema):
    assert not {"rule", "pinned", "version"} & set(component(schema, "Patrol")["required"])
    assert not {"phone", "email"} & set(component(schema, "SlotVolunteer")["required"])


@pytest.mark.parametrize(
    ("path", "method", "codes"),
    [
        ("/api/v1/rules/{id}/", "patch", {"200", "400", "401", "403", "404", "409"}),
        ("/api/v1/rules/", "post", {"201", "400", "401", "403"}),
        ("/api/v1/rules/preview/", "post", {"200", "400", "401", "403"}),
        ("/api/v1/patrols/", "get", {"200", "400", "401", "403", "404"}),
        ("/api/v1/patrols/{id}/", "get", {"200", "401", "403", "404"}),
        ("/api/v1/patrols/", "post", {"201", "400", "401", "403"}),
        ("/api/v1/patrols/{id}/", "patch", {"200", "400", "401", "403", "404", "409"}),
        ("/api/v1/patrols/{id}/cancel/", "post", {"200", "400", "401", "403", "404", "409"}),
        ("/api/v1/patrols/{id}/restore/", "post", {"200", "400", "401", "403", "404", "409"}),
        ("/api/v1/patrols/{id}/history/", "get", {"200", "401", "403", "404"}),
        ("/api/v1/patrols/{id}/suggestions/", "get", {"200", "401", "403", "404"}),
        ("/api/v1/assignments/", "post", {"201", "400", "401", "403"}),
        ("/api/v1/assignments/{id}/", "delete", {"204", "400", "401", "403", "404"}),
        ("/api/v1/absences/", "get", {"200", "400", "401", "403", "404"}),
        ("/api/v1/absences/", "post", {"201", "400", "401", "403"}),
        ("/api/v1/absences/{id}/", "patch", {"200", "400", "401", "403", "404"}),
        ("/api/v1/absences/{id}/", "delete", {"204", "401", "403", "404"}),
        ("/api/v1/calendar/", "get", {"200", "400", "401", "403", "404"}),
        ("/api/v1/runs/", "post", {"202", "400", "401", "403", "404"}),
        ("/api/v1/slots/{id}/fill/", "post", {"200", "400", "401", "403", "404"}),
        ("/api/v1/auth/token/", "post", {"200", "400", "429"}),
    ],
)
def test_error_answers_are_documented_with_their_bodies(schema, path, method, codes):
    responses = schema["paths"][path][method]["responses"]
    assert codes <= set(responses), sorted(responses)
    for code in codes - {"200", "201", "202", "204"}:
        assert "application/json" in responses[code]["content"], (code, responses[code])


def test_a_patrol_edit_requires_its_version_and_a_stale_one_answers_the_current_patrol(schema):
    patch = schema["paths"]["/api/v1/patrols/{id}/"]["patch"]
    ref = patch["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    assert "version" in component(schema, ref.rsplit("/", 1)[1])["required"]
    stale = patch["responses"]["409"]["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[1]
    assert {"detail", "current"} <= set(component(schema, stale)["properties"])
    assert "put" not in schema["paths"]["/api/v1/patrols/{id}/"]


def test_a_refused_assignment_is_documented_as_field_errors_or_an_override_needed(schema):
    refused = schema["paths"]["/api/v1/assignments/"]["post"]["responses"]["400"]["content"]["application/json"]
    name = refused["schema"]["$ref"].rsplit("/", 1)[1]
    options = {ref["$ref"].rsplit("/", 1)[1] for ref in component(schema, name)["oneOf"]}
    assert options == {"FieldErrors", "OverrideNeeded"}
    assert component(schema, "OverrideNeeded")["properties"]["needs_override"]["type"] == "boolean"
