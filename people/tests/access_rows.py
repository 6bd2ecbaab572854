from datetime import date

from django.urls import reverse

from config.tests.access import Row, outcomes


def _volunteer(w):
    return w.objects["volunteer_a"].pk


ROWS = [
    Row(
        "volunteer list page",
        "people:volunteer_list",
        "GET",
        lambda w: reverse("people:volunteer_list"),
        outcomes(302, 403, 200, 403, 403, 200),
    ),
    Row(
        "volunteer create page",
        "people:volunteer_create",
        "GET",
        lambda w: reverse("people:volunteer_create"),
        outcomes(302, 403, 200, 403, 403, 200),
    ),
    Row(
        "volunteer edit page (area A)",
        "people:volunteer_edit",
        "GET",
        lambda w: reverse("people:volunteer_edit", args=[_volunteer(w)]),
        outcomes(302, 403, 200, 403, 403, 200),
    ),
    Row(
        "volunteer deactivate (area A)",
        "people:volunteer_active",
        "POST",
        lambda w: reverse("people:volunteer_active", args=[_volunteer(w)]),
        outcomes(302, 403, 302, 403, 403, 302),
        data=lambda w: {"active": "0"},
    ),
    Row(
        "api officers list",
        "officer-list",
        "GET",
        lambda w: reverse("officer-list"),
        outcomes(401, 403, 200, 200, 200, 200),
    ),
    Row(
        "api officer detail (area A officer)",
        "officer-detail",
        "GET",
        lambda w: reverse("officer-detail", args=[w.users["officer"].officer.pk]),
        outcomes(401, 403, 200, 200, 404, 200),
    ),
    Row(
        "api volunteers list",
        "volunteer-list",
        "GET",
        lambda w: reverse("volunteer-list"),
        outcomes(401, 403, 200, 403, 403, 200),
    ),
    Row(
        "api volunteer create",
        "volunteer-list",
        "POST",
        lambda w: reverse("volunteer-list"),
        outcomes(401, 403, 201, 403, 403, 201),
        data=lambda w: {
            "area": w.area_a.slug,
            "call_sign": "HS-99",
            "name": "New Volunteer",
            "phone": "07700 900099",
            "card_expires": date(2031, 1, 1).isoformat(),
        },
        format="json",
    ),
    Row(
        "api volunteer detail (area A)",
        "volunteer-detail",
        "GET",
        lambda w: reverse("volunteer-detail", args=[_volunteer(w)]),
        outcomes(401, 403, 200, 403, 403, 200),
    ),
    Row(
        "api volunteer update (area A)",
        "volunteer-detail",
        "PATCH",
        lambda w: reverse("volunteer-detail", args=[_volunteer(w)]),
        outcomes(401, 403, 200, 403, 403, 200),
        data=lambda w: {"phone": "07700 900055"},
        format="json",
    ),
]
