"""Access rows for a site's service times: its pages and /api/v1/sites/{id}/services/."""

from datetime import time

from django.urls import reverse

from config.tests.access import Row, outcomes
from sites.models import SiteService


def build(world):
    world.objects["service_a"] = SiteService.objects.create(
        site=world.objects["site_a"], day="shabbat", part="morning", start_time=time(9, 0), end_time=time(12, 15)
    )


def _site(w):
    return w.objects["site_a"].pk


def _service(w):
    return w.objects["service_a"].pk


def _new_service(w):
    return {"day": "weekday", "part": "morning", "start_anchor": "time", "start_time": "07:00", "duration_minutes": 45}


ROWS = [
    Row(
        "site services page (area A)",
        "sites:site_services",
        "GET",
        lambda w: reverse("sites:site_services", args=[_site(w)]),
        outcomes(302, 403, 403, 200, 404, 200),
    ),
    Row(
        "site service add (area A)",
        "sites:site_services",
        "POST",
        lambda w: reverse("sites:site_services", args=[_site(w)]),
        outcomes(302, 403, 403, 302, 404, 302),
        data=lambda w: {**_new_service(w), "start_offset_minutes": 0},
    ),
    Row(
        "site service edit page (area A)",
        "sites:site_service_edit",
        "GET",
        lambda w: reverse("sites:site_service_edit", args=[_site(w), _service(w)]),
        outcomes(302, 403, 403, 200, 404, 200),
    ),
    Row(
        "site service delete (area A)",
        "sites:site_service_delete",
        "POST",
        lambda w: reverse("sites:site_service_delete", args=[_site(w), _service(w)]),
        outcomes(302, 403, 403, 302, 404, 302),
        data=lambda w: {"version": "1"},
    ),
    Row(
        "api site A services",
        "site-service-list",
        "GET",
        lambda w: reverse("site-service-list", args=[_site(w)]),
        outcomes(401, 403, 403, 200, 404, 200),
    ),
    Row(
        "api site A service add",
        "site-service-list",
        "POST",
        lambda w: reverse("site-service-list", args=[_site(w)]),
        outcomes(401, 403, 403, 201, 404, 201),
        data=_new_service,
        format="json",
    ),
    Row(
        "api site A service detail",
        "site-service-detail",
        "GET",
        lambda w: reverse("site-service-detail", args=[_site(w), _service(w)]),
        outcomes(401, 403, 403, 200, 404, 200),
    ),
    Row(
        "api site A service change",
        "site-service-detail",
        "PATCH",
        lambda w: reverse("site-service-detail", args=[_site(w), _service(w)]),
        outcomes(401, 403, 403, 200, 404, 200),
        data=lambda w: {"version": 1, "end_time": "12:30"},
        format="json",
    ),
    Row(
        "api site A service delete",
        "site-service-detail",
        "DELETE",
        lambda w: reverse("site-service-detail", args=[_site(w), _service(w)]) + "?version=1",
        outcomes(401, 403, 403, 204, 404, 204),
    ),
]
