"""The API's lists of rows that grow with time (patrols, CST places, runs) cost the same however
many rows there are: a fixed number of queries, no count of the scope, no grouping of it, and
keyset pages that walk the whole list without repeating or skipping a row."""

import base64
import json
from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from conftest import make_site
from patrols.models import GenerationRun, Patrol, PatrolKind, RunTrigger
from patrols.services import assignment_create, patrol_create_manual, slot_confirm, slot_fill

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]

TOMORROW = datetime(2026, 1, 6, 0, 0, tzinfo=UTC)


def _add_patrols(world, count: int, *, first: int = 0) -> list[Patrol]:
    """`count` patrols at Area A's site, 30 minutes each, every other one joint with two places;
    the officer on every fifth one."""
    site, officer = world.objects["site_a"], world.users["officer"].officer
    patrols = []
    for number in range(first, first + count):
        start = TOMORROW + timedelta(hours=number)
        joint = number % 2 == 0
        patrol = patrol_create_manual(
            site=site,
            starts_at=start,
            ends_at=start + timedelta(minutes=30),
            by=None,
            kind=PatrolKind.JOINT if joint else PatrolKind.POLICE,
            volunteers_required=2 if joint else 0,
        )
        if number % 5 == 0:
            # Four and a half hours apart: short rests, which the test data overrides.
            assignment_create(patrol=patrol, officer=officer, by=None, override_reason="test data")
        patrols.append(patrol)
    return patrols


def _list_queries(client, url: str) -> list[str]:
    client.get(url)  # the session and user are loaded the same way every time; warm nothing else
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return [query["sql"] for query in captured.captured_queries]


def _assert_no_scope_wide_counting(queries: list[str]) -> None:
    for sql in queries:
        upper = sql.upper()
        assert "COUNT(DISTINCT" not in upper, sql
        assert "GROUP BY" not in upper, sql
        assert not upper.startswith("SELECT COUNT("), f"a count of the whole scope: {sql}"


@pytest.mark.parametrize("persona", ["admin", "inspector_a", "coordinator", "officer"])
def test_the_patrol_list_issues_the_same_queries_for_20_and_200_patrols_and_never_groups_the_scope(world, persona):
    client = world.client(persona)
    url = reverse("patrol-list")
    _add_patrols(world, 20)
    small = _list_queries(client, url)
    _add_patrols(world, 180, first=20)
    large = _list_queries(client, url)
    assert len(small) == len(large), "\n".join(large)
    for queries in (small, large):
        _assert_no_scope_wide_counting(queries)
        page = [sql for sql in queries if "patrols_patrol" in sql]
        assert len(page) == 1 and "LIMIT 51" in page[0].upper(), page


def test_the_slot_and_run_lists_issue_the_same_queries_for_few_and_many_rows(world):
    client = world.client("admin")
    _add_patrols(world, 10)
    for _ in range(5):
        GenerationRun.objects.create(area=world.area_a, trigger=RunTrigger.NIGHTLY)
    slots, runs = _list_queries(client, reverse("slot-list")), _list_queries(client, reverse("generation-run-list"))
    _add_patrols(world, 90, first=10)
    for _ in range(95):
        GenerationRun.objects.create(area=world.area_a, trigger=RunTrigger.NIGHTLY)
    assert len(_list_queries(client, reverse("slot-list"))) == len(slots)
    assert len(_list_queries(client, reverse("generation-run-list"))) == len(runs)
    _assert_no_scope_wide_counting(slots + runs)


def test_each_patrol_counts_its_own_officers_and_confirmed_places(world):
    first, second = _add_patrols(world, 2)  # first: joint, the officer on it
    slot = first.slots.order_by("id").first()
    coordinator = world.users["coordinator"]
    slot_fill(slot=slot, volunteer=world.objects["volunteer_a"], by=coordinator)
    slot_confirm(slot=slot, by=coordinator)
    rows = {row["id"]: row for row in world.client("inspector_a").get(reverse("patrol-list")).json()["results"]}
    assert (rows[first.pk]["officers_assigned"], rows[first.pk]["slots_confirmed"]) == (1, 1)
    assert (rows[second.pk]["officers_assigned"], rows[second.pk]["slots_confirmed"]) == (0, 0)


def _walk(client, url, params, *, direction="next"):
    """Every page from `url`, following `direction` links; the rows' ids page by page."""
    pages, response = [], client.get(url, params)
    while True:
        assert response.status_code == 200, response.content
        body = response.json()
        assert "count" not in body
        pages.append([row["id"] for row in body["results"]])
        if body[direction] is None:
            return pages, body
        response = client.get(body[direction])


def test_keyset_pages_walk_every_patrol_once_in_start_order_through_patrols_at_the_same_time(world):
    # Twelve sites patrolled at the same instant (ties on starts_at), around patrols at other times.
    _add_patrols(world, 6)
    for number in range(12):
        patrol_create_manual(
            site=make_site(world.area_a, name=f"Same time {number:02d}"),
            starts_at=TOMORROW + timedelta(hours=2, minutes=15),
            ends_at=TOMORROW + timedelta(hours=3),
            by=None,
        )
    expected = list(Patrol.objects.order_by("starts_at", "id").values_list("id", flat=True))
    client = world.client("inspector_a")
    forward, last = _walk(client, reverse("patrol-list"), {"page_size": 5})
    assert [len(page) for page in forward] == [5, 5, 5, 3]
    assert [pk for page in forward for pk in page] == expected
    # And back again from the last page by the previous links, page by page.
    backward, first = _walk(client, last["previous"], {}, direction="previous")
    assert backward == list(reversed(forward[:-1]))
    assert first["next"] is not None


