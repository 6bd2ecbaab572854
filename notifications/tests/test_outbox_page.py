"""The outbox page: an inspector sees their area's messages, a coordinator only those to
volunteers and coordinators, an outsider none; newest first, in keyset pages."""

from django.urls import reverse

from notifications import views
from notifications.models import NotificationKind
from notifications.services import notification_queue


def queue(area, key, **recipient):
    return notification_queue(
        kind=NotificationKind.MISSED_PATROL, event_key=key, subject=f"About {key}", body="", area=area, **recipient
    )


def test_the_outbox_is_scoped_by_area_and_audience(world):
    queue(world.area_a, "police-a", to_user=world.users["inspector_a"])
    queue(world.area_a, "cst-a", to_volunteer=world.objects["volunteer_a"])
    queue(world.area_b, "police-b", to_user=world.users["inspector_b"])
    url = reverse("notifications:outbox")

    page = world.client("inspector_a").get(url).content.decode()
    assert "About police-a" in page and "About cst-a" in page and "About police-b" not in page
    assert page.index("About cst-a") < page.index("About police-a")  # newest first

    page = world.client("coordinator").get(url).content.decode()
    assert "About cst-a" in page
    assert "About police-a" not in page and "About police-b" not in page

    page = world.client("inspector_b").get(url).content.decode()
    assert "About police-b" in page and "About police-a" not in page and "About cst-a" not in page

    response = world.client("officer").get(url)
    assert response.status_code == 403


def test_older_messages_are_a_keyset_page_away(world, monkeypatch):
    monkeypatch.setattr(views, "PAGE_ROWS", 2)
    made = [queue(world.area_a, f"m{n}", to_user=world.users["inspector_a"]) for n in range(3)]
    client = world.client("inspector_a")
    first = client.get(reverse("notifications:outbox"))
    assert [m.pk for m in first.context["object_list"]] == [made[2].pk, made[1].pk]
    assert f"?before={made[1].pk}" in first.content.decode()
    second = client.get(reverse("notifications:outbox"), {"before": made[1].pk})
    assert [m.pk for m in second.context["object_list"]] == [made[0].pk]
    assert second.context["next_before"] is None


def test_a_volunteers_address_is_on_the_page_only_for_an_admin_or_their_areas_coordinator(world):
    # DESIGN.md §6: inspectors get no volunteer contact details; police rows keep their address.
    from notifications.models import Notification

    volunteer = queue(world.area_a, "cst-a", to_volunteer=world.objects["volunteer_a"])
    police = queue(world.area_a, "police-a", to_user=world.users["inspector_a"])
    Notification.objects.filter(pk=volunteer.pk).update(to_email="volunteer@example.org")
    Notification.objects.filter(pk=police.pk).update(to_email="inspector@example.org")
    url = reverse("notifications:outbox")

    page = world.client("inspector_a").get(url).content.decode()
    assert "About cst-a" in page and "volunteer@example.org" not in page
    assert "inspector@example.org" in page
    assert "volunteer@example.org" in world.client("coordinator").get(url).content.decode()
    page = world.client("admin").get(url).content.decode()
    assert "volunteer@example.org" in page and "inspector@example.org" in page
