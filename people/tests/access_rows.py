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


def build(world):
    """The area A officer has a calendar feed link (the feed rows fetch it)."""
    from people import services

    officer = world.users["officer"].officer
    if not officer.calendar_token:
        world.objects["feed_token"] = services.officer_calendar_feed_replace(officer=officer, by=world.users["officer"])


ROWS += [
    Row(
        "officer profile page",
        "people:profile",
        "GET",
        lambda w: reverse("people:profile"),
        outcomes(302, 200, 403, 403, 403, 403),
    ),
    Row(
        "officer replaces their feed link",
        "people:profile_feed_replace",
        "POST",
        lambda w: reverse("people:profile_feed_replace"),
        outcomes(302, 302, 403, 403, 403, 403),
    ),
    # No login: the secret is the credential, whoever (or whatever calendar app) holds it.
    Row(
        "calendar feed (a live secret)",
        "feed",
        "GET",
        lambda w: reverse("feed", args=[w.objects["feed_token"]]),
        outcomes(200, 200, 200, 200, 200, 200),
    ),
    Row(
        "calendar feed (an unknown secret)",
        "feed",
        "GET",
        lambda w: reverse("feed", args=["x" * 43]),
        outcomes(404, 404, 404, 404, 404, 404),
    ),
    Row("api me", "me", "GET", lambda w: reverse("me"), outcomes(401, 200, 403, 403, 403, 403)),
    Row(
        "api me: replace the feed link",
        "me-calendar-feed",
        "POST",
        lambda w: reverse("me-calendar-feed"),
        outcomes(401, 200, 403, 403, 403, 403),
        format="json",
    ),
]
