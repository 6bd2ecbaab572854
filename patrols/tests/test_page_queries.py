"""The coordinator's joint patrols page and the inspector's runs page cost the same number of
queries for 3 rows as for 30: what each row shows is loaded with the page, not row by row."""

from datetime import UTC, datetime, timedelta

import pytest
from django.urls import reverse

from conftest import make_site, make_user, make_volunteer
from patrols.models import GenerationRun, PatrolKind, RunStatus, RunTrigger
from patrols.services import patrol_create_manual, slot_confirm, slot_fill
from sites.models import Role

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]

TOMORROW_9 = datetime(2026, 1, 6, 9, 0, tzinfo=UTC)


def _add_joint_patrols(world, first: int, last: int) -> None:
    """Joint patrols numbered [first, last), each at its own site, every third with a place asked
    of a volunteer of its own and confirmed."""
    coordinator = world.users["coordinator"]
    for number in range(first, last):
        starts = TOMORROW_9 + timedelta(hours=number * 3)
        patrol = patrol_create_manual(
            site=make_site(world.area_a, name=f"Site {number:02d}"),
            starts_at=starts,
            ends_at=starts + timedelta(hours=2),
            by=None,
            kind=PatrolKind.JOINT,
            volunteers_required=2,
            label=f"Patrol {number:02d}",
        )
        if number % 3 == 0:
            slot = patrol.slots.order_by("id").first()
            volunteer = make_volunteer(world.area_a, f"HQ-{number:02d}", name=f"Volunteer {number}")
            slot_fill(slot=slot, volunteer=volunteer, by=coordinator)
            slot_confirm(slot=slot, by=coordinator)


def test_the_joint_patrols_page_takes_the_same_queries_for_3_or_30_patrols(world, django_assert_num_queries):
    client, url = world.client("coordinator"), reverse("patrols:joint")
    _add_joint_patrols(world, 0, 3)
    client.get(url)  # warm the session
    # session, user, memberships, count, patrols (with site, area and their places' counts), and
    # the record that the coordinator was shown future patrol times (audit)
    with django_assert_num_queries(5):
        small = client.get(url).content.decode()
    _add_joint_patrols(world, 3, 30)
    with django_assert_num_queries(5):
        large = client.get(url).content.decode()
    assert small.count("of 2 confirmed") == 3 and large.count("of 2 confirmed") == 30
    assert large.count("1 of 2 confirmed") == 10 and "Site 29" in large


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