def test_the_next_link_keeps_the_filters(world):
    _add_patrols(world, 12)
    pages, _ = _walk(world.client("admin"), reverse("patrol-list"), {"kind": "joint", "page_size": 4})
    joint = list(Patrol.objects.filter(kind=PatrolKind.JOINT).order_by("starts_at", "id").values_list("id", flat=True))
    assert [pk for page in pages for pk in page] == joint and len(pages) == 2


def test_slots_page_in_their_patrols_start_order_and_runs_newest_first(world):
    _add_patrols(world, 6)  # three joint patrols, two places each
    client = world.client("admin")
    slots, _ = _walk(client, reverse("slot-list"), {"page_size": 4})
    assert [pk for page in slots for pk in page] == list(
        Patrol.objects.order_by()
        .filter(kind=PatrolKind.JOINT)
        .order_by("starts_at", "id", "slots__id")
        .values_list("slots__id", flat=True)
    )
    for _ in range(5):
        GenerationRun.objects.create(area=world.area_a, trigger=RunTrigger.NIGHTLY)
    runs, _ = _walk(client, reverse("generation-run-list"), {"page_size": 2})
    assert [pk for page in runs for pk in page] == sorted(GenerationRun.objects.values_list("id", flat=True))[::-1]


def _cursor(payload) -> str:
    return base64.urlsafe_b64encode(json.dumps(payload).encode()).decode().rstrip("=")


@pytest.mark.parametrize(
    "params",
    [
        {"cursor": "not a cursor"},
        {"cursor": _cursor({"p": ["2026-01-06T00:00:00+00:00"], "r": 0})},  # one value short
        {"cursor": _cursor({"p": ["2026-01-06T00:00:00", 1], "r": 0})},  # naive date-time
        {"cursor": _cursor({"p": ["0001-01-01T00:00:00+05:00", 1], "r": 0})},  # before year 1 in UTC
        {"cursor": _cursor({"p": ["2026-01-06T00:00:00+00:00", "x"], "r": 0})},
        {"cursor": _cursor({"p": ["2026-01-06T00:00:00+00:00", 1], "r": 7})},
        {"cursor": _cursor([1, 2])},
        {"cursor": "A" * 600},
    ],
)
def test_a_cursor_not_from_the_list_is_a_400_naming_cursor(world, params):
    _add_patrols(world, 3)
    response = world.client("admin").get(reverse("patrol-list"), params)
    assert response.status_code == 400 and list(response.json()) == ["cursor"], response.content


@pytest.mark.parametrize("huge", [10**30, -(10**30), 2**63])
def test_a_slots_cursor_with_a_patrol_id_past_the_column_is_a_400(world, huge):
    _add_patrols(world, 3)
    cursor = _cursor({"p": ["2030-01-01T00:00:00+00:00", huge, 1], "r": 0})
    response = world.client("admin").get(reverse("slot-list"), {"cursor": cursor})
    assert response.status_code == 400 and list(response.json()) == ["cursor"], response.content


@pytest.mark.parametrize("size", ["0", "201", "ten", "-5"])
def test_a_page_size_out_of_range_is_a_400_naming_page_size(world, size):
    response = world.client("admin").get(reverse("patrol-list"), {"page_size": size})
    assert response.status_code == 400 and list(response.json()) == ["page_size"]


def test_the_schema_documents_the_cursor_and_the_pages_without_a_count(world):
    schema = world.client("admin").get(reverse("api-schema"), {"format": "json"}).json()
    for path in ("/api/v1/patrols/", "/api/v1/slots/", "/api/v1/runs/"):
        operation = schema["paths"][path]["get"]
        assert {"cursor", "page_size"} <= {parameter["name"] for parameter in operation["parameters"]}
        page = schema["components"]["schemas"][
            operation["responses"]["200"]["content"]["application/json"]["schema"]["$ref"].rpartition("/")[2]
        ]
        assert set(page["properties"]) == {"next", "previous", "results"}, path


@pytest.mark.skipif(connection.vendor != "postgresql", reason="a PostgreSQL plan")
def test_postgresql_plans_the_patrol_page_without_aggregating_the_scope(world):
    """The plan's top is the LIMIT, and every aggregate in it is a per-row subplan (the counts of
    one patrol's officers and places), never a grouping of the visible patrols."""
    _add_patrols(world, 40)
    [sql] = [sql for sql in _list_queries(world.client("admin"), reverse("patrol-list")) if "patrols_patrol" in sql]
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (FORMAT JSON) " + sql)
        plan = cursor.fetchone()[0]
    plan = json.loads(plan) if isinstance(plan, str) else plan
    top = plan[0]["Plan"]
    assert top["Node Type"] == "Limit"

    def outside_subplans(node):
        yield node
        for child in node.get("Plans", []):
            if child.get("Parent Relationship") != "SubPlan":
                yield from outside_subplans(child)

    assert all(node["Node Type"] != "Aggregate" for node in outside_subplans(top)), json.dumps(plan, indent=1)
