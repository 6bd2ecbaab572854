"""CST coordinators keep the volunteers of their area; contact details stay with them."""

from datetime import date, timedelta

import pytest
import time_machine
from django.urls import reverse

from conftest import make_volunteer
from people.models import Volunteer

TODAY = date(2026, 11, 26)


def _form(world, **overrides):
    data = {
        "area": world.area_a.pk,
        "call_sign": "hs-07",
        "name": "Dina Katz",
        "phone": "07700 900007",
        "email": "dina@example.org",
        "card_expires": "2027-06-30",
    }
    return {**data, **overrides}


def test_coordinator_adds_a_volunteer_with_a_normalised_call_sign(world):
    response = world.client("coordinator").post(reverse("people:volunteer_create"), _form(world))
    assert response.status_code == 302
    volunteer = Volunteer.objects.get(call_sign="HS-07")
    assert volunteer.history.get().history_user == world.users["coordinator"]


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("call_sign", "HS-01", "Volunteer with this Area and Call sign already exists"),
        ("phone", "call me", "Enter a phone number"),
        ("email", "not-an-email", "Enter a valid email address"),
        ("card_expires", "30/13/2027", "Enter a valid date"),
    ],
)
def test_a_bad_volunteer_is_refused_and_nothing_saved(world, field, value, message):
    before = Volunteer.objects.count()
    response = world.client("coordinator").post(reverse("people:volunteer_create"), _form(world, **{field: value}))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert Volunteer.objects.count() == before


def test_the_same_call_sign_may_be_used_in_another_area(world):
    make_volunteer(world.area_b, call_sign="HS-07")
    assert world.client("coordinator").post(reverse("people:volunteer_create"), _form(world)).status_code == 302
    assert Volunteer.objects.filter(call_sign="HS-07").count() == 2


@time_machine.travel(TODAY, tick=False)
def test_expired_and_soon_expiring_cards_are_flagged(world):
    make_volunteer(world.area_a, call_sign="HS-02", card_expires=TODAY - timedelta(days=1))
    make_volunteer(world.area_a, call_sign="HS-03", card_expires=TODAY + timedelta(days=10))
    page = world.client("coordinator").get(reverse("people:volunteer_list")).content.decode()
    assert page.count("Expired</span>") == 1
    assert page.count("Expires soon</span>") == 1


def test_card_status_boundaries():
    volunteer = Volunteer(card_expires=TODAY)
    assert volunteer.card_status(TODAY) == "expiring"
    assert volunteer.card_status(TODAY + timedelta(days=1)) == "expired"
    assert volunteer.card_status(TODAY - timedelta(days=30)) == "expiring"
    assert volunteer.card_status(TODAY - timedelta(days=31)) == "valid"


def test_deactivating_keeps_the_volunteer_and_its_history(world):
    volunteer = world.objects["volunteer_a"]
    client = world.client("coordinator")
    assert client.post(reverse("people:volunteer_active", args=[volunteer.pk]), {"active": "0"}).status_code == 302
    volunteer.refresh_from_db()
    assert volunteer.active is False
    assert volunteer.history.latest().history_change_reason == "deactivated"
    page = client.get(reverse("people:volunteer_edit", args=[volunteer.pk])).content.decode()
    assert "deactivated by coordinator" in page


def test_contact_details_are_shown_to_coordinators_only(world):
    phone = world.objects["volunteer_a"].phone
    assert phone in world.client("coordinator").get(reverse("people:volunteer_list")).content.decode()
    for persona in ("officer", "inspector_a", "inspector_b"):
        response = world.client(persona).get(reverse("volunteer-list"))
        assert response.status_code == 403
        assert phone not in response.content.decode()


def test_the_edit_form_shows_the_card_date_as_a_browser_date_input_reads_it(world):
    volunteer = world.objects["volunteer_a"]
    page = world.client("coordinator").get(reverse("people:volunteer_edit", args=[volunteer.pk])).content.decode()
    assert 'type="date"' in page
    assert f'value="{volunteer.card_expires:%Y-%m-%d}"' in page


def test_the_volunteer_list_pages_and_keeps_its_filters(world):
    for number in range(2, 62):
        make_volunteer(world.area_a, call_sign=f"HS-{number:02d}")
    page = world.client("coordinator").get(reverse("people:volunteer_list"), {"active": "true"}).content.decode()
    assert "Page 1 of 2" in page
    assert 'href="?active=true&amp;page=2"' in page


def test_deactivating_from_a_filtered_list_returns_to_that_list(world):
    volunteer = world.objects["volunteer_a"]
    back = reverse("people:volunteer_list") + "?search=HS"
    response = world.client("coordinator").post(
        reverse("people:volunteer_active", args=[volunteer.pk]), {"active": "0", "next": back}
    )
    assert response["Location"] == back
    elsewhere = world.client("coordinator").post(
        reverse("people:volunteer_active", args=[volunteer.pk]), {"active": "1", "next": "https://evil.example/"}
    )
    assert elsewhere["Location"] == reverse("people:volunteer_list")


def test_a_coordinator_edits_a_volunteer_and_the_history_names_them(world):
    volunteer = world.objects["volunteer_a"]
    form = _form(world, call_sign="HS-01", name="Ari Cohen", phone="07700 900099")
    response = world.client("coordinator").post(reverse("people:volunteer_edit", args=[volunteer.pk]), form)
    assert response.status_code == 302
    volunteer.refresh_from_db()
    assert (volunteer.phone, volunteer.email, volunteer.card_expires) == (
        "07700 900099",
        "dina@example.org",
        date(2027, 6, 30),
    )
    latest = volunteer.history.latest()
    assert (latest.history_user, latest.history_change_reason) == (world.users["coordinator"], "edited")


def test_a_coordinator_adds_and_edits_a_volunteer_through_the_api(world):
    client = world.client("coordinator")
    created = client.post(
        reverse("volunteer-list"), {**_form(world), "area": world.area_a.slug, "call_sign": "HS-07"}, format="json"
    )
    assert created.status_code == 201, created.content
    volunteer = Volunteer.objects.get(pk=created.json()["id"])
    assert (volunteer.area, volunteer.call_sign, volunteer.name) == (world.area_a, "HS-07", "Dina Katz")

    edited = client.patch(reverse("volunteer-detail", args=[volunteer.pk]), {"phone": "07700 900099"}, format="json")
    assert edited.status_code == 200, edited.content
    volunteer.refresh_from_db()
    assert volunteer.phone == "07700 900099"
    assert list(volunteer.history.order_by("history_id").values_list("history_change_reason", flat=True)) == [
        "created",
        "edited",
    ]
