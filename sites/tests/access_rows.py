from django.urls import reverse

from config.tests.access import Row, outcomes

from . import access_rows_services


def _site(w):
    return w.objects["site_a"].pk


def _site_payload(w):
    return {
        "area": w.area_a.slug,
        "name": "New Matrix Site",
        "kind": "school",
        "address": "2 Example Road",
        "postcode": "WD6 2BB",
        "latitude": "51.6500",
        "longitude": "-0.2700",
    }


ROWS = [
    # Pages
    Row(
        "site list page",
        "sites:site_list",
        "GET",
        lambda w: reverse("sites:site_list"),
        outcomes(302, 403, 403, 200, 200, 200),
    ),
    Row(
        "site create page",
        "sites:site_create",
        "GET",
        lambda w: reverse("sites:site_create"),
        outcomes(302, 403, 403, 200, 200, 200),
    ),
    Row(
        "site edit page (area A)",
        "sites:site_edit",
        "GET",
        lambda w: reverse("sites:site_edit", args=[_site(w)]),
        outcomes(302, 403, 403, 200, 404, 200),
    ),
    Row(
        "site deactivate (area A)",
        "sites:site_active",
        "POST",
        lambda w: reverse("sites:site_active", args=[_site(w)]),
        outcomes(302, 403, 403, 302, 404, 302),
        data=lambda w: {"active": "0"},
    ),
    # API
    Row("api areas list", "area-list", "GET", lambda w: reverse("area-list"), outcomes(401, 200, 200, 200, 200, 200)),
    Row(
        "api area A detail",
        "area-detail",
        "GET",
        lambda w: reverse("area-detail", args=[w.area_a.slug]),
        outcomes(401, 200, 200, 200, 404, 200),
    ),
    Row("api sites list", "site-list", "GET", lambda w: reverse("site-list"), outcomes(401, 403, 403, 200, 200, 200)),
    Row(
        "api site create in area A",
        "site-list",
        "POST",
        lambda w: reverse("site-list"),
        outcomes(401, 403, 403, 201, 400, 201),
        data=_site_payload,
        format="json",
    ),
    Row(
        "api site A detail",
        "site-detail",
        "GET",
        lambda w: reverse("site-detail", args=[_site(w)]),
        outcomes(401, 403, 403, 200, 404, 200),
    ),
    Row(
        "api site A update",
        "site-detail",
        "PATCH",
        lambda w: reverse("site-detail", args=[_site(w)]),
        outcomes(401, 403, 403, 200, 404, 200),
        data=lambda w: {"officer_notes": "Gate code changed"},
        format="json",
    ),
    Row(
        "api site A delete is not offered",
        "site-detail",
        "DELETE",
        lambda w: reverse("site-detail", args=[_site(w)]),
        outcomes(401, 403, 403, 405, 405, 405),
    ),
    # The area page and its alert level
    Row(
        "area list page",
        "sites:area_list",
        "GET",
        lambda w: reverse("sites:area_list"),
        outcomes(302, 403, 403, 200, 200, 200),
    ),
    Row(
        "area A page",
        "sites:area_detail",
        "GET",
        lambda w: reverse("sites:area_detail", args=[w.area_a.slug]),
        outcomes(302, 403, 403, 200, 404, 200),
    ),
    Row(
        "area A settings save (stale version: page with the message)",
        "sites:area_detail",
        "POST",
        lambda w: reverse("sites:area_detail", args=[w.area_a.slug]),
        outcomes(302, 403, 403, 200, 404, 200),
        data=lambda w: {"version": "0"},
    ),
    Row(
        "area A surge raise",
        "sites:area_surge_raise",
        "POST",
        lambda w: reverse("sites:area_surge_raise", args=[w.area_a.slug]),
        outcomes(302, 403, 403, 302, 404, 302),
        data=lambda w: {"reason": "Matrix", "ends_at": _in_a_day()},
    ),
    Row(
        "area A surge end",
        "sites:area_surge_end",
        "POST",
        lambda w: reverse("sites:area_surge_end", args=[w.area_a.slug]),
        outcomes(302, 403, 403, 302, 404, 302),
    ),
    Row(
        "api area A surge history",
        "area-surge",
        "GET",
        lambda w: reverse("area-surge", args=[w.area_a.slug]),
        outcomes(401, 403, 403, 200, 404, 200),
    ),
    Row(
        "api area A surge raise",
        "area-surge",
        "POST",
        lambda w: reverse("area-surge", args=[w.area_a.slug]),
        outcomes(401, 403, 403, 201, 404, 201),
        data=lambda w: {"reason": "Matrix"},
        format="json",
    ),
    Row(
        "api area A surge end (none raised)",
        "area-surge",
        "DELETE",
        lambda w: reverse("area-surge", args=[w.area_a.slug]),
        outcomes(401, 403, 403, 400, 404, 400),
    ),
    Row(
        "api area A settings",
        "area-area-settings",
        "GET",
        lambda w: reverse("area-area-settings", args=[w.area_a.slug]),
        outcomes(401, 403, 403, 200, 404, 200),
    ),
    Row(
        "api area A settings change",
        "area-area-settings",
        "PATCH",
        lambda w: reverse("area-area-settings", args=[w.area_a.slug]),
        outcomes(401, 403, 403, 200, 404, 200),
        data=lambda w: {"version": 1, "cst_duty_phone": "020 7946 0000"},
        format="json",
    ),
]


def _in_a_day() -> str:
    """An end a day from the real clock, in the area's (London) time, as the page's field takes it."""
    from datetime import timedelta
    from zoneinfo import ZoneInfo

    from django.utils import timezone

    return (timezone.now() + timedelta(days=1)).astimezone(ZoneInfo("Europe/London")).strftime("%Y-%m-%dT%H:%M")


ROWS += access_rows_services.ROWS
build = access_rows_services.build
