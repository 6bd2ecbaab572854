"""A send that failed is shown to the area's inspectors: counted on their Today panel (the last
week's), with a link to the outbox filtered to the failed ones, where each shows its error."""

from datetime import UTC, datetime, timedelta
from unittest import mock

import time_machine
from django.test import override_settings
from django.urls import reverse

from notifications.models import NotificationKind
from notifications.services import notification_queue, notifications_send_due

MONDAY = datetime(2026, 1, 5, 10, 0, tzinfo=UTC)


def queue(area, key, **recipient):
    return notification_queue(
        kind=NotificationKind.MISSED_PATROL, event_key=key, subject=f"About {key}", body="", area=area, **recipient
    )


def fail_all_sends():
    refused = mock.patch("django.core.mail.EmailMessage.send", side_effect=OSError("mail server refused"))
    with refused, override_settings(NOTIFICATION_MAX_ATTEMPTS=1):
        return notifications_send_due()


def test_the_today_panel_counts_the_areas_failed_sends_of_the_last_week(world):
    with time_machine.travel(MONDAY - timedelta(days=8), tick=False):
        queue(world.area_a, "old", to_user=world.users["coordinator"])  # too old to count
        fail_all_sends()
    with time_machine.travel(MONDAY, tick=False):
        world.users["inspector_a"].email = "inspector@police.example"
        world.users["inspector_a"].save()
        queue(world.area_a, "failed-1", to_user=world.users["inspector_a"])
        queue(world.area_a, "failed-2", to_volunteer=world.objects["volunteer_a"])
        queue(world.area_b, "failed-b", to_user=world.users["inspector_b"])
        assert fail_all_sends().failed == 3
        page = world.client("inspector_a").get(reverse("patrols:today")).content.decode()
        assert "2 emails of Area A could not be sent" in page
        assert reverse("notifications:outbox") + "?status=failed" in page
        page = world.client("inspector_b").get(reverse("patrols:today")).content.decode()
        assert "1 email of Area B could not be sent" in page


def test_no_failed_sends_no_line(world):
    queue(world.area_a, "fine", to_user=world.users["inspector_a"])
    page = world.client("inspector_a").get(reverse("patrols:today")).content.decode()
    assert "could not be sent" not in page


def test_the_outbox_page_shows_only_the_failed_ones_with_their_errors(world):
    user = world.users["inspector_a"]
    user.email = "inspector@police.example"
    user.save()
    queue(world.area_a, "to-fail", to_user=user)
    fail_all_sends()
    queue(world.area_a, "still-pending", to_user=user)
    client = world.client("inspector_a")
    page = client.get(reverse("notifications:outbox"), {"status": "failed"}).content.decode()
    assert "About to-fail" in page and "OSError: mail server refused" in page
    assert "About still-pending" not in page
    assert "About still-pending" in client.get(reverse("notifications:outbox")).content.decode()
    response = client.get(reverse("notifications:outbox"), {"status": "lost"})
    assert response.status_code == 200 and "Select a valid choice" in response.content.decode()
