"""The patrols and generation runs API: scoping (DESIGN.md §6), filters, 202 on start, queries."""

from datetime import UTC, datetime, timedelta

import pytest
from django.urls import reverse

from patrols.models import GenerationRun, Patrol, PatrolKind
from patrols.services import assignment_create, patrol_create_manual, rota_sync

from .conftest import NOW, TODAY, make_sites, school_rule, shabbat_rule

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]


@pytest.fixture
def rota(world):
    """A week of police and joint patrols in both areas; the officer on one joint patrol in A."""
    for area in (world.area_a, world.area_b):
        sites = make_sites(area, 2, prefix=f"{area.slug} api")
        school_rule(area, sites)
        shabbat_rule(area, sites)
        rota_sync(area=area, now=NOW, start=TODAY, end=TODAY + timedelta(days=6))
    officer = world.users["officer"].officer
    patrol = Patrol.objects.filter(area=world.area_a, kind=PatrolKind.JOINT).order_by("pk").first()
    assignment_create(patrol=patrol, officer=officer, by=None)
    return world


def _ids(response):
    return {row["id"] for row in response.json()["results"]}


def test_each_role_lists_the_patrols_its_job_needs(rota):
    list_url = reverse("patrol-list")
    area_a = Patrol.objects.filter(area=rota.area_a)
    assert _ids(rota.client("inspector_a").get(list_url)) == set(area_a.values_list("pk", flat=True))
    assert _ids(rota.client("coordinator").get(list_url)) == set(
        area_a.filter(kind=PatrolKind.JOINT).values_list("pk", flat=True)
    )
    officers = set(area_a.filter(assignments__officer__user=rota.users["officer"]).values_list("pk", flat=True))
    assert len(officers) == 1 and _ids(rota.client("officer").get(list_url)) == officers
    assert rota.client("admin").get(list_url).json()["count"] == Patrol.objects.count() == 24


def test_patrols_filter_by_date_range_site_kind_status_and_area(rota):
    client = rota.client("admin")
    url = reverse("patrol-list")
    site = Patrol.objects.filter(area=rota.area_a).first().site
    monday = {"start": "2026-01-05T00:00:00Z", "end": "2026-01-06T00:00:00Z"}
    assert client.get(url, monday).json()["count"] == 4  # two sites in each area
    assert client.get(url, {"site": site.pk}).json()["count"] == 6
    assert client.get(url, {"kind": "joint"}).json()["count"] == 4
    assert client.get(url, {"status": "cancelled"}).json()["count"] == 0
    assert client.get(url, {"area": "area-b", "kind": "police"}).json()["count"] == 10


def test_a_bare_end_date_includes_that_whole_day(rota):
    client = rota.client("admin")
    url = reverse("patrol-list")
    # Saturday 10 January 2026: the two joint patrols in each area (London = UTC in January).
    assert client.get(url, {"start": "2026-01-10", "end": "2026-01-10"}).json()["count"] == 4
    assert client.get(url, {"start": "2026-01-10T00:00:00Z", "end": "2026-01-10T00:00:00Z"}).status_code == 400


def test_an_end_before_the_start_is_a_400_naming_end(rota):
    response = rota.client("admin").get(reverse("patrol-list"), {"start": "2026-01-10", "end": "2026-01-05"})
    assert response.status_code == 400
    assert "end" in response.json()


def test_a_patrol_shows_its_staffing(rota):
    patrol = Patrol.objects.filter(area=rota.area_a, kind=PatrolKind.JOINT).order_by("pk").first()
    data = rota.client("officer").get(reverse("patrol-detail", args=[patrol.pk])).json()
    assert data["officers_assigned"] == 1 and data["volunteers_required"] == 2 and data["manual"] is False
    assert data["area"] == "area-a" and data["starts_at"] == "2026-01-10T09:00:00Z"


def test_the_patrol_list_queries_do_not_grow_with_patrols(world, django_assert_num_queries):
    client = world.client("inspector_a")
    site = world.objects["site_a"]
    for hour in range(20):
        start = datetime(2026, 1, 6, 0, 0, tzinfo=UTC) + timedelta(hours=hour)
        patrol_create_manual(site=site, starts_at=start, ends_at=start + timedelta(minutes=30), by=None)
    with django_assert_num_queries(6):  # session, user, memberships, count, page, the view record (audit)
        response = client.get(reverse("patrol-list"))
    assert response.json()["count"] == 20


def test_an_inspector_starts_a_run_and_gets_202(world):
    response = world.client("inspector_a").post(reverse("generation-run-list"), {"area": "area-a"}, format="json")
    assert response.status_code == 202
    assert response.json()["area"] == "area-a" and response.json()["trigger"] == "manual"
    assert GenerationRun.objects.get().requested_by == world.users["inspector_a"]


def test_an_inspector_starting_a_run_in_another_area_gets_404_as_for_any_object_outside_their_scope(world):
    response = world.client("inspector_b").post(reverse("generation-run-list"), {"area": "area-a"}, format="json")
    assert response.status_code == 404
    assert not GenerationRun.objects.exists()


def test_a_run_start_without_an_area_is_400(world):
    response = world.client("inspector_a").post(reverse("generation-run-list"), {}, format="json")
    assert response.status_code == 400
    assert "area" in response.json()


def test_runs_list_only_the_callers_areas(world):
    GenerationRun.objects.create(area=world.area_a, trigger="nightly")
    GenerationRun.objects.create(area=world.area_b, trigger="nightly")
    areas = [row["area"] for row in world.client("inspector_b").get(reverse("generation-run-list")).json()["results"]]
    assert areas == ["area-b"]


def test_how_a_patrol_was_made_is_shown_to_inspectors_only(rota):
    patrol = Patrol.objects.filter(area=rota.area_a, kind=PatrolKind.JOINT).order_by("pk").first()
    url = reverse("patrol-detail", args=[patrol.pk])
    inspector = rota.client("inspector_a").get(url).json()
    assert {"rule", "pinned", "version"} <= set(inspector)
    for persona in ("officer", "coordinator"):
        assert not {"rule", "pinned", "version"} & set(rota.client(persona).get(url).json())
