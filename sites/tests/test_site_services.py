"""A site's service times: the inspector's pages and /api/v1/sites/{id}/services/. Every change
queues a run of the area (rules anchored to the site's service plan from them)."""

from datetime import time

import pytest
from django.urls import reverse

from patrols.models import GenerationRun, RunTrigger
from sites.models import SiteService

pytestmark = pytest.mark.django_db

FORM = {
    "day": "shabbat",
    "part": "morning",
    "label": "Shacharit",
    "start_anchor": "time",
    "start_time": "09:00",
    "start_offset_minutes": "0",
    "duration_minutes": "",
    "end_time": "12:15",
}


def _services_url(site):
    return reverse("sites:site_services", args=[site.pk])


def _runs(area):
    return list(GenerationRun.objects.filter(area=area).values_list("trigger", flat=True))


def _service(site, **fields):
    defaults = {"day": "shabbat", "part": "morning", "start_time": time(9, 0), "end_time": time(12, 15)}
    return SiteService.objects.create(site=site, **{**defaults, **fields})


def test_an_inspector_adds_a_service_on_the_sites_page_and_a_run_is_queued(world, django_capture_on_commit_callbacks):
    site = world.objects["site_a"]
    client = world.client("inspector_a")
    with django_capture_on_commit_callbacks():
        response = client.post(_services_url(site), FORM, follow=True)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Shabbat morning service at Beth Test Synagogue added" in html
    assert "Shacharit" in html and "09:00" in html and "12:15" in html
    service = SiteService.objects.get(site=site)
    assert service.history.get().history_user == world.users["inspector_a"]
    assert _runs(world.area_a) == [RunTrigger.SETTINGS]


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"duration_minutes": "90"}, "duration_minutes", "Give a duration or an end time, not both."),
        ({"end_time": ""}, "duration_minutes", "Give a duration or an end time."),
        ({"start_time": ""}, "start_time", "Give the start time for a clock-time start."),
        ({"start_offset_minutes": "9999"}, "start_offset_minutes", "less than or equal to 720"),
    ],
)
def test_bad_input_is_said_on_the_field_and_nothing_is_saved(world, change, field, message):
    site = world.objects["site_a"]
    response = world.client("inspector_a").post(_services_url(site), {**FORM, **change})
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors[field])
    assert not SiteService.objects.exists() and not GenerationRun.objects.exists()


def test_a_second_service_of_the_same_day_and_part_is_refused(world):
    site = world.objects["site_a"]
    _service(site)
    response = world.client("inspector_a").post(_services_url(site), FORM)
    assert response.status_code == 200
    assert "This site already has this service on this day." in response.content.decode()
    assert SiteService.objects.count() == 1


def test_editing_a_service_someone_changed_since_is_refused(world):
    site = world.objects["site_a"]
    service = _service(site)
    url = reverse("sites:site_service_edit", args=[site.pk, service.pk])
    client = world.client("inspector_a")
    assert client.get(url).status_code == 200
    SiteService.objects.filter(pk=service.pk).update(version=2)
    response = client.post(url, {**FORM, "end_time": "12:45", "version": "1"})
    assert response.status_code == 200
    assert "changed by someone else" in response.content.decode()
    service.refresh_from_db()
    assert service.end_time == time(12, 15)
    ok = client.post(url, {**FORM, "end_time": "12:45", "version": "2"})
    assert ok.status_code == 302
    service.refresh_from_db()
    assert (service.end_time, service.version) == (time(12, 45), 3)


def test_a_service_is_removed_with_the_version_shown_and_a_stale_removal_is_refused(world):
    site = world.objects["site_a"]
    service = _service(site)
    client = world.client("inspector_a")
    url = reverse("sites:site_service_delete", args=[site.pk, service.pk])
    stale = client.post(url, {"version": "7"}, follow=True)
    assert "changed by someone else" in stale.content.decode()
    assert SiteService.objects.filter(pk=service.pk).exists()
    client.post(url, {"version": "1"})
    assert not SiteService.objects.filter(pk=service.pk).exists()
    assert _runs(world.area_a) == [RunTrigger.SETTINGS]


def test_another_areas_inspector_gets_404_for_the_sites_services(world):
    site = world.objects["site_a"]
    service = _service(site)
    client = world.client("inspector_b")
    assert client.get(_services_url(site)).status_code == 404
    assert client.get(reverse("sites:site_service_edit", args=[site.pk, service.pk])).status_code == 404
    assert client.get(reverse("site-service-list", args=[site.pk])).status_code == 404


# ---- API ----------------------------------------------------------------------------------


def test_the_api_lists_adds_changes_and_removes_a_sites_services(world):
    site = world.objects["site_a"]
    client = world.client("inspector_a")
    url = reverse("site-service-list", args=[site.pk])
    created = client.post(
        url,
        {
            "day": "yom_kippur",
            "part": "evening",
            "label": "Kol Nidre",
            "start_anchor": "candle_lighting",
            "duration_minutes": 150,
        },
        format="json",
    )
    assert created.status_code == 201, created.json()
    body = created.json()
    assert (body["site"], body["start_time"], body["version"]) == (site.pk, None, 1)
    assert [row["label"] for row in client.get(url).json()] == ["Kol Nidre"]
    detail = reverse("site-service-detail", args=[site.pk, body["id"]])
    assert client.patch(detail, {"duration_minutes": 160}, format="json").status_code == 400  # no version
    assert client.patch(detail, {"duration_minutes": 160, "version": 1}, format="json").json()["version"] == 2
    stale = client.patch(detail, {"duration_minutes": 170, "version": 1}, format="json")
    assert stale.status_code == 409 and "version" in stale.json()
    assert client.delete(detail + "?version=1").status_code == 409
    assert client.delete(detail + "?version=2").status_code == 204
    assert _runs(world.area_a) == [RunTrigger.SETTINGS] * 3


def test_the_api_refuses_a_service_with_both_a_duration_and_an_end(world):
    site = world.objects["site_a"]
    response = world.client("inspector_a").post(
        reverse("site-service-list", args=[site.pk]),
        {"day": "weekday", "part": "morning", "start_time": "07:00", "duration_minutes": 45, "end_time": "07:45"},
        format="json",
    )
    assert response.status_code == 400
    assert "Give a duration or an end time, not both." in str(response.json())
    assert not SiteService.objects.exists()


def test_the_api_refuses_a_second_service_of_the_same_day_and_part(world):
    site = world.objects["site_a"]
    _service(site)
    response = world.client("inspector_a").post(
        reverse("site-service-list", args=[site.pk]),
        {"day": "shabbat", "part": "morning", "start_time": "09:30", "duration_minutes": 120},
        format="json",
    )
    assert response.status_code == 400
    assert response.json() == {"non_field_errors": ["This site already has this service on this day."]}
    assert SiteService.objects.count() == 1
