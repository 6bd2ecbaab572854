"""Inspectors keep the sites of their areas through their own pages."""

import pytest
from django.urls import reverse

from conftest import make_site
from sites.models import Site, SiteKind


def _form(world, **overrides):
    data = {
        "area": world.area_a.pk,
        "name": "Kehillat Test",
        "kind": SiteKind.SYNAGOGUE,
        "address": "5 Example Way, Borehamwood",
        "postcode": "wd61aa",
        "latitude": "51.6570",
        "longitude": "-0.2700",
        "risk_tier": 1,
        "officer_notes": "Side gate",
    }
    return {**data, **overrides}


def test_inspector_creates_a_site_and_its_history_names_them(world):
    client = world.client("inspector_a")
    response = client.post(reverse("sites:site_create"), _form(world))
    assert response.status_code == 302
    site = Site.objects.get(name="Kehillat Test")
    assert site.postcode == "WD6 1AA"
    record = site.history.get()
    assert record.history_user == world.users["inspector_a"]
    assert record.history_change_reason == "created"


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("latitude", "91", "less than or equal to 90"),
        ("longitude", "-181", "greater than or equal to -180"),
        ("postcode", "12345", "Enter a UK postcode"),
        ("kind", "castle", "Select a valid choice"),
        ("name", "", "This field is required"),
    ],
)
def test_a_bad_site_is_refused_with_a_message_and_nothing_is_saved(world, field, value, message):
    client = world.client("inspector_a")
    before = Site.objects.count()
    response = client.post(reverse("sites:site_create"), _form(world, **{field: value}))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert Site.objects.count() == before


def test_an_inspector_cannot_place_a_site_in_another_area(world):
    client = world.client("inspector_a")
    response = client.post(reverse("sites:site_create"), _form(world, area=world.area_b.pk))
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not Site.objects.filter(name="Kehillat Test").exists()


def test_list_filters_by_kind_and_active_and_searches_by_name(world):
    make_site(world.area_a, name="Yavneh Test School", kind=SiteKind.SCHOOL)
    make_site(world.area_a, name="Closed Test School", kind=SiteKind.SCHOOL, active=False)
    client = world.client("inspector_a")
    page = client.get(reverse("sites:site_list"), {"kind": "school", "active": "true"}).content.decode()
    assert "Yavneh Test School" in page
    assert "Closed Test School" not in page
    assert "Beth Test Synagogue" not in page
    page = client.get(reverse("sites:site_list"), {"search": "yavneh"}).content.decode()
    assert "Yavneh Test School" in page and "Closed Test School" not in page


def test_list_shows_only_the_inspectors_own_areas(world):
    page = world.client("inspector_a").get(reverse("sites:site_list")).content.decode()
    assert "Beth Test Synagogue" in page
    assert "Other Area Synagogue" not in page


def test_htmx_filtering_returns_only_the_rows(world):
    response = world.client("inspector_a").get(reverse("sites:site_list"), {"search": "beth"}, HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert "<table" in body and "<html" not in body
    assert "Beth Test Synagogue" in body


def test_edit_keeps_history_and_deactivate_never_deletes(world):
    site = world.objects["site_a"]
    client = world.client("inspector_a")
    form = _form(world, name=site.name, officer_notes="Gate code changed")
    assert client.post(reverse("sites:site_edit", args=[site.pk]), form).status_code == 302
    assert client.post(reverse("sites:site_active", args=[site.pk]), {"active": "0"}).status_code == 302
    site.refresh_from_db()
    assert site.officer_notes == "Gate code changed"
    assert site.active is False
    reasons = list(site.history.order_by("history_date").values_list("history_change_reason", flat=True))
    assert reasons == [None, "edited", "deactivated"]
    page = client.get(reverse("sites:site_edit", args=[site.pk])).content.decode()
    assert "deactivated by inspector_a" in page


def test_admin_cannot_delete_a_site(world):
    client = world.client("admin")
    site = world.objects["site_a"]
    assert client.get(reverse("admin:protected_sites_site_change", args=[site.pk])).status_code == 200
    assert client.get(reverse("admin:protected_sites_site_delete", args=[site.pk])).status_code == 403


def test_the_pager_keeps_the_filters(world):
    for number in range(60):
        make_site(world.area_a, name=f"School {number:02d}", kind=SiteKind.SCHOOL)
    page = world.client("inspector_a").get(reverse("sites:site_list"), {"kind": "school"}).content.decode()
    assert 'href="?kind=school&amp;page=2"' in page
    page2 = world.client("inspector_a").get(reverse("sites:site_list"), {"kind": "school", "page": 2}).content.decode()
    assert 'href="?kind=school&amp;page=1"' in page2
    assert "Beth Test Synagogue" not in page2


def test_the_status_filter_reads_any_active_inactive(world):
    page = world.client("inspector_a").get(reverse("sites:site_list")).content.decode()
    assert '<option value="" selected>Any</option>' in page
    assert '<option value="false">Inactive</option>' in page


def test_the_site_list_names_a_filter_it_cannot_read_and_lists_without_it(world):
    response = world.client("inspector_a").get(reverse("sites:site_list"), {"kind": "castle"})
    html = response.content.decode()
    assert response.status_code == 200
    assert 'role="alert"' in html and "kind: Select a valid choice. castle is not one of the available choices." in html
    assert [site.name for site in response.context["object_list"]] == [world.objects["site_a"].name]


def test_the_sites_api_refuses_a_filter_it_cannot_read_naming_it(world):
    response = world.client("inspector_a").get(reverse("site-list"), {"kind": "castle"})
    assert response.status_code == 400 and "kind" in response.json()
