"""`GET /api/v1/notifications/`: the outbox as the page scopes it — an inspector their areas'
messages, a coordinator only those to volunteers and coordinators, never police messages — with
failed sends findable, filters, keyset pages and a fixed number of queries."""

from unittest import mock

import pytest
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from conftest import make_user
from notifications.models import NotificationKind, NotificationStatus
from notifications.services import notification_queue, notifications_send_due
from sites.models import Role

URL = reverse("notification-list")


def queue(area, key, kind=NotificationKind.MISSED_PATROL, **recipient):
    return notification_queue(
        kind=kind, event_key=key, subject=f"About {key}", body="secret body", area=area, **recipient
    )


@pytest.fixture
def messages(world):
    return {
        "police_a": queue(world.area_a, "police-a", to_user=world.users["inspector_a"]),
        "cst_a": queue(world.area_a, "cst-a", NotificationKind.SLOT_ASKED, to_volunteer=world.objects["volunteer_a"]),
        "coordinator_a": queue(
            world.area_a, "answered-a", NotificationKind.SLOT_ANSWERED, to_user=world.users["coordinator"]
        ),
        "police_b": queue(world.area_b, "police-b", to_user=world.users["inspector_b"]),
    }


def subjects(response):
    assert response.status_code == 200, response.content
    return [row["subject"] for row in response.json()["results"]]


def test_an_inspector_sees_their_areas_messages_newest_first(world, messages):
    assert subjects(world.client("inspector_a").get(URL)) == ["About answered-a", "About cst-a", "About police-a"]
    assert subjects(world.client("inspector_b").get(URL)) == ["About police-b"]
    assert len(subjects(world.client("admin").get(URL))) == 4


def test_a_coordinator_sees_only_messages_to_volunteers_and_coordinators(world, messages):
    assert subjects(world.client("coordinator").get(URL)) == ["About answered-a", "About cst-a"]
    police = messages["police_a"]
    assert world.client("coordinator").get(reverse("notification-detail", args=[police.pk])).status_code == 404


def test_officers_have_no_outbox(world, messages):
    assert world.client("officer").get(URL).status_code == 403


def test_a_message_says_who_what_and_how_it_stands_but_not_its_body(world, messages):
    body = world.client("inspector_a").get(reverse("notification-detail", args=[messages["cst_a"].pk])).json()
    assert body["kind"] == "slot_asked"
    assert body["audience"] == "cst"
    assert body["area"] == "area-a"
    assert (body["to_user"], body["to_volunteer"]) == (None, world.objects["volunteer_a"].pk)
    assert body["recipient"] == str(world.objects["volunteer_a"])
    assert body["status"] == "pending" and body["attempts"] == 0
    assert "body" not in body  # a volunteer's message carries their personal links


def test_failed_sends_are_a_filter_away(world, messages):
    world.users["inspector_a"].email = "inspector@police.example"
    world.users["inspector_a"].save()
    world.users["coordinator"].email = ""  # this one cannot be sent
    world.users["coordinator"].save()
    refused = mock.patch("django.core.mail.EmailMessage.send", side_effect=OSError("refused"))
    with refused, override_settings(NOTIFICATION_MAX_ATTEMPTS=1):
        notifications_send_due()
    rows = world.client("inspector_a").get(URL, {"status": "failed"}).json()["results"]
    assert {row["subject"]: row["last_error"] for row in rows} == {
        "About answered-a": "The user has no email address.",
        "About cst-a": "OSError: refused",
        "About police-a": "OSError: refused",
    }
    assert subjects(world.client("inspector_a").get(URL, {"status": "sent"})) == []
    assert subjects(world.client("inspector_a").get(URL, {"kind": "slot_answered"})) == ["About answered-a"]
    assert subjects(world.client("admin").get(URL, {"area": "area-b"})) == ["About police-b"]


def test_a_bad_filter_is_a_400_naming_it(world, messages):
    response = world.client("inspector_a").get(URL, {"status": "lost"})
    assert response.status_code == 400 and "status" in response.json()
    response = world.client("inspector_a").get(URL, {"kind": "<script>"})
    assert response.status_code == 400 and "kind" in response.json()


def test_keyset_pages_walk_the_whole_outbox_once(world):
    made = [queue(world.area_a, f"m{n}", to_user=world.users["inspector_a"]) for n in range(5)]
    client = world.client("inspector_a")
    seen: list[int] = []
    url = URL + "?page_size=2"
    while url:
        page = client.get(url).json()
        assert "count" not in page
        seen.extend(row["id"] for row in page["results"])
        url = page["next"]
    assert seen == [message.pk for message in reversed(made)]


@pytest.mark.parametrize("persona", ["inspector_a", "coordinator"])
def test_the_list_costs_the_same_queries_for_5_or_40_messages(world, persona):
    def fill(count, start):
        for n in range(start, start + count):
            user = make_user(f"c{n}", role=Role.CST_COORDINATOR, area=world.area_a)
            queue(world.area_a, f"n{n}", NotificationKind.SLOT_ANSWERED, to_user=user)
            queue(world.area_a, f"v{n}", NotificationKind.SLOT_ASKED, to_volunteer=world.objects["volunteer_a"])

    client = world.client(persona)
    fill(5, 0)
    with CaptureQueriesContext(connection) as small:
        assert len(subjects(client.get(URL))) == 10
    fill(35, 5)
    with CaptureQueriesContext(connection) as large:
        assert len(subjects(client.get(URL))) == 50
    assert len(large.captured_queries) == len(small.captured_queries), [q["sql"] for q in large.captured_queries]


def test_the_endpoint_is_in_the_schema(world):
    schema = world.client("inspector_a").get(reverse("api-schema"), {"format": "json"}).json()
    operation = schema["paths"]["/api/v1/notifications/"]["get"]
    assert {"status", "kind", "area", "cursor", "page_size"} <= {p["name"] for p in operation["parameters"]}
    assert "/api/v1/notifications/{id}/" in schema["paths"]
    assert NotificationStatus.FAILED in str(schema["components"]["schemas"])


def test_a_volunteers_address_is_shown_only_to_an_admin_or_their_areas_coordinator(world, messages):
    # DESIGN.md §6: inspectors get no volunteer contact details; police rows keep their address.
    from notifications.models import Notification

    Notification.objects.filter(pk=messages["cst_a"].pk).update(to_email="volunteer@example.org")
    Notification.objects.filter(pk=messages["police_a"].pk).update(to_email="inspector@example.org")

    def emails(persona):
        response = world.client(persona).get(URL)
        assert response.status_code == 200, response.content
        return {row["id"]: row["to_email"] for row in response.json()["results"]}

    cst, police = messages["cst_a"].pk, messages["police_a"].pk
    assert emails("inspector_a")[cst] is None
    assert emails("inspector_a")[police] == "inspector@example.org"
    detail = world.client("inspector_a").get(reverse("notification-detail", args=[cst])).json()
    assert detail["to_email"] is None
    assert emails("coordinator")[cst] == "volunteer@example.org"
    assert emails("admin")[cst] == "volunteer@example.org"
    assert emails("admin")[police] == "inspector@example.org"
