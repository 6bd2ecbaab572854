"""A volunteer's availability: the coordinator emails their personal link from the volunteer's page;
the link's page lists the coming Shabbatot and festival days to tick; an altered, expired or
withdrawn link changes nothing. The API's unavailable dates, and the volunteer's home site."""

import re
from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.core import mail
from django.test import Client
from django.urls import reverse

from conftest import make_site
from notifications.models import Notification, NotificationKind
from notifications.services import notifications_send_due
from people.models import VolunteerUnavailability

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen"), pytest.mark.clock]

# The clock (patrols/tests/conftest.py): Monday 5 January 2026, 07:00 GMT.
SATURDAY = date(2026, 1, 10)
NEXT_SATURDAY = date(2026, 1, 17)


@pytest.fixture
def ari(world):
    return world.objects["volunteer_a"]


def _send_link(world, volunteer) -> str:
    response = world.client("coordinator").post(reverse("patrols:volunteer_availability_link", args=[volunteer.pk]))
    assert response.status_code == 302
    notifications_send_due()
    body = mail.outbox[-1].body
    return re.search(r"https?://[^/\s]+(/v/availability/[^/\s]+/)", body).group(1)


def _shown(path) -> list[str]:
    """The dates the availability page shows, as its form posts them back."""
    return re.findall(r'name="shown" value="([0-9-]+)"', Client().get(path).content.decode())


def _marked(volunteer):
    return sorted(VolunteerUnavailability.objects.filter(volunteer=volunteer).values_list("on_date", flat=True))


def test_the_coordinator_emails_the_link_and_the_volunteer_marks_days(world, ari):
    path = _send_link(world, ari)
    assert Notification.objects.get().kind == NotificationKind.AVAILABILITY_LINK
    assert mail.outbox[-1].to == ["ari@example.org"]
    page = Client().get(path)
    assert page.status_code == 200
    html = page.content.decode()
    assert "Sat 10 Jan" in html and "Shabbat" in html and 'value="2026-01-10"' in html
    assert page["Referrer-Policy"] == "same-origin"
    assert _marked(ari) == []  # a GET changes nothing

    saved = Client().post(path, {"unavailable": ["2026-01-10", "2026-01-17"], "other_date": "2026-01-13"})
    assert saved.status_code == 200 and "Saved" in saved.content.decode()
    assert _marked(ari) == [SATURDAY, date(2026, 1, 13), NEXT_SATURDAY]

    # Unticking a shown day unmarks it; a date the page never listed cannot be touched.
    shown = _shown(path)
    assert "2026-01-13" in shown and "2026-01-10" in shown
    Client().post(path, {"shown": shown, "unavailable": ["2026-01-13", "2026-01-17", "2026-01-05", "nonsense"]})
    assert _marked(ari) == [date(2026, 1, 13), NEXT_SATURDAY]
    # The coordinator sees them on the volunteer's page.
    html = world.client("coordinator").get(reverse("people:volunteer_edit", args=[ari.pk])).content.decode()
    assert "Tue 13 Jan 2026" in html and "Sat 17 Jan 2026" in html


def test_a_form_cannot_unmark_a_date_marked_after_it_was_opened(world, ari):
    path = _send_link(world, ari)
    shown = _shown(path)  # the volunteer opens the page: nothing marked
    assert "2026-01-10" in shown and "2026-01-14" not in shown
    # Meanwhile a coordinator marks a Wednesday and the Saturday after next for them.
    client = world.client("coordinator")
    url = reverse("volunteer-unavailability", args=[ari.pk])
    for day in ("2026-01-14", "2026-01-17"):
        assert client.post(url, {"on_date": day}, format="json").status_code == 201
    # The volunteer saves the page they opened, ticking only the first Saturday. The Saturday
    # after next was shown unticked, so it is their answer and unmarked; the Wednesday was never
    # shown, so it stays.
    saved = Client().post(path, {"shown": shown, "unavailable": ["2026-01-10"]})
    assert saved.status_code == 200
    assert _marked(ari) == [SATURDAY, date(2026, 1, 14)]
    # A form that showed nothing (posted without `shown`) unmarks nothing.
    Client().post(path, {"unavailable": []})
    assert _marked(ari) == [SATURDAY, date(2026, 1, 14)]


