"""The inspector's week board and day view: rows, columns, chips and their markers, filters,
navigation, the generated horizon and generating ahead, row chunks, the audit, and queries that
do not grow with the number of sites."""

import re
from datetime import date, time, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from audit.models import PatrolViewRecord
from calendar_rules.models import StaffingUplift
from patrols.board_selectors import BOARD_CHUNK_SITES, BOARD_FIRST_SITES
from patrols.models import GenerationRun, Patrol, PatrolKind
from patrols.services import (
    assignment_create,
    generation_run_start,
    patrol_cancel,
    patrol_create_manual,
    patrol_update,
    rota_sync,
)
from sites.models import Site

from .conftest import NOW, TODAY, make_sites, school_rule, shabbat_rule

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen"), pytest.mark.clock]

WEEK = {"start": "2026-01-05"}  # Monday 5 January 2026 (TODAY); Saturday 10 January is Shabbat


def _week(area, site_count, prefix="Board"):
    sites = make_sites(area, site_count, prefix=prefix)
    school_rule(area, sites)
    shabbat_rule(area, sites)
    rota_sync(area=area, now=NOW, start=TODAY, end=TODAY + timedelta(days=6))
    return sites


def _board(world, persona="inspector_a", **params):
    response = world.client(persona).get(reverse("patrols:rota"), {**WEEK, **params})
    assert response.status_code == 200
    return response.content.decode()


def _day(world, day="2026-01-10", persona="inspector_a", **params):
    return world.client(persona).get(reverse("patrols:rota_day", args=[day]), params)


def _chips(html: str) -> list[str]:
    return re.findall(r'<div class="chip[^"]*">.*?</div>', html, flags=re.S)


def _chip_of(html: str, patrol: Patrol) -> str:
    return next(chip for chip in _chips(html) if f'value="{patrol.pk}"' in chip)


# ---- rows, columns, chips ---------------------------------------------------------------------


def test_the_board_has_a_row_per_site_and_a_column_per_day_with_shabbat_and_its_times(world):
    _week(world.area_a, 2)
    html = _board(world)
    assert html.count('<th scope="col" class="day') == 7
    assert "Mon 5 Jan" in html and "Sun 11 Jan" in html
    # Friday evening is erev Shabbat, with candle-lighting; Saturday is Shabbat, with havdalah.
    friday = html[html.index('data-day="2026-01-09"') : html.index('data-day="2026-01-10"')]
    saturday = html[html.index('data-day="2026-01-10"') : html.index('data-day="2026-01-11"')]
    assert "Erev Shabbat" in friday and re.search(r"Candles 1[56]:\d\d", friday)
    assert '<span class="badge festival">Shabbat</span>' in saturday and re.search(r"Havdalah 1[67]:\d\d", saturday)
    # One row per site (the world's own synagogue too), named with its kind and risk tier.
    assert html.count("<tr data-site=") == 3
    assert '<span class="site-name">Board 000</span> <small>Synagogue · Standard</small>' in html


def test_a_chip_shows_time_kind_staffing_against_required_and_understaffing_in_words(world):
    _week(world.area_a, 1)
    school = Patrol.objects.filter(area=world.area_a, kind=PatrolKind.POLICE).order_by("starts_at").first()
    joint = Patrol.objects.get(area=world.area_a, kind=PatrolKind.JOINT)
    html = _board(world)
    chip = _chip_of(html, school)
    assert 'class="chip short"' in chip and "08:15–08:55" in chip and "Police" in chip
    assert "0/1 officers" in chip and '<em class="mk warn">unstaffed</em>' in chip
    chip = _chip_of(html, joint)
    assert 'class="chip joint short"' in chip and "09:00–12:00" in chip and "Joint" in chip
    assert "0/1 officers, 0/2 CST" in chip and "needs 2 CST" in chip
    # Each patrol can be ticked for the bulk actions of the toolbar's form.
    assert f'<input type="checkbox" name="patrols" value="{school.pk}" form="board-selection"' in _chip_of(html, school)


