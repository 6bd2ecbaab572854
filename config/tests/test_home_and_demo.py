"""Sign-in, each role's start page, and the demo data command."""

import io
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.test import override_settings
from django.urls import reverse

from patrols.models import Assignment, Patrol, VolunteerSlot
from patrols.selectors import patrols_clashing_with_absence
from people.models import Absence, Officer, Volunteer
from sites.models import Area, Membership, Site

LONDON = ZoneInfo("Europe/London")


def test_anonymous_visitors_are_sent_to_the_login_page(db, client):
    response = client.get(reverse("sites:site_list"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_signing_in_takes_an_inspector_to_their_start_page(world, client):
    response = client.post(reverse("login"), {"username": "inspector_a", "password": "pw"}, follow=True)
    assert response.redirect_chain[-1][0] != reverse("login")
    assert response.status_code == 200
    assert response.request["PATH_INFO"] == reverse("patrols:rota")


def test_a_coordinator_lands_on_a_coordinator_page(world, client):
    client.force_login(world.users["coordinator"])
    response = client.get(reverse("home"), follow=True)
    assert response.request["PATH_INFO"] == reverse("patrols:joint")


def test_a_user_without_a_role_is_told_so(db, django_user_model, client):
    client.force_login(django_user_model.objects.create_user("norole", password="pw"))
    response = client.get(reverse("home"))
    assert "no role in any area" in response.content.decode()


def test_wrong_password_is_refused_with_a_message(world, client):
    response = client.post(reverse("login"), {"username": "inspector_a", "password": "wrong"})
    assert response.status_code == 200
    assert "didn't match" in response.content.decode()


def test_navigation_shows_each_role_its_own_links(world, client):
    client.force_login(world.users["coordinator"])
    page = client.get(reverse("people:volunteer_list")).content.decode()
    assert reverse("people:volunteer_list") in page
    assert f'href="{reverse("sites:site_list")}"' not in page


@pytest.mark.clock
@override_settings(DEBUG=True)
def test_seed_demo_is_safe_to_run_twice(db, capsys):
    call_command("seed_demo")

    def counts():
        models = (Area, Site, Officer, Volunteer, Membership, Patrol, Assignment)
        return [model.objects.count() for model in models] + [VolunteerSlot.objects.filter(status="confirmed").count()]

    first = counts()
    call_command("seed_demo")
    assert counts() == first
    assert Assignment.objects.filter(officer__user__username="officer").exists()
    assert VolunteerSlot.objects.filter(status="confirmed").exists()
    demo = Area.objects.get(slug="hertsmere-demo")
    assert demo.sites.count() >= 12
    assert {"synagogue", "school", "nursery", "community_centre"} <= set(demo.sites.values_list("kind", flat=True))
    assert Volunteer.objects.filter(area=demo).count() >= 15
    output = capsys.readouterr().out
    for username in ("inspector", "officer", "coordinator", "inspector2"):
        assert f"  {username} " in output


def test_seed_demo_refuses_with_debug_off_unless_forced(db):
    with pytest.raises(CommandError, match="--force"):
        call_command("seed_demo")
    call_command("seed_demo", "--force")
    assert Area.objects.filter(slug="hertsmere-demo").exists()


def test_repeated_wrong_passwords_lock_the_sign_in_for_that_user(world, client, settings):
    settings.AXES_FAILURE_LIMIT = 3
    for _ in range(3):
        client.post(reverse("login"), {"username": "inspector_a", "password": "wrong"})
    response = client.post(reverse("login"), {"username": "inspector_a", "password": "pw"})
    assert response.status_code == 429
    assert "Too many sign-in attempts" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_the_api_token_endpoint_is_rate_limited(world):
    from rest_framework.test import APIClient

    client = APIClient()
    statuses = [
        client.post(reverse("api-token"), {"username": f"guess{n}", "password": "x"}, format="json").status_code
        for n in range(12)
    ]
    assert statuses[:10] == [400] * 10
    assert statuses[10:] == [429, 429]


def test_only_the_most_specific_menu_link_is_marked_current(world, client):
    client.force_login(world.users["inspector_a"])
    page = client.get(reverse("calendar_rules:calendar")).content.decode()
    assert page.count('aria-current="page"') == 1
    assert f'<a href="{reverse("calendar_rules:calendar")}" aria-current="page">' in page


def test_a_forged_forwarded_for_header_does_not_escape_the_token_rate_limit(world):
    from rest_framework.test import APIClient

    client = APIClient()
    statuses = [
        client.post(
            reverse("api-token"), {"username": "x", "password": "x"}, format="json", HTTP_X_FORWARDED_FOR=f"10.9.9.{n}"
        ).status_code
        for n in range(12)
    ]
    assert statuses[10:] == [429, 429]


def test_behind_a_proxy_a_stranger_cannot_lock_out_a_user_signing_in_from_elsewhere(world, client, settings):
    settings.AXES_FAILURE_LIMIT = 3
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 1}
    proxy = {"REMOTE_ADDR": "10.0.0.2"}
    for _ in range(3):
        client.post(
            reverse("login"), {"username": "inspector_a", "password": "wrong"}, HTTP_X_FORWARDED_FOR="6.6.6.6", **proxy
        )
    locked = client.post(
        reverse("login"), {"username": "inspector_a", "password": "pw"}, HTTP_X_FORWARDED_FOR="6.6.6.6", **proxy
    )
    assert locked.status_code == 429
    elsewhere = client.post(
        reverse("login"), {"username": "inspector_a", "password": "pw"}, HTTP_X_FORWARDED_FOR="81.2.69.160", **proxy
    )
    assert elsewhere.status_code == 302


def test_the_api_token_endpoint_is_locked_out_after_repeated_wrong_passwords(world, settings):
    from rest_framework.test import APIClient

    settings.AXES_FAILURE_LIMIT = 3
    client = APIClient()
    for _ in range(3):
        client.post(reverse("api-token"), {"username": "inspector_a", "password": "wrong"}, format="json")
    response = client.post(reverse("api-token"), {"username": "inspector_a", "password": "pw"}, format="json")
    assert response.status_code == 429
    assert "token" not in response.content.decode()


# Every day of one week, and the awkward moments of scripts/test-clock: the demo is seeded at any
# of them and still shows an officer a patrol to come and a CST place confirmed on one. (Not marked
# `clock`: it sets its own moments.)
DEMO_MOMENTS = [
    *(datetime(2026, 11, 30, 10, 0, tzinfo=LONDON) + timedelta(days=day) for day in range(7)),
    datetime(2026, 12, 18, 16, 0, tzinfo=LONDON),  # Friday afternoon, after candle-lighting
    datetime(2026, 12, 19, 23, 0, tzinfo=LONDON),  # Saturday night: this week's joint patrols are over
    datetime(2027, 10, 11, 15, 0, tzinfo=LONDON),  # Yom Kippur afternoon (a Monday)
    datetime(2026, 10, 25, 1, 30, tzinfo=LONDON),  # the night the clocks go back
    datetime(2026, 12, 31, 23, 30, tzinfo=LONDON),  # the year's last half hour (a Thursday)
]


@pytest.mark.parametrize("moment", DEMO_MOMENTS, ids=lambda moment: f"{moment:%a-%Y-%m-%dT%H:%M}")
@override_settings(DEBUG=True)
def test_the_demo_shows_a_staffed_patrol_and_a_confirmed_cst_place_whenever_it_is_seeded(db, moment):
    with time_machine.travel(moment, tick=False):
        call_command("seed_demo", stdout=io.StringIO())
    demo = Area.objects.get(slug="hertsmere-demo")
    to_come = Patrol.objects.filter(area=demo, status="scheduled", starts_at__gt=moment)
    assert to_come.filter(assignments__officer__user__username="officer").exists()
    assert VolunteerSlot.objects.filter(patrol__in=to_come, status="confirmed").exists()
    assert to_come.filter(kind="joint", slots__status="open").exists()  # the coordinator has places to fill
    # Absences to come, over days the demo has not staffed: the absences page has something to show.
    coming = Absence.objects.filter(starts_on__gt=demo.today(moment))
    assert sorted(coming.values_list("officer__collar_number", "kind")) == [
        ("PC2456", "leave"),
        ("PCSO7738", "training"),
    ]
    assert not any(patrols_clashing_with_absence(absence) for absence in coming)
