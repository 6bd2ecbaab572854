"""Asking several volunteers for several places at once (the page `/rota/joint/ask/` and
`POST /api/v1/slots/ask-many/`), and asking one through `POST /api/v1/slots/{id}/ask/`: each
place asked as one ask is (emailed), each refusal reported, none undoing the others."""

from datetime import UTC, date, datetime, timedelta

import pytest
from django.core import mail
from django.urls import reverse

from conftest import make_site, make_volunteer
from notifications.models import Notification, NotificationKind
from notifications.services import notifications_send_due
from patrols.models import PatrolKind, SlotStatus
from patrols.services import patrol_create_manual
from people.models import VolunteerUnavailability

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen"), pytest.mark.clock]

TUESDAY_9 = datetime(2026, 1, 6, 9, 0, tzinfo=UTC)
WEDNESDAY_9 = TUESDAY_9 + timedelta(days=1)


def _joint(site, starts_at, places):
    return patrol_create_manual(
        site=site,
        starts_at=starts_at,
        ends_at=starts_at + timedelta(hours=2),
        by=None,
        kind=PatrolKind.JOINT,
        volunteers_required=places,
    )


@pytest.fixture
def setup(world):
    site = world.objects["site_a"]
    tuesday = _joint(site, TUESDAY_9, 2)
    wednesday = _joint(make_site(world.area_a, name="Yavneh College"), WEDNESDAY_9, 1)
    places = [*tuesday.slots.order_by("id"), *wednesday.slots.order_by("id")]
    volunteers = [
        world.objects["volunteer_a"],
        make_volunteer(world.area_a, "HS-02", name="Dina Levy", email="dina@example.org"),
        make_volunteer(world.area_a, "HS-03", name="Ben Stern", email="ben@example.org"),
    ]
    return {"places": places, "volunteers": volunteers, "tuesday": tuesday, "wednesday": wednesday}


def _states(places):
    for place in places:
        place.refresh_from_db()
    return [(place.status, place.volunteer_id) for place in places]


def test_the_page_shows_the_places_and_the_ranked_volunteers_as_checkboxes(world, setup):
    places = setup["places"]
    query = "&".join(f"slots={place.pk}" for place in places)
    response = world.client("coordinator").get(reverse("patrols:joint_ask_many") + "?" + query)
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count('name="volunteers"') == 3
    assert "Beth Test Synagogue" in html and "Yavneh College" in html
    assert "3 open of 3" in html


def test_a_volunteer_already_on_one_of_the_patrols_is_marked_with_its_site(world, setup):
    from patrols.services import slot_fill

    places, ari = setup["places"], setup["volunteers"][0]
    slot_fill(slot=places[2], volunteer=ari, by=world.users["coordinator"])
    query = "&".join(f"slots={place.pk}" for place in places)
    html = world.client("coordinator").get(reverse("patrols:joint_ask_many") + "?" + query).content.decode()
    assert f'value="{ari.pk}" disabled' in html
    assert "Already on the patrol at Yavneh College" in html
    assert "2 open of 3" in html