def test_a_patrol_short_of_one_of_two_officers_says_how_many_it_needs(world):
    _week(world.area_a, 1)
    joint = Patrol.objects.get(area=world.area_a, kind=PatrolKind.JOINT)
    joint = patrol_update(patrol=joint, by=None, expected_version=joint.version, officers_required=2)
    assignment_create(patrol=joint, officer=world.users["officer"].officer, by=None)
    chip = _chip_of(_board(world), joint)
    assert "1/2 officers" in chip and "needs 1 officer<" in chip and "unstaffed" not in chip
    assert '<em class="mk">edited</em>' in chip and '<em class="mk">held</em>' in chip


def test_the_markers_say_cancelled_edited_manual_and_held(world):
    _week(world.area_a, 1)
    first, second, third = Patrol.objects.filter(area=world.area_a, kind=PatrolKind.POLICE).order_by("starts_at")[:3]
    patrol_cancel(patrol=first, by=None, reason="Closed for the day", expected_version=first.version)
    patrol_update(patrol=second, by=None, expected_version=second.version, officers_required=2)
    assignment_create(patrol=third, officer=world.users["officer"].officer, by=None)
    site = Site.objects.get(area=world.area_a, name="Board 000")
    manual = patrol_create_manual(
        site=site, starts_at=NOW + timedelta(days=1, hours=12), ends_at=NOW + timedelta(days=1, hours=13), by=None
    )
    html = _board(world)
    cancelled = _chip_of(html, first)
    assert 'class="chip cancelled"' in cancelled and '<em class="mk">cancelled</em>' in cancelled
    assert "unstaffed" not in cancelled  # a cancelled patrol needs nobody
    assert '<em class="mk">edited</em>' in _chip_of(html, second)
    held = _chip_of(html, third)
    assert '<em class="mk">held</em>' in held and "1/1 officers" in held and "short" not in held
    assert '<em class="mk">manual</em>' in _chip_of(html, manual)


def test_the_board_offers_select_all_for_each_day_and_site_and_leaves_room_for_the_edit_tools(world):
    _week(world.area_a, 1)
    html = _board(world)
    assert html.count('data-select="day"') == 7 and html.count('data-select="row"') == 2
    assert '<form id="board-selection" method="post" action="/rota/bulk/"' in html
    assert '<dialog id="patrol-dialog"' in html
    assert '<script src="/static/js/board.js" defer></script>' in html and "<script>" not in html


# ---- filters ----------------------------------------------------------------------------------


def test_needs_officers_shows_only_scheduled_patrols_short_of_officers(world):
    _week(world.area_a, 2)
    patrols = list(Patrol.objects.filter(area=world.area_a, kind=PatrolKind.POLICE).order_by("starts_at"))
    assignment_create(patrol=patrols[0], officer=world.users["officer"].officer, by=None)
    patrol_cancel(patrol=patrols[1], by=None, reason="Closed", expected_version=patrols[1].version)
    html = _board(world, needs="1")
    shown = {int(value) for value in re.findall(r'name="patrols" value="(\d+)"', html)}
    assert patrols[0].pk not in shown and patrols[1].pk not in shown
    assert shown == set(
        Patrol.objects.filter(area=world.area_a, status="scheduled")
        .exclude(pk=patrols[0].pk)
        .values_list("pk", flat=True)
    )
    # Only sites with such a patrol have a row; the checkbox stays ticked.
    assert html.count("<tr data-site=") == 2 and 'name="needs" value="1" checked' in html


def test_the_patrol_kind_filter_shows_one_kind(world):
    _week(world.area_a, 1)
    html = _board(world, kind="joint")
    assert "09:00–12:00" in html and "08:15–08:55" not in html
    assert '<option value="joint" selected>' in html


def test_the_site_kind_and_risk_tier_filters_choose_the_rows(world):
    sites = _week(world.area_a, 3)
    Site.objects.filter(pk=sites[0].pk).update(kind="school")
    Site.objects.filter(pk=sites[1].pk).update(risk_tier=1)
    html = _board(world, site_kind="school")
    assert html.count("<tr data-site=") == 1 and "Board 000" in html
    html = _board(world, tier="1")
    assert html.count("<tr data-site=") == 1 and "Board 001" in html and "Board 000" not in html
    html = _board(world, site_kind="school", tier="1")
    assert "<tr data-site=" not in html and "No sites match these filters." in html