def test_a_past_other_date_is_refused_and_nothing_saved(world, ari):
    path = _send_link(world, ari)
    response = Client().post(path, {"unavailable": ["2026-01-10"], "other_date": "2026-01-01"})
    assert response.status_code == 422 and "has passed" in response.content.decode()
    assert _marked(ari) == []


def test_an_altered_availability_link_is_not_recognised(world, ari):
    path = _send_link(world, ari)
    altered = path[:-3] + ("A" if path[-3] != "A" else "B") + path[-2:]
    for method in ("get", "post"):
        response = getattr(Client(), method)(altered, {"unavailable": ["2026-01-10"]})
        assert response.status_code == 404 and "not recognised" in response.content.decode()
    assert _marked(ari) == []


def test_an_availability_link_expires(world, ari, frozen):
    path = _send_link(world, ari)
    frozen.move_to(datetime(2026, 1, 5, 7, 0, tzinfo=UTC) + timedelta(days=61))
    response = Client().post(path, {"unavailable": []})
    assert response.status_code == 410 and "expired" in response.content.decode()


def test_withdrawing_the_links_kills_the_old_ones_and_a_new_one_works(world, ari):
    old = _send_link(world, ari)
    response = world.client("coordinator").post(reverse("people:volunteer_links_revoke", args=[ari.pk]))
    assert response.status_code == 302
    for method in ("get", "post"):
        dead = getattr(Client(), method)(old, {"unavailable": ["2026-01-10"]})
        assert dead.status_code == 410 and "withdrawn" in dead.content.decode()
    assert _marked(ari) == []
    new = _send_link(world, ari)
    assert new != old and Client().get(new).status_code == 200


def test_a_new_email_address_or_a_deactivation_withdraws_the_availability_links(world, ari):
    old = _send_link(world, ari)
    client = world.client("coordinator")
    edited = client.patch(reverse("volunteer-detail", args=[ari.pk]), {"email": "ari.new@example.org"}, format="json")
    assert edited.status_code == 200
    dead = Client().post(old, {"unavailable": ["2026-01-10"]})
    assert dead.status_code == 410 and "withdrawn" in dead.content.decode()
    second = _send_link(world, ari)
    for active in ("0", "1"):
        client.post(reverse("people:volunteer_active", args=[ari.pk]), {"active": active})
    dead = Client().post(second, {"unavailable": ["2026-01-10"]})
    assert dead.status_code == 410 and "withdrawn" in dead.content.decode()
    assert _marked(ari) == []


def test_no_link_for_a_volunteer_without_email(world, ari):
    ari.email = ""
    ari.save()
    response = world.client("coordinator").post(
        reverse("patrols:volunteer_availability_link", args=[ari.pk]), follow=True
    )
    assert "has no email address" in response.content.decode()
    assert not Notification.objects.exists()


# ---- the API --------------------------------------------------------------------------------------


def test_api_lists_marks_and_unmarks_dates(world, ari):
    client = world.client("coordinator")
    url = reverse("volunteer-unavailability", args=[ari.pk])
    assert client.post(url, {"on_date": "2026-01-10", "note": "away"}, format="json").status_code == 201
    assert client.post(url, {"on_date": "2026-01-10"}, format="json").status_code == 200  # already marked
    assert client.get(url).data == [
        {"on_date": "2026-01-10", "note": "away", "created_at": client.get(url).data[0]["created_at"]}
    ]
    assert client.post(url, {"on_date": "10/01/2026"}, format="json").status_code == 400
    assert client.post(url, {"on_date": "2026-01-11", "note": "two\nlines"}, format="json").status_code == 400
    unmark = reverse("volunteer-unavailability-date", args=[ari.pk, "2026-01-10"])
    assert client.delete(unmark).status_code == 204
    assert client.delete(unmark).status_code == 404
    assert _marked(ari) == []


