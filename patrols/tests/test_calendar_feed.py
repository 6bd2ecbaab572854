"""The officer's calendar feed (/feeds/<token>.ics), their profile page (/me/) and the API's
/me/: what the feed carries (times and a neutral title only), replacing the link, and who may."""

from datetime import UTC, datetime, timedelta

import pytest
from django.urls import reverse
from icalendar import Calendar

from audit.models import PatrolViewRecord
from conftest import make_site, make_user
from patrols.models import PatrolKind
from patrols.services import assignment_create, patrol_cancel, patrol_create_manual, patrol_update, slot_fill
from people import services as people_services
from people.models import Absence, AbsenceKind, Officer
from sites.models import Role

from .conftest import NOW

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]


def _patrol(world, *, days: float, site=None, hours: int = 10, **fields):
    starts = NOW + timedelta(days=days, hours=hours - NOW.hour)
    return patrol_create_manual(
        site=site or world.objects["site_a"], starts_at=starts, ends_at=starts + timedelta(hours=2), by=None, **fields
    )


def _on(world, patrol, persona="officer"):
    assignment_create(patrol=patrol, officer=world.users[persona].officer, by=None)
    return patrol


def _token(world, persona="officer"):
    user = world.users[persona]
    return people_services.officer_calendar_feed_replace(officer=user.officer, by=user)


def _events(response):
    assert response.status_code == 200, response.content[:300]
    calendar = Calendar.from_ical(response.content)
    return calendar, [component for component in calendar.walk("VEVENT")]


def test_the_feed_carries_time_and_a_neutral_title_only(world, client):
    site = world.objects["site_a"]
    site.officer_notes = "Key safe code 4412"
    site.save()
    patrol = _on(world, _patrol(world, days=2, kind=PatrolKind.JOINT, volunteers_required=1, label="Secret label"))
    slot_fill(slot=patrol.slots.first(), volunteer=world.objects["volunteer_a"], by=world.users["coordinator"])
    partner = make_user("partner", role=Role.OFFICER, area=world.area_a, collar="PC555", first_name="Dana")
    assignment_create(patrol=patrol, officer=partner.officer, by=None)
    response = client.get(reverse("feed", args=[_token(world)]))
    calendar, events = _events(response)
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert "no-store" in response["Cache-Control"]
    assert len(events) == 1
    event = events[0]
    assert str(event["SUMMARY"]) == "Shomer duty"
    assert str(event["UID"]) == f"patrol-{patrol.pk}@shomer"
    assert str(event["URL"]) == "http://testserver" + reverse("patrols:my_day")
    assert event.decoded("DTSTART") == patrol.starts_at
    assert event.decoded("DTEND") == patrol.ends_at
    assert event["DTSTART"].params["TZID"] == "Europe/London"
    assert [tz["TZID"] for tz in calendar.walk("VTIMEZONE")] == ["Europe/London"]
    body = response.content.decode()
    for secret in (site.name, site.address, site.postcode, "Key safe", "Secret label", "HS-01", "Ari", "PC555", "Dana"):
        assert secret not in body, secret


def test_an_area_may_put_the_site_name_in_the_title(world, client):
    world.area_a.feed_shows_site_name = True
    world.area_a.save()
    _on(world, _patrol(world, days=1))
    _, events = _events(client.get(reverse("feed", args=[_token(world)])))
    assert str(events[0]["SUMMARY"]) == "Shomer duty: Beth Test Synagogue"
    assert world.objects["site_a"].address not in client.get(reverse("feed", args=[_token(world)])).content.decode()


def test_the_feed_holds_the_next_60_days_of_the_officers_own_scheduled_patrols(world, client):
    mine = _on(world, _patrol(world, days=1))
    later = _on(world, _patrol(world, days=59))
    _on(world, _patrol(world, days=61))  # beyond the 60 days
    cancelled = _on(world, _patrol(world, days=3))
    patrol_cancel(patrol=cancelled, by=world.users["inspector_a"], reason="Site closed", expected_version=None)
    _patrol(world, days=2)  # nobody on it
    other = make_user("other", role=Role.OFFICER, area=world.area_a, collar="PC777")
    assignment_create(patrol=_patrol(world, days=4), officer=other.officer, by=None)
    _, events = _events(client.get(reverse("feed", args=[_token(world)])))
    assert [str(event["UID"]) for event in events] == [f"patrol-{mine.pk}@shomer", f"patrol-{later.pk}@shomer"]


