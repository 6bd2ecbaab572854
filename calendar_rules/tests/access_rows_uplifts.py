"""Access rows for staffing uplifts: their pages and /api/v1/uplifts/."""

from django.urls import reverse

from calendar_rules.models import StaffingUplift
from config.tests.access import Row, outcomes


def build(world):
    world.objects["uplift_a"] = StaffingUplift.objects.create(
        area=world.area_a, label="High Holy Days", observance_keys=["yom_kippur"], officers_value=1
    )


def _uplift(w):
    return w.objects["uplift_a"].pk


def _payload(w):
    return {"area": w.area_a.slug, "label": "Sukkot", "observance_keys": ["sukkot_1"], "cst_places": 2}


ROWS = [
    Row(
        "uplift list page",
        "calendar_rules:uplift_list",
        "GET",
        lambda w: reverse("calendar_rules:uplift_list"),
        outcomes(302, 403, 403, 200, 200, 200),
    ),
    Row(
        "uplift create page",
        "calendar_rules:uplift_create",
        "GET",
        lambda w: reverse("calendar_rules:uplift_create"),
        outcomes(302, 403, 403, 200, 200, 200),
    ),
    Row(
        "uplift edit page (area A)",
        "calendar_rules:uplift_edit",
        "GET",
        lambda w: reverse("calendar_rules:uplift_edit", args=[_uplift(w)]),
        outcomes(302, 403, 403, 200, 404, 200),
    ),
    Row(
        "uplift deactivate (area A)",
        "calendar_rules:uplift_active",
        "POST",
        lambda w: reverse("calendar_rules:uplift_active", args=[_uplift(w)]),
        outcomes(302, 403, 403, 302, 404, 302),
        data=lambda w: {"active": "0", "version": "1"},
    ),
    Row(
        "api uplifts list",
        "uplift-list",
        "GET",
        lambda w: reverse("uplift-list"),
        outcomes(401, 403, 403, 200, 200, 200),
    ),
    Row(
        "api uplift create in area A",
        "uplift-list",
        "POST",
        lambda w: reverse("uplift-list"),
        outcomes(401, 403, 403, 201, 400, 201),
        data=_payload,
        format="json",
    ),
    Row(
        "api uplift A detail",
        "uplift-detail",
        "GET",
        lambda w: reverse("uplift-detail", args=[_uplift(w)]),
        outcomes(401, 403, 403, 200, 404, 200),
    ),
    Row(
        "api uplift A change",
        "uplift-detail",
        "PATCH",
        lambda w: reverse("uplift-detail", args=[_uplift(w)]),
        outcomes(401, 403, 403, 200, 404, 200),
        data=lambda w: {"version": 1, "active": False},
        format="json",
    ),
]
