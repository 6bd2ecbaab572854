"""The coordinator's planner and the inspector's runs page cost the same number of queries for 3
rows as for 30 (and the planner for a week as for four months): what each row shows is loaded
with the page, not row by row."""

from datetime import UTC, datetime, timedelta

import pytest
from django.urls import reverse

from conftest import make_site, make_user, make_volunteer
from patrols.models import GenerationRun, PatrolKind, RunStatus, RunTrigger
from patrols.services import assignment_create, patrol_create_manual, patrol_set_briefing, slot_confirm, slot_fill
from sites.models import Role

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]

SATURDAY_9 = datetime(2026, 1, 10, 9, 0, tzinfo=UTC)


def _add_joint_patrols(world, first: int, last: int) -> None:
    """Joint patrols numbered [first, last), each at its own site, one a day on Saturday mornings
    from 10 Jan 2026 on (so a long range has many days), with an officer on each; every third with
    a place asked of a volunteer of its own and confirmed, and that volunteer its team leader."""
    coordinator = world.users["coordinator"]
    officer = world.users["officer"].officer
    for number in range(first, last):
        starts = SATURDAY_9 + timedelta(days=7 * (number // 2), hours=3 * (number % 2))
        patrol = patrol_create_manual(
            site=make_site(world.area_a, name=f"Site {number:02d}"),
            starts_at=starts,
            ends_at=starts + timedelta(hours=2),
            by=None,
            kind=PatrolKind.JOINT,
            volunteers_required=2,
            label=f"Patrol {number:02d}",
        )
        assignment_create(patrol=patrol, officer=officer, by=None)
        if number % 3 == 0:
            slot = patrol.slots.order_by("id").first()
            volunteer = make_volunteer(world.area_a, f"HQ-{number:02d}", name=f"Volunteer {number}")
            slot_fill(slot=slot, volunteer=volunteer, by=coordinator)
            slot_confirm(slot=slot, by=coordinator)
            patrol_set_briefing(
                patrol=patrol,
                by=coordinator,
                briefing_point="Front gate",
                briefing_at=starts - timedelta(minutes=15),
                cst_team_leader=volunteer,
                expected_version=None,
            )


def test_the_planner_takes_the_same_queries_for_a_week_of_3_patrols_or_months_of_30(
    world, frozen, django_assert_num_queries
):
    frozen.move_to(datetime(2026, 1, 8, 10, 0, tzinfo=UTC))  # Thursday: Wednesday's lead has passed
    client, url = world.client("coordinator"), reverse("patrols:joint")
    _add_joint_patrols(world, 0, 3)
    client.get(url)  # warm the session
    # session, user with memberships, areas, the patrols (with site, area and team leader: the site
    # filter's too), their places, their officers, how far generated, the banner's open places,
    # and the record that the coordinator was shown future patrol times (audit)
    with django_assert_num_queries(9):
        small = client.get(url, {"start": "2026-01-08", "end": "2026-01-14"}).content.decode()
    _add_joint_patrols(world, 3, 30)
    with django_assert_num_queries(9):
        large = client.get(url, {"start": "2026-01-08", "end": "2026-05-07"}).content.decode()
    assert "CST places still open for Shabbat 10 January" in small
    assert small.count('class="card planner-patrol') == 2 and large.count('class="card planner-patrol') == 30
    assert large.count("1 of 2 confirmed") == 10 and "Site 29" in large and "Front gate, 08:45" in large
    assert large.count("<h2 id=") == 15


def _add_runs(world, count: int) -> None:
    """`count` finished runs of area A, each requested by an inspector of its own, every other
    one failed with its error."""
    for _ in range(count):
        number = GenerationRun.objects.count()
        by = make_user(f"sergeant{number:02d}", role=Role.INSPECTOR, area=world.area_a)
        failed = number % 2
        GenerationRun.objects.create(
            area=world.area_a,
            trigger=RunTrigger.MANUAL,
            requested_by=by,
            status=RunStatus.FAILED if failed else RunStatus.SUCCEEDED,
            error=f"Run {number:02d} broke" if failed else "",
        )


def test_the_runs_page_takes_the_same_queries_for_3_or_30_runs(world, django_assert_num_queries):
    client, url = world.client("inspector_a"), reverse("patrols:runs")
    _add_runs(world, 3)
    client.get(url)  # warm the session
    # session, user, memberships, running runs to check, count, runs (with area and who asked), areas
    with django_assert_num_queries(6):
        small = client.get(url).content.decode()
    _add_runs(world, 22)  # 25 runs: one full page
    with django_assert_num_queries(6):
        large = client.get(url).content.decode()
    assert small.count(" by sergeant") == 3 and large.count(" by sergeant") == 25
    assert "Run 01 broke" in small and "Run 23 broke" in large