def test_a_moved_patrol_keeps_its_uid_with_a_higher_sequence(world, client):
    patrol = _on(world, _patrol(world, days=2))
    url = reverse("feed", args=[_token(world)])
    _, before = _events(client.get(url))
    patrol.refresh_from_db()
    patrol_update(
        patrol=patrol,
        by=world.users["inspector_a"],
        expected_version=patrol.version,
        starts_at=patrol.starts_at + timedelta(hours=1),
        ends_at=patrol.ends_at + timedelta(hours=1),
    )
    _, after = _events(client.get(url))
    assert str(after[0]["UID"]) == str(before[0]["UID"])
    assert int(after[0]["SEQUENCE"]) > int(before[0]["SEQUENCE"])
    assert after[0].decoded("DTSTART") == before[0].decoded("DTSTART") + timedelta(hours=1)


def test_an_officer_no_longer_in_the_area_gets_an_empty_feed(world, client):
    _on(world, _patrol(world, days=1))
    token = _token(world)
    world.users["officer"].memberships.all().delete()
    _, events = _events(client.get(reverse("feed", args=[token])))
    assert events == []


def test_replacing_the_link_makes_the_old_one_404(world, client):
    old = _token(world)
    assert client.get(reverse("feed", args=[old])).status_code == 200
    new = _token(world)
    assert new != old and len(new) >= 43  # 256 bits
    assert client.get(reverse("feed", args=[old])).status_code == 404
    assert client.get(reverse("feed", args=[new])).status_code == 200


def test_unknown_links_and_disabled_officers_404(world, client):
    assert client.get(reverse("feed", args=["A" * 43])).status_code == 404
    token = _token(world)
    Officer.objects.filter(user=world.users["officer"]).update(active=False)
    assert client.get(reverse("feed", args=[token])).status_code == 404
    Officer.objects.filter(user=world.users["officer"]).update(active=True)
    world.users["officer"].is_active = False
    world.users["officer"].save()
    assert client.get(reverse("feed", args=[token])).status_code == 404


def test_the_secret_is_never_in_the_officers_history(world):
    _token(world)
    history = world.users["officer"].officer.history.first()
    assert history.history_change_reason == "calendar feed link replaced"
    assert not hasattr(history, "calendar_token") and not hasattr(history, "calendar_token_hash")


def test_a_fetch_is_recorded_as_a_view_of_future_patrol_times(world, client):
    _on(world, _patrol(world, days=1))
    client.get(reverse("feed", args=[_token(world)]))
    record = PatrolViewRecord.objects.get()
    assert (record.user_id, record.area_id, record.channel) == (world.users["officer"].pk, world.area_a.pk, "feed")


def test_the_feed_takes_three_queries_whatever_the_patrols(world, client, django_assert_num_queries):
    token = _token(world)
    _on(world, _patrol(world, days=1))
    url = reverse("feed", args=[token])
    # the officer by the secret's hash, their areas, the patrols (with area and site), the audit row
    with django_assert_num_queries(4):
        client.get(url)
    for day in range(2, 30):
        _on(world, _patrol(world, days=day, site=make_site(world.area_a, name=f"Site {day}")))
    with django_assert_num_queries(4):
        _, events = _events(client.get(url))
    assert len(events) == 29


# ---- the profile page ---------------------------------------------------------------------------


def test_the_profile_page_shows_the_officer_their_absences_and_no_link_until_asked(world):
    officer = world.users["officer"].officer
    Absence.objects.create(
        officer=officer,
        kind=AbsenceKind.TRAINING,
        starts_on=NOW.date() + timedelta(days=3),
        ends_on=NOW.date() + timedelta(days=4),
    )
    Absence.objects.create(
        officer=officer,
        kind=AbsenceKind.LEAVE,
        starts_on=NOW.date() - timedelta(days=20),
        ends_on=NOW.date() - timedelta(days=10),
    )
    page = world.client("officer").get(reverse("people:profile")).content.decode()
    assert "PC100" in page and "Area A" in page
    assert "On training" in page and "On leave" not in page  # ended absences are not listed
    assert "Create my calendar link" in page and "/feeds/" not in page
    assert "no addresses, notes or partners" in page


