"""Who was shown future patrol times: the rota, My day, the joint pages and the patrols API each
record one row per user, area, route and UTC hour (audit.PatrolViewRecord), in one statement."""

from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from audit.models import PatrolViewRecord
from patrols.models import PatrolKind, SlotInvitation
from patrols.services import assignment_create, patrol_create_manual, slot_fill

from .conftest import NOW

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("stopped_clock")]

TOMORROW_9 = NOW.replace(hour=9) + timedelta(days=1)


def _patrol(site, starts_at=TOMORROW_9, **fields):
    return patrol_create_manual(
        site=site, starts_at=starts_at, ends_at=starts_at + timedelta(hours=1), by=None, **fields
    )


def _queries(client, url, params=None) -> list[str]:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url, params).status_code == 200
    return [query["sql"] for query in captured.captured_queries]


def _one_upsert_more(past: list[str], future: list[str]) -> bool:
    """The response of the future costs the queries of the past one and one upsert of the record."""
    table = PatrolViewRecord._meta.db_table
    extra = [sql for sql in future if table in sql]
    return len(future) == len(past) + 1 and len(extra) == 1 and extra[0].startswith(f'INSERT INTO "{table}"')


def _records():
    return list(
        PatrolViewRecord.objects.order_by("bucket_start", "channel", "area_id").values_list(
            "user__username", "area__slug", "channel", "bucket_start", "count"
        )
    )


def test_viewing_the_rota_records_one_view_of_its_area(world):
    _patrol(world.objects["site_a"])
    response = world.client("inspector_a").get(reverse("patrols:rota"))
    assert response.status_code == 200
    assert _records() == [("inspector_a", "area-a", "patrols:rota", NOW, 1)]


def test_ten_views_in_one_hour_count_on_one_row_and_a_new_hour_adds_a_row(world, stopped_clock):
    client = world.client("inspector_a")
    for minute in range(0, 50, 5):
        stopped_clock.move_to(NOW + timedelta(minutes=minute))
        client.get(reverse("patrols:rota"))
    assert _records() == [("inspector_a", "area-a", "patrols:rota", NOW, 10)]
    record = PatrolViewRecord.objects.get()
    assert (record.first_seen, record.last_seen) == (NOW, NOW + timedelta(minutes=45))

    stopped_clock.move_to(NOW + timedelta(hours=1, minutes=2))
    client.get(reverse("patrols:rota"))
    assert _records() == [
        ("inspector_a", "area-a", "patrols:rota", NOW, 10),
        ("inspector_a", "area-a", "patrols:rota", NOW + timedelta(hours=1), 1),
    ]


def test_a_rota_window_wholly_in_the_past_records_nothing_and_recording_costs_one_query(world):
    client = world.client("inspector_a")
    client.get(reverse("patrols:rota"), {"start": "2025-12-01"})  # warm the session
    past = _queries(client, reverse("patrols:rota"), {"start": "2025-12-01"})
    assert _records() == []
    future = _queries(client, reverse("patrols:rota"), {"start": "2026-01-05"})
    assert _one_upsert_more(past, future), future
    assert _records() == [("inspector_a", "area-a", "patrols:rota", NOW, 1)]


def test_my_day_records_the_areas_of_the_officers_patrols_to_come(world, stopped_clock):
    client = world.client("officer")
    client.get(reverse("patrols:my_day"))
    assert _records() == []  # nothing on: no patrol time was shown

    patrol = _patrol(world.objects["site_a"], starts_at=NOW + timedelta(hours=3))
    assignment_create(patrol=patrol, officer=world.users["officer"].officer, by=None)
    client.get(reverse("patrols:my_day"))
    assert _records() == [("officer", "area-a", "patrols:my_day", NOW, 1)]

    stopped_clock.move_to(NOW + timedelta(hours=5))  # the patrol is over: My day still lists it
    response = client.get(reverse("patrols:my_day"))
    assert response.content.decode().count("patrol-card") == 1
    assert len(_records()) == 1


def test_the_joint_patrols_pages_record_views(world):
    joint = _patrol(world.objects["site_a"], kind=PatrolKind.JOINT, volunteers_required=1)
    client = world.client("coordinator")
    client.get(reverse("patrols:joint"))
    client.get(reverse("patrols:joint_patrol", args=[joint.pk]))
    assert _records() == [
        ("coordinator", "area-a", "patrols:joint", NOW, 1),
        ("coordinator", "area-a", "patrols:joint_patrol", NOW, 1),
    ]


def test_the_patrols_api_list_and_detail_record_views(world):
    patrol = _patrol(world.objects["site_a"])
    client = world.client("inspector_a")
    assert len(client.get(reverse("patrol-list")).json()["results"]) == 1
    client.get(reverse("patrol-detail", args=[patrol.pk]))
    assert _records() == [
        ("inspector_a", "area-a", "api:patrol-detail", NOW, 1),
        ("inspector_a", "area-a", "api:patrol-list", NOW, 1),
    ]


