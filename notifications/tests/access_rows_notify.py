"""Access-matrix rows of issue 11's notifications part (added to notifications/tests/access_rows.py's
ROWS): the outbox API, and the officer's email settings on /me/ and in the API's me."""

from django.urls import reverse

from config.tests.access import Row, outcomes


def build(world):
    """A police message (to inspector A) and a CST one (to the volunteer) in area A."""
    from notifications.models import NotificationKind
    from notifications.services import notification_queue

    if "message_police" in world.objects:
        return
    for key, recipient in (
        ("message_police", {"to_user": world.users["inspector_a"]}),
        ("message_cst", {"to_volunteer": world.objects["volunteer_a"]}),
    ):
        world.objects[key] = notification_queue(
            kind=NotificationKind.MISSED_PATROL,
            event_key=f"access:{key}",
            subject=key,
            body="",
            area=world.area_a,
            **recipient,
        )


def _detail(key):
    return lambda w: reverse("notification-detail", args=[w.objects[key].pk])


ROWS = [
    Row(
        "outbox page, failed only",
        "notifications:outbox",
        "GET",
        lambda w: reverse("notifications:outbox") + "?status=failed",
        outcomes(302, 403, 200, 200, 200, 200),
    ),
    Row(
        "api notifications list",
        "notification-list",
        "GET",
        lambda w: reverse("notification-list"),
        outcomes(401, 403, 200, 200, 200, 200),
    ),
    Row(
        "api notifications list, failed only",
        "notification-list",
        "GET",
        lambda w: reverse("notification-list") + "?status=failed&kind=missed_patrol",
        outcomes(401, 403, 200, 200, 200, 200),
    ),
    Row(
        "api notifications list, bad filter",
        "notification-list",
        "GET",
        lambda w: reverse("notification-list") + "?status=lost",
        outcomes(401, 403, 400, 400, 400, 400),
    ),
    # A police message carries patrol times: never a coordinator's (404, as outside their scope).
    Row(
        "api notification, police message",
        "notification-detail",
        "GET",
        _detail("message_police"),
        outcomes(401, 403, 404, 200, 404, 200),
    ),
    Row(
        "api notification, message to a volunteer",
        "notification-detail",
        "GET",
        _detail("message_cst"),
        outcomes(401, 403, 200, 200, 404, 200),
    ),
    Row(
        "api notifications: no writes",
        "notification-list",
        "POST",
        lambda w: reverse("notification-list"),
        outcomes(401, 403, 403, 403, 403, 405),
        data=lambda w: {"subject": "x"},
        format="json",
    ),
    Row(
        "officer saves their email settings",
        "people:profile_emails",
        "POST",
        lambda w: reverse("people:profile_emails"),
        outcomes(302, 302, 403, 403, 403, 403),
        data=lambda w: {"notify_patrol_changes": "on", "notify_evening_reminder": "on"},
    ),
    Row(
        "api me: email settings",
        "me",
        "PATCH",
        lambda w: reverse("me"),
        outcomes(401, 200, 403, 403, 403, 403),
        data=lambda w: {"notify_evening_reminder": True},
        format="json",
    ),
]