def test_creating_then_replacing_the_link_on_the_profile_page(world):
    client = world.client("officer")
    response = client.post(reverse("people:profile_feed_replace"), follow=True)
    officer = Officer.objects.get(user=world.users["officer"])
    first = officer.calendar_token
    page = response.content.decode()
    assert "Your calendar link is ready" in page
    assert f"http://testserver/feeds/{first}.ics" in page and "Replace link" in page
    response = client.post(reverse("people:profile_feed_replace"), follow=True)
    officer.refresh_from_db()
    assert officer.calendar_token != first
    assert "The old link no longer works" in response.content.decode()
    assert client.get(reverse("feed", args=[first])).status_code == 404


def test_the_profile_page_names_the_areas_that_show_site_names(world):
    world.area_a.feed_shows_site_name = True
    world.area_a.save()
    page = world.client("officer").get(reverse("people:profile")).content.decode()
    assert "with the site’s name (in Area A)" in page


def test_replacing_is_refused_to_a_non_officer_and_changes_nothing(world):
    inspector = world.users["inspector_a"]  # has an officer profile but not the officer role
    response = world.client("inspector_a").post(reverse("people:profile_feed_replace"))
    assert response.status_code == 403
    inspector.officer.refresh_from_db()
    assert inspector.officer.calendar_token == ""
    response = world.client("inspector_a").post(reverse("me-calendar-feed"), format="json")
    assert response.status_code == 403 and "for officers" in response.data["detail"]
    inspector.officer.refresh_from_db()
    assert inspector.officer.calendar_token == ""


def test_the_replace_route_refuses_get(world):
    client = world.client("officer")
    assert client.get(reverse("people:profile_feed_replace")).status_code == 405
    assert Officer.objects.get(user=world.users["officer"]).calendar_token == ""


# ---- the API ------------------------------------------------------------------------------------


def test_api_me_shows_profile_absences_and_feed_url(world):
    officer = world.users["officer"].officer
    absence = Absence.objects.create(
        officer=officer,
        kind=AbsenceKind.LEAVE,
        starts_on=NOW.date() + timedelta(days=1),
        ends_on=NOW.date() + timedelta(days=2),
        note="Wedding",
    )
    client = world.client("officer")
    data = client.get(reverse("me")).data
    assert data["collar_number"] == "PC100" and data["rank"] == "PC"
    assert data["areas"] == [{"slug": "area-a", "name": "Area A", "feed_shows_site_name": False}]
    assert [a["id"] for a in data["absences"]] == [absence.pk] and data["absences"][0]["note"] == "Wedding"
    assert data["feed_url"] is None
    created = client.post(reverse("me-calendar-feed"), format="json").data["feed_url"]
    assert client.get(reverse("me")).data["feed_url"] == created
    replaced = client.post(reverse("me-calendar-feed"), format="json").data["feed_url"]
    assert replaced != created
    assert client.get(created.removeprefix("http://testserver")).status_code == 404
    assert client.get(replaced.removeprefix("http://testserver")).status_code == 200


def test_api_me_refuses_other_roles(world):
    for persona in ("coordinator", "inspector_a", "admin"):
        response = world.client(persona).get(reverse("me"))
        assert response.status_code == 403, persona
    assert world.client("anonymous").get(reverse("me")).status_code == 401


@pytest.mark.parametrize("frozen_at", [datetime(2026, 3, 28, 12, 0, tzinfo=UTC)])
def test_a_patrol_across_the_clock_change_keeps_its_local_times(world, client, frozen, frozen_at):
    """29 March 2026: the clocks go forward in London. The VTIMEZONE carries both offsets."""
    frozen.move_to(frozen_at)
    starts = datetime(2026, 3, 29, 9, 0, tzinfo=UTC)  # 10:00 BST
    patrol = _on(
        world,
        patrol_create_manual(
            site=world.objects["site_a"], starts_at=starts, ends_at=starts + timedelta(hours=2), by=None
        ),
    )
    calendar, events = _events(client.get(reverse("feed", args=[_token(world)])))
    assert events[0]["DTSTART"].dt.replace(tzinfo=None) == datetime(2026, 3, 29, 10, 0)
    assert events[0].decoded("DTSTART") == patrol.starts_at
    body = calendar.to_ical().decode()
    assert "TZOFFSETTO:+0100" in body and "TZOFFSETTO:+0000" in body