def test_bad_filter_values_are_said_on_the_page_and_everything_is_shown(world):
    _week(world.area_a, 1)
    html = _board(world, kind="boat", tier="9")
    assert 'role="alert"' in html
    assert "kind: Select a valid choice. boat is not one of the available choices." in html
    assert "tier: Select a valid choice. 9 is not one of the available choices." in html
    assert "Showing every risk tier, patrol kind instead." in html
    assert "08:15–08:55" in html and "09:00–12:00" in html


# ---- navigation -------------------------------------------------------------------------------


def test_the_arrows_and_today_move_a_week_and_keep_the_area_and_the_filters(world):
    html = _board(world, start="2026-01-14", kind="joint")
    assert f'href="/rota/?area={world.area_a.slug}&amp;kind=joint&amp;start=2026-01-07&amp;days=7" rel="prev"' in html
    assert f'href="/rota/?area={world.area_a.slug}&amp;kind=joint&amp;start=2026-01-21&amp;days=7" rel="next"' in html
    assert f'href="/rota/?area={world.area_a.slug}&amp;kind=joint&amp;start=2026-01-05&amp;days=7">Today</a>' in html
    # Each day's head leads to its day view; the date picker shows the first day.
    assert f'href="/rota/day/2026-01-17/?area={world.area_a.slug}&amp;kind=joint"' in html
    assert 'name="start" id="id_start" value="2026-01-14"' in html


def test_an_inspector_of_several_areas_chooses_the_area(world):
    from django.contrib.auth.models import Group

    from sites.models import Membership, Role

    inspector = world.users["inspector_a"]
    Membership.objects.create(user=inspector, area=world.area_b, group=Group.objects.get(name=Role.INSPECTOR))
    html = _board(world, area=world.area_b.slug)
    assert f'<option value="{world.area_b.slug}" selected>' in html and f'<option value="{world.area_a.slug}">' in html


def test_another_areas_board_rows_and_day_are_404_and_other_roles_403(world):
    other = {"area": world.area_a.slug}
    client = world.client("inspector_b")
    assert client.get(reverse("patrols:rota"), other).status_code == 404
    assert client.get(reverse("patrols:rota_rows"), other).status_code == 404
    assert client.get(reverse("patrols:rota_day", args=["2026-01-10"]), other).status_code == 404
    for persona in ("officer", "coordinator"):
        assert world.client(persona).get(reverse("patrols:rota")).status_code == 403
        assert _day(world, persona=persona).status_code == 403


# ---- the horizon and generating ahead -----------------------------------------------------------


def test_the_board_says_where_the_generated_rota_ends_and_shades_the_days_past_it(world):
    _week(world.area_a, 1)  # generated to Sunday 11 January
    html = _board(world, start="2026-01-09")
    assert "Generated to 11 Jan 2026" in html and "the shaded days after it have no patrols yet" in html
    assert html.count('<span class="badge muted">Not generated</span>') == 4  # 12 to 15 January
    assert 'name="until" id="id_until" value="2026-01-15"' in html
    assert f'max="{(TODAY + timedelta(days=550)).isoformat()}"' in html
    html = _board(world)
    assert "Generated to 11 Jan 2026" in html and "Not generated</span>" not in html
    assert 'name="until" id="id_until" value="2026-02-08"' in html  # four weeks past the horizon


def test_before_any_run_the_board_says_the_rota_has_not_been_generated(world):
    assert "The rota has not been generated yet." in _board(world)


def test_generating_to_a_date_months_ahead_creates_patrols_to_it_and_not_beyond(
    world, django_capture_on_commit_callbacks
):
    make_sites(world.area_a, 1, prefix="Ahead")
    shabbat_rule(world.area_a, list(Site.objects.filter(area=world.area_a)))
    until = date(2026, 9, 30)  # past Rosh Hashanah and Yom Kippur 5787
    with django_capture_on_commit_callbacks(execute=True):
        run = generation_run_start(area=world.area_a, by=None, until=until)
    run.refresh_from_db()
    assert run.window_end == until
    last = Patrol.objects.filter(area=world.area_a).order_by("-starts_at").first()
    assert last.occurrence_date == date(2026, 9, 26)  # the last Saturday on or before the 30th
    assert not Patrol.objects.filter(area=world.area_a, occurrence_date__gt=until).exists()
    assert "Generated to 30 Sep 2026" in _board(world)


