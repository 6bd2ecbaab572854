"""The REST API: token auth, pagination, filters, validation errors naming the field, OpenAPI."""

import yaml
from django.urls import reverse
from rest_framework.test import APIClient

from conftest import make_site
from sites.models import Site, SiteKind


def test_a_token_is_obtained_and_authenticates(world):
    client = APIClient()
    response = client.post(reverse("api-token"), {"username": "inspector_a", "password": "pw"}, format="json")
    assert response.status_code == 200
    client.credentials(HTTP_AUTHORIZATION=f"Token {response.data['token']}")
    response = client.get(reverse("site-list"))
    assert response.status_code == 200
    assert [row["name"] for row in response.data["results"]] == ["Beth Test Synagogue"]


def test_anonymous_api_calls_get_401_with_a_challenge(db):
    response = APIClient().get(reverse("site-list"))
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"


def test_sites_are_paginated_and_filtered(world):
    for number in range(60):
        make_site(world.area_a, name=f"School {number:02d}", kind=SiteKind.SCHOOL, active=number % 2 == 0)
    client = world.client("inspector_a")
    page = client.get(reverse("site-list")).data
    assert page["count"] == 61 and len(page["results"]) == 50 and page["next"]
    filtered = client.get(reverse("site-list"), {"kind": "school", "active": "false"}).data
    assert filtered["count"] == 30
    assert client.get(reverse("site-list"), {"search": "school 0"}).data["count"] == 10


def test_validation_errors_are_json_naming_the_field_and_save_nothing(world):
    client = world.client("inspector_a")
    payload = {
        "area": world.area_a.slug,
        "name": "Bad Site",
        "kind": "castle",
        "address": "1 Road",
        "postcode": "NOTAPOSTCODE",
        "latitude": "95",
        "longitude": "0",
    }
    response = client.post(reverse("site-list"), payload, format="json")
    assert response.status_code == 400
    assert set(response.data) == {"kind", "postcode", "latitude"}
    assert "UK postcode" in str(response.data["postcode"])
    assert not Site.objects.filter(name="Bad Site").exists()


def test_a_site_cannot_be_moved_into_an_area_the_inspector_does_not_hold(world):
    site = world.objects["site_a"]
    response = world.client("inspector_a").patch(
        reverse("site-detail", args=[site.pk]), {"area": world.area_b.slug}, format="json"
    )
    assert response.status_code == 400
    assert "area" in response.data
    site.refresh_from_db()
    assert site.area == world.area_a


def test_the_openapi_schema_describes_the_resources(world):
    response = world.client("inspector_a").get(reverse("api-schema"))
    assert response.status_code == 200
    schema = yaml.safe_load(response.content)
    assert schema["openapi"].startswith("3.")
    for path in ["/api/v1/areas/", "/api/v1/sites/", "/api/v1/officers/", "/api/v1/volunteers/"]:
        assert path in schema["paths"]


def test_interactive_docs_are_served_without_a_cdn(world):
    body = world.client("inspector_a").get(reverse("api-docs")).content.decode()
    assert "swagger-ui" in body
    assert "cdn" not in body.lower()


def test_an_inspector_creates_and_edits_a_site_through_the_api(world):
    client = world.client("inspector_a")
    payload = {
        "area": world.area_a.slug,
        "name": "Yavneh College",
        "kind": "school",
        "address": "Hillside Avenue",
        "postcode": "WD6 1HL",
        "latitude": "51.6600",
        "longitude": "-0.2750",
    }
    created = client.post(reverse("site-list"), payload, format="json")
    assert created.status_code == 201, created.content
    site = Site.objects.get(pk=created.json()["id"])
    assert (site.area, site.name, site.kind, site.postcode) == (world.area_a, "Yavneh College", "school", "WD6 1HL")

    edited = client.patch(
        reverse("site-detail", args=[site.pk]), {"officer_notes": "Gate code 1948", "active": False}, format="json"
    )
    assert edited.status_code == 200, edited.content
    site.refresh_from_db()
    assert (site.officer_notes, site.active) == ("Gate code 1948", False)
    assert list(site.history.order_by("history_id").values_list("history_user__username", flat=True)) == [
        "inspector_a",
        "inspector_a",
    ]