def test_asking_pairs_volunteers_to_places_in_order_and_reports_each_refusal(world, setup):
    places, volunteers = setup["places"], setup["volunteers"]
    ari, dina, ben = volunteers
    VolunteerUnavailability.objects.create(volunteer=dina, on_date=date(2026, 1, 7))
    response = world.client("coordinator").post(
        reverse("patrols:joint_ask_many"),
        # Ari for Tuesday's first place, Ben for its second, Dina for Wednesday (unavailable).
        {"slots": [place.pk for place in places], "volunteers": [ari.pk, ben.pk, dina.pk]},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "HS-01 for Beth Test Synagogue" in html and "HS-03 for Beth Test Synagogue" in html
    assert "HS-02 for Yavneh College, Wed 7 Jan: not asked — HS-02 cannot patrol on Wed 7 Jan" in html
    assert _states(places) == [
        (SlotStatus.REQUESTED, ari.pk),
        (SlotStatus.REQUESTED, ben.pk),
        (SlotStatus.OPEN, None),
    ]
    notifications_send_due()
    assert sorted(m.to[0] for m in mail.outbox) == ["ari@example.org", "ben@example.org"]


def test_fewer_volunteers_than_places_leaves_the_rest_open_and_says_so(world, setup):
    places = setup["places"]
    response = world.client("coordinator").post(
        reverse("patrols:joint_ask_many"),
        {"slots": [place.pk for place in places], "volunteers": [setup["volunteers"][1].pk]},
    )
    assert "2 places left unasked" in response.content.decode()
    assert [status for status, _ in _states(places)] == [SlotStatus.REQUESTED, SlotStatus.OPEN, SlotStatus.OPEN]


def test_more_places_than_one_ask_takes_are_refused_with_a_message(world, setup):
    query = "&".join(f"slots={number}" for number in range(1, 52))
    response = world.client("coordinator").get(reverse("patrols:joint_ask_many") + "?" + query)
    assert response.status_code == 200 and "Choose at most 50 places at a time." in response.content.decode()


def test_a_place_outside_the_coordinators_areas_is_not_found(world, setup):
    other = _joint(world.objects["site_b"], TUESDAY_9, 1).slots.get()
    query = f"slots={setup['places'][0].pk}&slots={other.pk}"
    client = world.client("coordinator")
    assert client.get(reverse("patrols:joint_ask_many") + "?" + query).status_code == 404
    assert client.get(reverse("patrols:joint_ask_many") + "?slots=x").status_code == 404


# ---- the API ---------------------------------------------------------------------------------------


def test_api_ask_asks_and_emails(world, setup):
    place, ari = setup["places"][0], setup["volunteers"][0]
    response = world.client("coordinator").post(
        reverse("slot-ask", args=[place.pk]), {"volunteer": ari.pk}, format="json"
    )
    assert response.status_code == 200 and response.data["status"] == SlotStatus.REQUESTED
    assert Notification.objects.filter(kind=NotificationKind.SLOT_ASKED, to_volunteer=ari).count() == 1


def test_api_ask_many_answers_every_pair(world, setup):
    places, (ari, dina, _) = setup["places"], setup["volunteers"]
    VolunteerUnavailability.objects.create(volunteer=dina, on_date=date(2026, 1, 7))
    response = world.client("coordinator").post(
        reverse("slot-ask-many"),
        {
            "pairs": [
                {"slot": places[0].pk, "volunteer": ari.pk},
                {"slot": places[2].pk, "volunteer": dina.pk},
            ]
        },
        format="json",
    )
    assert response.status_code == 200
    assert [(row["slot"]["id"], row["asked"]) for row in response.data] == [(places[0].pk, True), (places[2].pk, False)]
    assert "marked unavailable" in response.data[1]["message"]
    assert response.data[0]["slot"]["status"] == SlotStatus.REQUESTED
    assert _states(places)[2] == (SlotStatus.OPEN, None)


def test_api_ask_many_refuses_a_place_named_twice_and_asks_nothing(world, setup):
    places, (ari, dina, _) = setup["places"], setup["volunteers"]
    response = world.client("coordinator").post(
        reverse("slot-ask-many"),
        {"pairs": [{"slot": places[0].pk, "volunteer": ari.pk}, {"slot": places[0].pk, "volunteer": dina.pk}]},
        format="json",
    )
    assert response.status_code == 400
    assert _states(places)[0] == (SlotStatus.OPEN, None)


def test_api_ask_many_refuses_a_volunteer_of_another_area(world, setup):
    outsider = make_volunteer(world.area_b, "HB-01", name="Eli Gold")
    response = world.client("coordinator").post(
        reverse("slot-ask-many"),
        {"pairs": [{"slot": setup["places"][0].pk, "volunteer": outsider.pk}]},
        format="json",
    )
    assert response.status_code == 400 and "Eli Gold" not in str(response.data)