@pytest.mark.parametrize(
    ("until", "message"),
    [
        (TODAY + timedelta(days=551), "the rota can be generated at most 550 days ahead, to 9 Jul 2027"),
        (TODAY - timedelta(days=1), "that is before today (5 Jan 2026)"),
    ],
)
def test_generating_beyond_the_limit_or_before_today_is_refused_and_changes_nothing(world, until, message):
    shabbat_rule(world.area_a, [world.objects["site_a"]])
    with pytest.raises(ValidationError, match=re.escape(message)):
        generation_run_start(area=world.area_a, by=None, until=until)
    assert not GenerationRun.objects.exists() and not Patrol.objects.exists()


def test_generate_to_from_the_board_shows_the_runs_progress(world, django_capture_on_commit_callbacks):
    shabbat_rule(world.area_a, [world.objects["site_a"]])
    with django_capture_on_commit_callbacks(execute=True):
        response = world.client("inspector_a").post(
            reverse("patrols:run_start"), {"area": world.area_a.slug, "until": "2026-06-30"}, HTTP_HX_REQUEST="true"
        )
    html = response.content.decode()
    run = GenerationRun.objects.get()
    # The runs page's progress partial, polling until the run has finished.
    assert response.status_code == 200 and f'hx-get="/rota/runs/{run.pk}/progress/" hx-trigger="every 1s"' in html
    assert run.window_end == date(2026, 6, 30)
    assert Patrol.objects.filter(occurrence_date=date(2026, 6, 27)).exists()


@pytest.mark.parametrize("htmx", [True, False])
def test_generate_to_beyond_the_limit_from_the_board_says_why_and_starts_nothing(world, settings, htmx):
    settings.ROTA_GENERATE_AHEAD_MAX_DAYS = 30
    shabbat_rule(world.area_a, [world.objects["site_a"]])
    headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    client = world.client("inspector_a")
    response = client.post(reverse("patrols:run_start"), {"area": world.area_a.slug, "until": "2026-03-01"}, **headers)
    said = "Cannot generate to 1 Mar 2026: the rota can be generated at most 30 days ahead, to 4 Feb 2026."
    if htmx:
        assert response.status_code == 200 and said in response.content.decode()
    else:
        assert response.status_code == 302 and response["Location"] == f"/rota/?area={world.area_a.slug}"
        assert said in client.get(response["Location"]).content.decode()
    assert not GenerationRun.objects.exists() and not Patrol.objects.exists()


def test_generate_to_a_date_that_is_not_one_is_refused(world):
    response = world.client("inspector_a").post(
        reverse("patrols:run_start"), {"area": world.area_a.slug, "until": "soon"}, HTTP_HX_REQUEST="true"
    )
    assert "Enter a valid date." in response.content.decode()
    assert not GenerationRun.objects.exists()


# ---- the day view -------------------------------------------------------------------------------


def test_the_day_view_lists_the_days_patrols_by_time_with_their_sites(world):
    sites = _week(world.area_a, 2)
    site = Site.objects.get(pk=sites[1].pk)
    early = patrol_create_manual(
        site=site,
        starts_at=NOW + timedelta(days=5, hours=0),  # Saturday 07:00
        ends_at=NOW + timedelta(days=5, hours=1),
        by=None,
        label="Early check",
    )
    response = _day(world, area=world.area_a.slug)
    html = response.content.decode()
    assert response.status_code == 200 and "Saturday 10 January 2026" in html and "3 patrols" in html
    times = re.findall(r"<b>(\d\d:\d\d)–", html)
    assert times == ["07:00", "09:00", "09:00"]
    assert "Early check" in html and '<span class="chip-site">Board 001</span>' in html
    assert f'value="{early.pk}" form="board-selection"' in html
    assert re.search(r"Havdalah 1[67]:\d\d", html)


def test_the_day_view_uses_the_filters_and_says_a_day_past_the_horizon_is_not_generated(world):
    _week(world.area_a, 1)
    assert "No patrols match these filters on this day." in _day(world, kind="police").content.decode()
    html = _day(world, day="2026-01-14").content.decode()
    assert "Not generated yet: the rota is generated to 11 Jan 2026." in html