def test_a_patrol_outside_the_callers_scope_is_404_and_records_nothing(world):
    patrol = _patrol(world.objects["site_a"])
    assert world.client("inspector_b").get(reverse("patrol-detail", args=[patrol.pk])).status_code == 404
    assert _records() == []


def test_the_api_records_each_area_shown_in_one_query_and_nothing_for_the_past(world, stopped_clock):
    stopped_clock.move_to(NOW - timedelta(days=10))
    _patrol(world.objects["site_a"], starts_at=NOW - timedelta(days=5))
    _patrol(world.objects["site_b"], starts_at=NOW - timedelta(days=5))
    stopped_clock.move_to(NOW)
    _patrol(world.objects["site_a"])
    _patrol(world.objects["site_b"])
    client = world.client("admin")
    client.get(reverse("patrol-list"), {"end": "2026-01-01"})  # warm the session
    past = _queries(client, reverse("patrol-list"), {"end": "2026-01-01"})
    assert _records() == []
    future = _queries(client, reverse("patrol-list"), {"start": "2026-01-01"})
    assert _one_upsert_more(past, future), future
    assert _records() == [
        ("admin", "area-a", "api:patrol-list", NOW, 1),
        ("admin", "area-b", "api:patrol-list", NOW, 1),
    ]


def test_the_slots_api_and_the_runs_page_show_no_patrol_times_and_record_nothing(world):
    joint = _patrol(world.objects["site_a"], kind=PatrolKind.JOINT, volunteers_required=1)
    assert "starts_at" not in world.client("coordinator").get(reverse("slot-list")).json()["results"][0]
    assert world.client("coordinator").get(reverse("slot-detail", args=[joint.slots.get().pk])).status_code == 200
    assert world.client("inspector_a").get(reverse("patrols:runs")).status_code == 200
    assert _records() == []


def test_the_bucket_is_the_utc_hour_in_summer_too(world, stopped_clock):
    summer = datetime(2026, 7, 1, 22, 40, tzinfo=UTC)  # 23:40 in London (BST)
    stopped_clock.move_to(summer)
    world.client("inspector_a").get(reverse("patrols:rota"))
    assert _records() == [("inspector_a", "area-a", "patrols:rota", datetime(2026, 7, 1, 22, 0, tzinfo=UTC), 1)]


def test_the_admin_pages_that_show_patrol_times_record_views_too(world, stopped_clock):
    stopped_clock.move_to(NOW - timedelta(days=10))
    old = _patrol(world.objects["site_b"], starts_at=NOW - timedelta(days=5))
    stopped_clock.move_to(NOW)
    patrol = _patrol(world.objects["site_a"])
    assignment_create(patrol=patrol, officer=world.users["officer"].officer, by=None)
    client = world.client("admin")
    assert client.get(reverse("admin:patrols_patrol_changelist")).status_code == 200
    assert client.get(reverse("admin:patrols_patrol_change", args=[patrol.pk])).status_code == 200
    assert client.get(reverse("admin:patrols_patrol_change", args=[old.pk])).status_code == 200  # the past
    assert client.get(reverse("admin:patrols_assignment_changelist")).status_code == 200
    assert _records() == [
        ("admin", "area-a", "admin:patrols_assignment_changelist", NOW, 1),
        ("admin", "area-a", "admin:patrols_patrol_change", NOW, 1),
        ("admin", "area-a", "admin:patrols_patrol_changelist", NOW, 1),
    ]


def test_the_admin_pages_of_volunteers_links_record_views(world, stopped_clock):
    # A link names its patrol's start (expires_at, starts_at): seeing it is seeing the patrol's time.
    stopped_clock.move_to(NOW - timedelta(days=10))
    old = _patrol(
        world.objects["site_a"], starts_at=NOW - timedelta(days=5), kind=PatrolKind.JOINT, volunteers_required=1
    )
    slot_fill(slot=old.slots.get(), volunteer=world.objects["volunteer_a"], by=None)
    stopped_clock.move_to(NOW)
    client = world.client("admin")
    assert client.get(reverse("admin:patrols_slotinvitation_changelist")).status_code == 200  # the past only
    assert _records() == []
    patrol = _patrol(world.objects["site_a"], kind=PatrolKind.JOINT, volunteers_required=1)
    slot_fill(slot=patrol.slots.get(), volunteer=world.objects["volunteer_a"], by=None)
    invitation = SlotInvitation.objects.get(slot__patrol=patrol)
    assert client.get(reverse("admin:patrols_slotinvitation_changelist")).status_code == 200
    assert client.get(reverse("admin:patrols_slotinvitation_change", args=[invitation.pk])).status_code == 200
    assert _records() == [
        ("admin", "area-a", "admin:patrols_slotinvitation_change", NOW, 1),
        ("admin", "area-a", "admin:patrols_slotinvitation_changelist", NOW, 1),
    ]
