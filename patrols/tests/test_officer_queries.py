"""An officer's My day and their GET /api/v1/patrols/ issue a fixed number of queries whatever
the size of the patrols table: the same for 20 patrols in the area as for 2,000 (issue 10,
point 9). The rows are written in bulk (test data, not behaviour under test)."""

from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from conftest import make_volunteer
from patrols.models import Assignment, Patrol, PatrolKind, PatrolStatus, SlotStatus, VolunteerSlot
from patrols.my_day import rota_changed

from .conftest import NOW, make_sites

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]


def _fill(world, count: int, *, first: int = 0, days_back: int = 0) -> None:
    """`count` patrols in area A from `days_back` days and 12 hours ago onwards (so today and
    tomorrow have some), one an hour and a half over ten sites;
    every third joint with a confirmed CST partner and an open place; one in seven cancelled;
    the officer on every fourth one (none overlapping)."""
    if "speed_sites" not in world.objects:
        world.objects["speed_sites"] = make_sites(world.area_a, 10, prefix="Speed")
        world.objects["speed_volunteer"] = make_volunteer(world.area_a, "SP-01", name="Sam Partner")
    sites, volunteer = world.objects["speed_sites"], world.objects["speed_volunteer"]
    start0 = NOW - timedelta(days=days_back, hours=12)
    patrols = Patrol.objects.bulk_create(
        [
            Patrol(
                area=world.area_a,
                site=sites[number % len(sites)],
                kind=PatrolKind.JOINT if number % 3 == 0 else PatrolKind.POLICE,
                starts_at=start0 + timedelta(minutes=90 * number),
                ends_at=start0 + timedelta(minutes=90 * number + 60),
                volunteers_required=2 if number % 3 == 0 else 0,
                status=PatrolStatus.CANCELLED if number % 7 == 3 else PatrolStatus.SCHEDULED,
                label=f"Speed {number}",
            )
            for number in range(first, first + count)
        ]
    )
    officer = world.users["officer"].officer
    Assignment.objects.bulk_create(
        [Assignment(patrol=patrol, officer=officer) for number, patrol in enumerate(patrols, first) if number % 4 == 0]
    )
    slots = []
    for patrol in patrols:
        if patrol.kind == PatrolKind.JOINT:
            slots.append(VolunteerSlot(patrol=patrol, volunteer=volunteer, status=SlotStatus.CONFIRMED))
            slots.append(VolunteerSlot(patrol=patrol, status=SlotStatus.OPEN))
    VolunteerSlot.objects.bulk_create(slots)


def _queries(client, url: str) -> tuple[list[str], str]:
    client.get(url)  # the session and user are loaded the same way every time
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return [query["sql"] for query in captured.captured_queries], response.content.decode()


# Built: the session, the user with their roles and officer profile (one query,
# sites.auth.ShomerBackend), the assignments, the CST partners of the joint ones, the other
# officers, the officer's visits on those whose check-in has opened, absences, the view record.
MY_DAY_QUERIES = 8
# Kept (patrols/my_day.py): the session, the user, the view record.
MY_DAY_KEPT_QUERIES = 3
# session, user with roles, the page of patrols (counts as correlated subqueries), the view record
PATROL_LIST_QUERIES = 4


@override_settings(MY_DAY_SNAPSHOTS=False)
def test_my_day_takes_the_same_queries_for_20_or_2000_patrols_in_the_area(world):
    client, url = world.client("officer"), reverse("patrols:my_day")
    _fill(world, 20)
    small, small_page = _queries(client, url)
    _fill(world, 1980, first=20, days_back=100)
    assert Patrol.objects.filter(area=world.area_a).count() == 2000
    large, large_page = _queries(client, url)
    assert len(small) == len(large) == MY_DAY_QUERIES, "\n".join(large)
    assert 0 < small_page.count("patrol-card") < large_page.count("patrol-card")
    assert "Sam Partner" in large_page


def test_a_kept_my_day_takes_the_same_three_queries_for_20_or_2000_patrols(world):
    client, url = world.client("officer"), reverse("patrols:my_day")
    _fill(world, 20)
    small, small_page = _queries(client, url)
    # The rows are bulk-written test data (no signals): say the area changed, as services do.
    _fill(world, 1980, first=20, days_back=100)
    rota_changed(area_ids=[world.area_a.pk])
    large, large_page = _queries(client, url)
    assert len(small) == len(large) == MY_DAY_KEPT_QUERIES, "\n".join(large)
    assert 0 < small_page.count("patrol-card") < large_page.count("patrol-card")


def test_the_officers_patrol_list_takes_the_same_queries_for_20_or_2000_patrols(world):
    # What the officer's phone asks: their patrols from today on (so each page lies ahead).
    client, url = world.client("officer"), reverse("patrol-list") + "?start=2026-01-05"
    _fill(world, 20)
    small, _ = _queries(client, url)
    _fill(world, 1980, first=20, days_back=100)
    large, body = _queries(client, url)
    assert len(small) == len(large) == PATROL_LIST_QUERIES, "\n".join(large)
    assert body.count('"id"') >= 50  # a full page of the officer's own patrols


def test_the_officers_patrol_list_shows_only_their_own_in_start_order(world):
    _fill(world, 40)
    data = world.client("officer").get(reverse("patrol-list")).json()
    ids = [row["id"] for row in data["results"]]
    mine = list(
        Assignment.objects.filter(officer__user=world.users["officer"])
        .order_by("patrol__starts_at", "patrol_id")
        .values_list("patrol_id", flat=True)
    )
    assert ids == mine
    assert datetime.fromisoformat(data["results"][0]["starts_at"]) < datetime(2026, 1, 1, tzinfo=UTC) + timedelta(
        days=5
    )