def test_api_unavailability_of_another_areas_volunteer_is_not_found(world):
    from conftest import make_volunteer

    outsider = make_volunteer(world.area_b, "HB-01", name="Eli Gold")
    response = world.client("coordinator").get(reverse("volunteer-unavailability", args=[outsider.pk]))
    assert response.status_code == 404


# ---- home site -------------------------------------------------------------------------------------


def _joint_patrol_at(site):
    from patrols.models import PatrolKind
    from patrols.services import patrol_create_manual

    starts = datetime(2026, 1, 10, 9, 0, tzinfo=UTC)
    patrol_create_manual(
        site=site,
        starts_at=starts,
        ends_at=starts + timedelta(hours=2),
        by=None,
        kind=PatrolKind.JOINT,
        volunteers_required=1,
    )


REFUSED = "Choose an active site of the volunteer&#x27;s area that has joint patrols."


def test_home_site_must_be_an_active_site_of_the_volunteers_area_with_joint_patrols(world, ari):
    client = world.client("coordinator")
    url = reverse("volunteer-detail", args=[ari.pk])
    _joint_patrol_at(world.objects["site_b"])  # another area's
    police_only = make_site(world.area_a, name="Police Only House")  # no joint patrol
    closed = make_site(world.area_a, name="Closed Shul")
    _joint_patrol_at(closed)
    closed.active = False
    closed.save()
    for site in (world.objects["site_b"], police_only, closed):
        refused = client.patch(url, {"home_site": site.pk}, format="json")
        assert refused.status_code == 400, site
        assert refused.data["home_site"] == ["Choose an active site of the volunteer's area that has joint patrols."]
    own = make_site(world.area_a, name="Kerem House")
    _joint_patrol_at(own)
    response = client.patch(url, {"home_site": own.pk}, format="json")
    assert response.status_code == 200 and response.data["home_site"] == own.pk
    ari.refresh_from_db()
    assert ari.home_site == own


def test_home_site_on_the_volunteer_form(world, ari):
    client = world.client("coordinator")
    url = reverse("people:volunteer_edit", args=[ari.pk])
    police_only = make_site(world.area_a, name="Police Only House")
    _joint_patrol_at(world.objects["site_a"])
    _joint_patrol_at(world.objects["site_b"])
    page = client.get(url).content.decode()
    assert "Beth Test Synagogue (Area A)" in page
    assert "Other Area Synagogue" not in page and "Police Only House" not in page  # §6
    fields = {
        "call_sign": ari.call_sign,
        "name": ari.name,
        "phone": ari.phone,
        "email": ari.email,
        "card_expires": ari.card_expires.isoformat(),
        "home_site": world.objects["site_a"].pk,
    }
    assert client.post(url, fields).status_code == 302
    ari.refresh_from_db()
    assert ari.home_site == world.objects["site_a"]
    with time_machine.travel(datetime(2026, 1, 5, 8, 0, tzinfo=UTC)):
        for site in (world.objects["site_b"], police_only):
            refused = client.post(url, {**fields, "home_site": site.pk})
            assert refused.status_code == 200 and REFUSED in refused.content.decode()
    ari.refresh_from_db()
    assert ari.home_site == world.objects["site_a"]


def test_a_home_site_set_before_is_kept_when_the_volunteer_is_edited(world, ari):
    # Set by an administrator before the rule: another edit does not silently drop it.
    police_only = make_site(world.area_a, name="Police Only House")
    ari.home_site = police_only
    ari.save()
    url = reverse("volunteer-detail", args=[ari.pk])
    response = world.client("coordinator").patch(url, {"name": "Ari Cohn", "home_site": police_only.pk}, format="json")
    assert response.status_code == 200
    ari.refresh_from_db()
    assert ari.home_site == police_only