@pytest.mark.parametrize("day", ["2026-02-30", "1899-12-31", "2026-1-10"])
def test_the_day_view_of_a_date_that_is_not_one_is_404(world, day):
    assert world.client("inspector_a").get(f"/rota/day/{day}/").status_code == 404


# ---- chunks, queries, audit -----------------------------------------------------------------------


def _queries(client, url, params) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url, params).status_code == 200
    return len(captured)


def test_the_week_board_issues_the_same_queries_for_20_and_200_sites(world):
    _week(world.area_a, 20, prefix="Few")
    _week(world.area_b, 200, prefix="Many")
    assert Patrol.objects.filter(area=world.area_b).count() == 200 * 6
    small = world.client("inspector_a")
    large = world.client("inspector_b")
    small.get(reverse("patrols:rota"))  # warm the sessions
    large.get(reverse("patrols:rota"))
    few = _queries(small, reverse("patrols:rota"), WEEK)
    many = _queries(large, reverse("patrols:rota"), WEEK)
    assert few == many == 8  # with the officers the bulk toolbar offers
    rows = {"start": "2026-01-05", "offset": BOARD_FIRST_SITES}
    assert _queries(small, reverse("patrols:rota_rows"), rows) == _queries(large, reverse("patrols:rota_rows"), rows)


def test_the_rows_past_the_first_screen_load_in_chunks_as_they_scroll_into_view(world):
    _week(world.area_a, 60, prefix="Chunk")  # 61 sites with the world's own
    client = world.client("inspector_a")
    html = _board(world)
    assert html.count("<tr data-site=") == BOARD_FIRST_SITES
    seen = re.findall(r'<span class="site-name">([^<]+)</span>', html)
    link = re.search(r'hx-get="([^"]+)" hx-trigger="intersect once"', html).group(1).replace("&amp;", "&")
    while link:
        chunk = client.get(link).content.decode()
        names = re.findall(r'<span class="site-name">([^<]+)</span>', chunk)
        assert len(names) <= BOARD_CHUNK_SITES
        seen += names
        found = re.search(r'hx-get="([^"]+)" hx-trigger="intersect once"', chunk)
        link = found.group(1).replace("&amp;", "&") if found else ""
    assert seen == sorted(Site.objects.filter(area=world.area_a).values_list("name", flat=True))


def test_the_rows_and_the_day_view_record_who_saw_future_patrol_times_and_the_past_records_nothing(world):
    client = world.client("inspector_a")
    client.get(reverse("patrols:rota_rows"), {"start": "2026-01-05", "offset": 0})
    client.get(reverse("patrols:rota_day", args=["2026-01-10"]))
    client.get(reverse("patrols:rota_rows"), {"start": "2025-12-01", "offset": 0})
    client.get(reverse("patrols:rota_day", args=["2026-01-04"]))
    records = set(PatrolViewRecord.objects.values_list("user__username", "area__slug", "channel"))
    assert records == {
        ("inspector_a", world.area_a.slug, "patrols:rota_rows"),
        ("inspector_a", world.area_a.slug, "patrols:rota_day"),
    }


def test_a_chip_says_which_uplift_raised_it_and_what_it_replaced(world):
    area = world.area_a
    (site,) = make_sites(area, 1, prefix="Board")
    shabbat_rule(area, [site], label="Shabbat morning")
    shabbat_rule(area, [site], label="Kiddush", start_time=time(11, 0), duration_minutes=90, precedence=10)
    StaffingUplift.objects.create(
        area=area, label="Winter", periods=[], observance_categories=["shabbat"], officers_value=1
    )
    rota_sync(area=area, now=NOW, start=TODAY, end=TODAY + timedelta(days=6))
    patrol = Patrol.objects.get(area=area, label="Kiddush")
    assert not Patrol.objects.filter(area=area, label="Shabbat morning").exists()
    chip = _chip_of(_board(world), patrol)
    assert '<em class="mk up">raised</em> Winter: +1 officer' in chip
    assert '<em class="mk">replaces</em> Shabbat morning 09:00–12:00' in chip
    data = world.client("inspector_a").get(reverse("patrol-detail", args=[patrol.pk])).json()
    assert (data["uplift_note"], data["replaces_note"]) == (
        "Winter: +1 officer",
        "Replaces Shabbat morning 09:00–12:00",
    )
