"""Staffing uplifts: the inspector's pages and /api/v1/uplifts/. Saving one queues a run of its area."""

import pytest
from django.urls import reverse

from calendar_rules.models import StaffingUplift
from patrols.models import GenerationRun, RunTrigger

pytestmark = pytest.mark.django_db

FORM = {
    "label": "High Holy Days",
    "observance_keys": ["rosh_hashanah_1", "rosh_hashanah_2", "yom_kippur"],
    "risk_tiers": ["1", "2"],
    "site_kinds": ["synagogue"],
    "officers_mode": "add",
    "officers_value": "1",
    "cst_places": "2",
    "active": "on",
}


def _runs(area):
    return list(GenerationRun.objects.filter(area=area).values_list("trigger", flat=True))


def test_an_inspector_creates_an_uplift_it_is_listed_in_words_and_a_run_is_queued(world):
    client = world.client("inspector_a")
    response = client.post(reverse("calendar_rules:uplift_create"), {**FORM, "area": world.area_a.pk}, follow=True)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Uplift “High Holy Days” created" in html
    assert "Rosh Hashanah I, Rosh Hashanah II, Yom Kippur" in html
    assert "+1 officer, joint with 2 CST places" in html
    uplift = StaffingUplift.objects.get()
    assert (uplift.area, uplift.risk_tiers, uplift.site_kinds) == (world.area_a, [1, 2], ["synagogue"])
    assert _runs(world.area_a) == [RunTrigger.SETTINGS]


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"observance_keys": []}, "observance_categories", "Choose the observances or periods"),
        ({"officers_value": "0", "cst_places": "0"}, "officers_value", "changes nothing"),
        ({"officers_value": "99"}, "officers_value", "less than or equal to 20"),
    ],
)
def test_an_uplift_that_cannot_apply_is_refused_on_its_field_and_nothing_is_saved(world, change, field, message):
    response = world.client("inspector_a").post(
        reverse("calendar_rules:uplift_create"), {**FORM, "area": world.area_a.pk, **change}
    )
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors[field])
    assert not StaffingUplift.objects.exists() and not GenerationRun.objects.exists()


def test_an_inspector_cannot_create_an_uplift_in_another_area(world):
    response = world.client("inspector_b").post(
        reverse("calendar_rules:uplift_create"), {**FORM, "area": world.area_a.pk}
    )
    assert response.status_code == 200 and "area" in response.context["form"].errors
    assert not StaffingUplift.objects.exists()


def test_a_stale_edit_is_refused_and_deactivating_keeps_the_uplift(world):
    uplift = StaffingUplift.objects.create(
        area=world.area_a, label="High Holy Days", observance_keys=["yom_kippur"], officers_value=1
    )
    client = world.client("inspector_a")
    edit = reverse("calendar_rules:uplift_edit", args=[uplift.pk])
    assert client.get(edit).status_code == 200
    StaffingUplift.objects.filter(pk=uplift.pk).update(version=2)
    stale = client.post(edit, {**FORM, "version": "1"})
    assert "changed by someone else" in stale.content.decode()
    client.post(reverse("calendar_rules:uplift_active", args=[uplift.pk]), {"active": "0", "version": "2"})
    uplift.refresh_from_db()
    assert (uplift.active, uplift.version) == (False, 3)
    assert uplift.history.first().history_change_reason == "deactivated"
    assert _runs(world.area_a) == [RunTrigger.SETTINGS]


def test_the_api_creates_changes_and_deactivates_uplifts_in_the_callers_areas_only(world):
    client = world.client("inspector_a")
    created = client.post(
        reverse("uplift-list"),
        {"area": "area-a", "label": "Surge", "during_surge": True, "officers_mode": "at_least", "officers_value": 2},
        format="json",
    )
    assert created.status_code == 201, created.json()
    detail = reverse("uplift-detail", args=[created.json()["id"]])
    assert client.patch(detail, {"active": False}, format="json").status_code == 400  # no version
    assert client.patch(detail, {"active": False, "version": 1}, format="json").json()["active"] is False
    assert client.patch(detail, {"active": True, "version": 1}, format="json").status_code == 409
    assert world.client("inspector_b").get(detail).status_code == 404
    refused = client.post(reverse("uplift-list"), {"area": "area-a", "label": "Nothing"}, format="json")
    assert refused.status_code == 400 and "observance_categories" in refused.json()
    assert _runs(world.area_a) == [RunTrigger.SETTINGS] * 2


def test_an_uplift_for_the_alert_level_and_for_observances_at_once_is_refused(world):
    """It would apply on every surge day whatever the observance: two uplifts say what is meant."""
    client = world.client("inspector_a")
    refused = client.post(
        reverse("uplift-list"),
        {
            "area": "area-a",
            "label": "Both",
            "during_surge": True,
            "observance_keys": ["yom_kippur"],
            "officers_value": 1,
        },
        format="json",
    )
    assert refused.status_code == 400 and "not both" in str(refused.json()["during_surge"])
    assert not StaffingUplift.objects.exists() and _runs(world.area_a) == []
