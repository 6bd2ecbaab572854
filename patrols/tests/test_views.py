"""The rota's pages: what each role sees, htmx progress, and query counts that do not grow."""

from datetime import UTC, datetime, timedelta

import pytest
from django.urls import reverse

from conftest import make_user
from patrols.models import GenerationRun, PatrolKind, RunStatus, VolunteerSlot
from patrols.services import assignment_create, patrol_create_manual, rota_sync
from sites.models import Role

from .conftest import NOW, TODAY, make_sites, school_rule, shabbat_rule

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]


def _week(area, site_count):
    sites = make_sites(area, site_count, prefix=f"Rota {site_count}")
    school_rule(area, sites, label=f"School drop-off {site_count}")
    shabbat_rule(area, sites, label=f"Shabbat morning {site_count}")
    rota_sync(area=area, now=NOW, start=TODAY, end=TODAY + timedelta(days=6))
    return sites


def test_the_rota_shows_patrols_by_day_and_site_with_kinds_and_festivals(world):
    _week(world.area_a, 2)
    response = world.client("inspector_a").get(reverse("patrols:rota"), {"start": "2026-01-05", "days": 7})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Monday 5 January 2026" in html and "Sunday 11 January 2026" in html
    assert "Rota 2 000" in html and "08:15–08:55" in html
    assert "Joint with CST" in html and "Police" in html
    # Saturday is Shabbat, and Friday evening already belongs to it.
    assert '<span class="badge festival">Shabbat</span>' in html
    assert '<span class="badge festival-evening">Evening: Shabbat</span>' in html


def test_the_rota_shows_a_festival_label(world):
    response = world.client("inspector_a").get(reverse("patrols:rota"), {"start": "2026-09-21", "days": 1})
    assert "Yom Kippur" in response.content.decode()


def test_the_rota_page_queries_do_not_grow_with_patrols(world, django_assert_num_queries):
    _week(world.area_a, 3)
    client = world.client("inspector_a")
    client.get(reverse("patrols:rota"))  # warm the session
    with django_assert_num_queries(5):  # session, user, memberships, areas, patrols
        client.get(reverse("patrols:rota"), {"start": "2026-01-05"})
    _week(world.area_a, 30)
    with django_assert_num_queries(5):
        response = client.get(reverse("patrols:rota"), {"start": "2026-01-05"})
    assert response.content.decode().count("08:15–08:55") == 5 * 33


def test_my_day_shows_the_officers_patrols_today_and_tomorrow_with_cst_partners(world):
    officer = world.users["officer"].officer
    site = world.objects["site_a"]
    site.officer_notes = "Side gate code 4512"
    site.save()
    start = datetime(2026, 1, 5, 18, 0, tzinfo=UTC)
    joint = patrol_create_manual(
        site=site,
        starts_at=start,
        ends_at=start + timedelta(hours=1),
        by=None,
        kind=PatrolKind.JOINT,
        volunteers_required=2,
        label="Evening",
    )
    assignment_create(patrol=joint, officer=officer, by=None)
    VolunteerSlot.objects.filter(pk=joint.slots.first().pk).update(
        volunteer=world.objects["volunteer_a"], status="confirmed"
    )
    later = start + timedelta(days=3)
    assignment_create(
        patrol=patrol_create_manual(site=site, starts_at=later, ends_at=later + timedelta(hours=1), by=None),
        officer=officer,
        by=None,
    )

    html = world.client("officer").get(reverse("patrols:my_day")).content.decode()

    assert "Today" in html and "Tomorrow" in html
    assert "18:00–19:00" in html and "Beth Test Synagogue" in html and "Side gate code 4512" in html
    assert "HS-01 Ari Cohen" in html
    assert "07700" not in html  # no volunteer contact details for officers
    assert html.count("patrol-card") == 1  # Thursday's patrol is not today or tomorrow


def test_my_day_queries_do_not_grow_with_assignments(world, django_assert_num_queries):
    officer = world.users["officer"].officer
    sites = make_sites(world.area_a, 6, prefix="Day")
    for number, site in enumerate(sites):
        start = datetime(2026, 1, 5, 9 + 2 * number, 0, tzinfo=UTC)
        patrol = patrol_create_manual(
            site=site,
            starts_at=start,
            ends_at=start + timedelta(hours=1),
            by=None,
            kind=PatrolKind.JOINT,
            volunteers_required=2,
        )
        assignment_create(patrol=patrol, officer=officer, by=None)
    client = world.client("officer")
    with django_assert_num_queries(6):  # session, user, memberships, officer, assignments, partners
        response = client.get(reverse("patrols:my_day"))
    assert response.content.decode().count("patrol-card") == 6


def test_joint_patrols_page_shows_slot_counts_for_the_coordinators_areas(world):
    _week(world.area_a, 2)
    _week(world.area_b, 1)
    html = world.client("coordinator").get(reverse("patrols:joint")).content.decode()
    assert html.count("0 of 2 confirmed") == 2
    assert "2 open" in html and "Rota 1 000" not in html


def test_generate_now_starts_a_run_and_the_progress_partial_reports_it(world, django_capture_on_commit_callbacks):
    school_rule(world.area_a, make_sites(world.area_a, 2))
    client = world.client("inspector_a")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("patrols:run_start"), {"area": "area-a"}, HTTP_HX_REQUEST="true")
    run = GenerationRun.objects.get()
    assert (run.status, run.requested_by, run.trigger) == (RunStatus.SUCCEEDED, world.users["inspector_a"], "manual")
    assert run.created == 12 * 5 * 2
    partial = client.get(reverse("patrols:run_progress", args=[run.pk])).content.decode()
    assert "Created 120" in partial and "hx-trigger" not in partial  # finished: polling stops
    assert response.status_code == 200


def test_a_queued_run_polls_every_second(world):
    run = GenerationRun.objects.create(area=world.area_a, trigger="manual")
    partial = world.client("inspector_a").get(reverse("patrols:run_progress", args=[run.pk])).content.decode()
    assert 'hx-trigger="every 1s"' in partial


def test_generate_now_without_htmx_redirects_to_the_runs_page_watching_the_run(world):
    response = world.client("inspector_a").post(reverse("patrols:run_start"), {"area": "area-a"})
    run = GenerationRun.objects.get()
    assert response.url == f"{reverse('patrols:runs')}?run={run.pk}"
    page = world.client("inspector_a").get(response.url).content.decode()
    assert f"Run {run.pk}" in page


def test_the_runs_page_lists_counts_and_errors(world):
    GenerationRun.objects.create(area=world.area_a, trigger="nightly", status="failed", error="OperationalError: gone")
    GenerationRun.objects.create(area=world.area_b, trigger="nightly", status="succeeded", created=1234)
    html = world.client("inspector_a").get(reverse("patrols:runs")).content.decode()
    assert "OperationalError: gone" in html and "1234" not in html


def test_a_user_with_two_roles_sees_both_start_pages_in_the_menu(world):
    user = make_user("both", role=Role.OFFICER, area=world.area_a, collar="PC900")
    from sites.services import membership_grant

    membership_grant(user=user, area=world.area_a, role=Role.CST_COORDINATOR)
    world.users["both"] = user
    html = world.client("both").get(reverse("patrols:my_day")).content.decode()
    assert reverse("patrols:joint") in html and reverse("patrols:my_day") in html
