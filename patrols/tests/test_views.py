"""The rota's pages: what each role sees, htmx progress, and query counts that do not grow."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from conftest import make_user
from patrols.board_selectors import BOARD_FIRST_SITES
from patrols.models import GenerationRun, Patrol, PatrolKind, RunStatus, VolunteerSlot
from patrols.services import assignment_create, patrol_create_manual, rota_sync
from sites.models import Role

from .conftest import NOW, TODAY, make_sites, school_rule, shabbat_rule

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen"), pytest.mark.clock]


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
    assert "Mon 5 Jan" in html and "Sun 11 Jan" in html and "5 January 2026 to 11 January 2026" in html
    assert "Rota 2 000" in html and "08:15–08:55" in html
    assert " Joint <span>" in html and " Police <span>" in html
    # Saturday is Shabbat, and Friday evening already belongs to it.
    assert '<span class="badge festival">Shabbat</span>' in html
    assert '<span class="badge festival-evening">Erev Shabbat</span>' in html


def test_the_rota_shows_a_festival_label(world):
    response = world.client("inspector_a").get(reverse("patrols:rota"), {"start": "2026-09-21", "days": 1})
    assert "Yom Kippur" in response.content.decode()


def test_the_rota_page_queries_do_not_grow_with_patrols(world, django_assert_num_queries):
    _week(world.area_a, 3)
    client = world.client("inspector_a")
    client.get(reverse("patrols:rota"))  # warm the session
    # session, user, memberships, areas, how far generated, a chunk of sites, their patrols, the
    # officers the bulk toolbar offers, the view record (audit)
    with django_assert_num_queries(8):
        client.get(reverse("patrols:rota"), {"start": "2026-01-05"})
    _week(world.area_a, 30)
    with django_assert_num_queries(8):
        response = client.get(reverse("patrols:rota"), {"start": "2026-01-05"})
    # The first chunk of site rows comes with the page; the others as they scroll into view.
    html = response.content.decode()
    assert html.count("<tr data-site=") == BOARD_FIRST_SITES and html.count("08:15–08:55") >= 5 * (
        BOARD_FIRST_SITES - 1
    )
    assert 'hx-trigger="intersect once"' in html


def test_my_day_shows_the_officers_week_with_cst_partners(world):
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
    # Thursday's patrol is in the week ahead, with a tab for its day; next Tuesday's is not.
    assert html.count('class="card patrol-card') == 2
    assert 'href="#day-2026-01-08"' in html and 'id="day-2026-01-12"' in html and "day-2026-01-13" not in html


def test_my_day_queries_do_not_grow_with_assignments(world, django_assert_num_queries):
    officer = world.users["officer"].officer
    sites = make_sites(world.area_a, 6, prefix="Day")
    for number, site in enumerate(sites):
        start = datetime(2026, 1, 5, 9 + number, 0, tzinfo=UTC)  # one six-hour duty
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
    # session, user, memberships (with the areas' names and zones), officer, assignments,
    # partners, the other officers, absences, the view record; not the officer's visits: no
    # patrol's check-in has opened yet, so none can have one
    with django_assert_num_queries(7):
        response = client.get(reverse("patrols:my_day"))
    assert response.content.decode().count("patrol-card") == 6


def test_joint_patrols_page_shows_slot_counts_for_the_coordinators_areas(world):
    _week(world.area_a, 2)
    _week(world.area_b, 1)
    html = world.client("coordinator").get(reverse("patrols:joint")).content.decode()
    assert html.count("0 of 2 confirmed") == 2
    assert "0 of 4 places confirmed, 0 asked, 4 open" in html and "Rota 1 000" not in html


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


# ---- runs that cannot start, runs the worker lost, and the stages of a run ---------------------


def test_a_run_that_cannot_be_enqueued_is_marked_failed_with_the_reason(
    world, monkeypatch, django_capture_on_commit_callbacks
):
    from kombu.exceptions import OperationalError

    from patrols.tasks import generate_rota_for_area

    def broker_down(*args, **kwargs):
        raise OperationalError("Error 111 connecting to redis:6379. Connection refused.")

    monkeypatch.setattr(generate_rota_for_area, "delay", broker_down)
    client = world.client("inspector_a")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("patrols:run_start"), {"area": "area-a"}, HTTP_HX_REQUEST="true")

    assert response.status_code == 200
    run = GenerationRun.objects.get()
    assert run.status == RunStatus.FAILED and run.finished_at is not None
    assert (
        run.error
        == "Could not start the run: OperationalError: Error 111 connecting to redis:6379. Connection refused."
    )
    partial = client.get(reverse("patrols:run_progress", args=[run.pk])).content.decode()
    assert "Could not start the run" in partial and "hx-trigger" not in partial


def test_a_run_that_fails_in_an_eager_worker_keeps_its_own_error(
    world, monkeypatch, django_capture_on_commit_callbacks
):
    from patrols.services import rota

    def explode(**kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(rota, "_sync_locked", explode)
    with django_capture_on_commit_callbacks(execute=True):
        world.client("inspector_a").post(reverse("patrols:run_start"), {"area": "area-a"}, HTTP_HX_REQUEST="true")
    run = GenerationRun.objects.get()
    assert (run.status, run.error) == (RunStatus.FAILED, "RuntimeError: disk full")


def test_a_run_queued_for_longer_than_the_tasks_hard_time_limit_stops_polling_and_says_so(world):
    # (A *running* run is judged by its heartbeat instead: see test_run_health.py.)
    from patrols.models import RUN_TIME_LIMIT_SECONDS
    from patrols.tasks import generate_rota_for_area

    assert generate_rota_for_area.time_limit == RUN_TIME_LIMIT_SECONDS
    run = GenerationRun.objects.create(area=world.area_a, trigger="manual", status=RunStatus.QUEUED)
    since = NOW - timedelta(seconds=RUN_TIME_LIMIT_SECONDS + 60)  # 06:34 in London (GMT)
    GenerationRun.objects.filter(pk=run.pk).update(queued_at=since)
    partial = world.client("inspector_a").get(reverse("patrols:run_progress", args=[run.pk])).content.decode()
    assert "hx-trigger" not in partial
    assert "No news from the worker since 06:34 — check the worker" in partial
    # One that is younger keeps polling.
    GenerationRun.objects.filter(pk=run.pk).update(queued_at=NOW - timedelta(minutes=5), started_at=None)
    partial = world.client("inspector_a").get(reverse("patrols:run_progress", args=[run.pk])).content.decode()
    assert 'hx-trigger="every 1s"' in partial and "No news" not in partial


def test_the_progress_shows_the_real_stages_of_a_run(world, monkeypatch):
    from django.utils import timezone

    from patrols import services
    from patrols.selectors import run_progress
    from patrols.services import rota, rota_writes

    school_rule(world.area_a, make_sites(world.area_a, 3))
    run = services.generation_run_queue(area=world.area_a, trigger="manual")
    client = world.client("inspector_a")
    seen = []

    def watch():
        fresh = GenerationRun.objects.select_related("area").get(pk=run.pk)
        shown = run_progress(fresh, now=timezone.now())
        seen.append((shown.progress, shown.message, shown.polling))

    def spy(module, name):
        real = getattr(module, name)

        def wrapper(*args, **kwargs):
            watch()
            return real(*args, **kwargs)

        monkeypatch.setattr(module, name, wrapper)

    watch()
    for module, name in ((rota, "_lock_area"), (rota, "stored_patrols"), (rota_writes, "apply_creates")):
        spy(module, name)
    partial_during = []
    real_apply = rota_writes.apply_changes

    def apply_and_look(*args, **kwargs):
        partial_during.append(client.get(reverse("patrols:run_progress", args=[run.pk])).content.decode())
        return real_apply(*args, **kwargs)

    monkeypatch.setattr(rota_writes, "apply_changes", apply_and_look)
    rota_sync(area=world.area_a, run=run, now=NOW, start=TODAY, end=TODAY + timedelta(days=6))
    watch()

    assert seen == [
        (0, "Queued", True),
        (5, "Waiting for the area lock", True),
        (20, "Planning 1 rule", True),
        (60, "Writing: 15 new, 0 changed, 0 cancelled", True),
        (100, "Finished", False),
    ]
    assert "Writing: 15 new" in partial_during[0] and 'hx-trigger="every 1s"' in partial_during[0]


# ---- dates outside the calendar -----------------------------------------------------------------


@pytest.mark.parametrize("start", ["0001-01-01", "9999-12-30", "1899-12-31", "2026-02-30", "soon"])
def test_the_rota_refuses_a_date_outside_the_calendar_with_a_message_not_an_error(world, start):
    response = world.client("inspector_a").get(reverse("patrols:rota"), {"start": start})
    html = response.content.decode()
    assert response.status_code == 200
    assert 'role="alert"' in html and "Showing the rota from today instead." in html
    assert "5 January 2026 to 11 January 2026" in html


def test_the_rota_names_a_bad_date_it_refuses(world):
    html = world.client("inspector_a").get(reverse("patrols:rota"), {"start": "soon"}).content.decode()
    assert "start: &#x27;soon&#x27; is not a date; give one as YYYY-MM-DD. Showing the rota from today instead." in html


@pytest.mark.parametrize("days", ["a week", "7.5", "1e3"])
def test_the_rota_names_a_number_of_days_it_cannot_read_and_shows_a_week(world, days):
    response = world.client("inspector_a").get(reverse("patrols:rota"), {"start": "2026-01-05", "days": days})
    html = response.content.decode()
    assert response.status_code == 200
    assert 'role="alert"' in html and "days: Enter a whole number. Showing 7 days." in html
    assert response.context["days"] == 7 and html.count('<th scope="col" class="day') == 7


@pytest.mark.parametrize(("days", "shown"), [("0", 1), ("-3", 1), ("90", 14)])
def test_the_rota_brings_a_number_of_days_out_of_range_into_it_without_complaint(world, days, shown):
    response = world.client("inspector_a").get(reverse("patrols:rota"), {"start": "2026-01-05", "days": days})
    assert response.context["days"] == shown and 'role="alert"' not in response.content.decode()


def test_the_runs_page_names_a_run_it_cannot_read(world):
    response = world.client("inspector_a").get(reverse("patrols:runs"), {"run": "latest"})
    html = response.content.decode()
    assert response.status_code == 200
    assert 'role="alert"' in html and "run: Enter a whole number." in html
    assert response.context["watched"] is None


def test_the_rota_at_the_end_of_the_calendar_is_cut_short(world):
    response = world.client("inspector_a").get(reverse("patrols:rota"), {"start": "2200-12-30", "days": 7})
    html = response.content.decode()
    assert response.status_code == 200 and 'role="alert"' not in html
    assert "Tue 30 Dec" in html and "Wed 31 Dec" in html
    assert html.count('<th scope="col" class="day') == 2


@pytest.mark.parametrize("query", ["start=0001-01-01T00:00", "end=9999-12-31T23:00", "start=1899-12-31"])
def test_the_patrols_api_refuses_a_date_outside_the_calendar_with_400(world, query):
    response = world.client("inspector_a").get(reverse("patrol-list") + "?" + query)
    assert response.status_code == 400
    assert "Dates from 1900 to 2200 only." in str(response.json())


# ---- my day: current areas, each area's own "today" ---------------------------------------------


def test_my_day_shows_nothing_of_an_area_the_officer_has_been_removed_from(world):
    from sites.models import Membership

    officer = world.users["officer"].officer
    site = world.objects["site_a"]
    site.officer_notes = "Side gate code 4512"
    site.save()
    start = NOW + timedelta(hours=3)
    patrol = patrol_create_manual(site=site, starts_at=start, ends_at=start + timedelta(hours=1), by=None)
    assignment_create(patrol=patrol, officer=officer, by=None)
    client = world.client("officer")
    assert "Side gate code 4512" in client.get(reverse("patrols:my_day")).content.decode()

    # Moved to area B: still an officer (B), no longer in A.
    from sites.services import membership_grant

    membership_grant(user=officer.user, area=world.area_b, role=Role.OFFICER)
    Membership.objects.filter(user=officer.user, area=world.area_a).delete()
    html = world.client("officer").get(reverse("patrols:my_day")).content.decode()
    assert "Today" in html and "Tomorrow" in html  # area B's days, shown and empty
    assert "Side gate code 4512" not in html and "Beth Test Synagogue" not in html
    assert html.count("patrol-card") == 0


def test_my_day_takes_today_from_the_areas_time_zone(world, frozen):
    from sites.models import Area

    Area.objects.filter(pk=world.area_a.pk).update(timezone="America/New_York")
    # 03:00 UTC on Monday 5 January is 22:00 on Sunday 4 January in New York.
    frozen.move_to(datetime(2026, 1, 5, 3, 0, tzinfo=UTC))
    officer = world.users["officer"].officer
    site = world.objects["site_a"]
    tonight = datetime(2026, 1, 5, 4, 30, tzinfo=UTC)  # Sunday 23:30 in New York: today
    monday_night = datetime(2026, 1, 6, 4, 0, tzinfo=UTC)  # Monday 23:00 in New York: tomorrow
    for start, label in ((tonight, "Sunday late"), (monday_night, "Monday late")):
        patrol = patrol_create_manual(
            site=site, starts_at=start, ends_at=start + timedelta(minutes=30), by=None, label=label
        )
        assignment_create(patrol=patrol, officer=officer, by=None)

    html = world.client("officer").get(reverse("patrols:my_day")).content.decode()

    today, tomorrow = html.split('id="day-heading-2"', 1)
    assert "Sunday 4 January" in today and "Sunday late" in today and "23:30–00:00" in today
    assert "Monday 5 January" in tomorrow and "Monday late" in tomorrow and "23:00–23:30" in tomorrow


def test_joint_patrols_show_times_in_their_own_areas_time_zone(world):
    world.area_a.timezone = "Asia/Jerusalem"
    world.area_a.save()
    site = make_sites(world.area_a, 1)[0]
    starts = NOW + timedelta(days=1)
    patrol_create_manual(
        site=site,
        starts_at=starts,
        ends_at=starts + timedelta(hours=1),
        by=world.users["inspector_a"],
        kind=PatrolKind.JOINT,
        volunteers_required=1,
    )
    html = world.client("coordinator").get(reverse("patrols:joint")).content.decode()
    local = starts.astimezone(ZoneInfo("Asia/Jerusalem"))
    assert f"{local:%H:%M}–{local + timedelta(hours=1):%H:%M}" in html


def test_a_joint_patrol_under_way_is_still_on_the_coordinators_page(world, frozen):
    site = make_sites(world.area_a, 1)[0]
    patrol_create_manual(
        site=site,
        starts_at=NOW + timedelta(minutes=5),
        ends_at=NOW + timedelta(hours=2),
        by=world.users["inspector_a"],
        kind=PatrolKind.JOINT,
        volunteers_required=1,
        label="Under way",
    )
    frozen.move_to(NOW + timedelta(hours=1))
    html = world.client("coordinator").get(reverse("patrols:joint")).content.decode()
    assert "Under way" in html


def test_my_day_names_the_shabbat_whose_evening_today_is_and_tomorrows_shabbat(world, frozen):
    frozen.move_to(datetime(2026, 1, 9, 7, 0, tzinfo=UTC))  # a Friday
    html = world.client("officer").get(reverse("patrols:my_day")).content.decode()
    assert '<span class="badge festival-evening">Evening: Shabbat</span>' in html
    assert '<span class="badge festival">Shabbat</span>' in html


def test_joint_patrols_name_the_shabbat_they_are_for(world):
    _week(world.area_a, 1)
    html = world.client("coordinator").get(reverse("patrols:joint")).content.decode()
    assert '<h2 id="day-20260110">Shabbat 10 Jan</h2>' in html


def test_the_rota_marks_a_patrol_people_are_on_as_held_and_counts_cst_places(world):
    _week(world.area_a, 1)
    joint = Patrol.objects.filter(area=world.area_a, kind=PatrolKind.JOINT).order_by("starts_at").first()
    assignment_create(patrol=joint, officer=world.users["officer"].officer, by=None)
    VolunteerSlot.objects.filter(pk=joint.slots.first().pk).update(
        volunteer=world.objects["volunteer_a"], status="confirmed"
    )
    html = world.client("inspector_a").get(reverse("patrols:rota"), {"start": "2026-01-05", "days": 7}).content.decode()
    assert html.count('<em class="mk">held</em>') == 1
    assert "1/1 officers, 1/2 CST" in html
