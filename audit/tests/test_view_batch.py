"""Batching of repeated view records (AUDIT_VIEW_BATCH_SECONDS): the first view of a user, area,
channel and hour is on record at once; repeats are added to its count later, by one write."""

from datetime import timedelta

import pytest
from django.db import transaction
from django.test import override_settings

from audit import services
from audit.models import PatrolViewRecord
from audit.services import patrol_view_record, patrol_view_records_flush

from .conftest import NOW

HOUR = NOW.replace(minute=0)

# Outside any transaction of the test's own: the batching applies only there.
pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("stopped_clock"),
]


@pytest.fixture
def monotonic(monkeypatch):
    """The batch's own clock (time.monotonic), moved by hand: `clock[0] += 61`."""
    clock = [1000.0]
    monkeypatch.setattr(services.time, "monotonic", lambda: clock[0])
    services._batch.forget()
    yield clock
    services._batch.forget()


def _rows():
    return list(
        PatrolViewRecord.objects.order_by("area__slug", "bucket_start").values_list(
            "area__slug", "bucket_start", "count", "first_seen", "last_seen"
        )
    )


@override_settings(AUDIT_VIEW_BATCH_SECONDS=60)
def test_the_first_view_is_written_at_once_and_repeats_are_added_by_one_write_later(
    world, monotonic, django_assert_num_queries
):
    user_id, area = world.users["officer"].pk, world.area_a
    with django_assert_num_queries(1):
        patrol_view_record(user_id=user_id, area_ids=[area.pk], channel="patrols:my_day", now=NOW)
    assert _rows() == [("area-a", HOUR, 1, NOW, NOW)]

    for minute in (1, 2, 3):  # repeats within the minute: nothing written
        monotonic[0] += 10
        with django_assert_num_queries(0):
            patrol_view_record(
                user_id=user_id, area_ids=[area.pk], channel="patrols:my_day", now=NOW + timedelta(minutes=minute)
            )
    assert _rows() == [("area-a", HOUR, 1, NOW, NOW)]

    monotonic[0] += 50  # the oldest repeat (kept 10 s in) has waited 70 seconds: this view writes them all
    with django_assert_num_queries(1):
        patrol_view_record(
            user_id=user_id, area_ids=[area.pk], channel="patrols:my_day", now=NOW + timedelta(minutes=4)
        )
    assert _rows() == [("area-a", HOUR, 5, NOW, NOW + timedelta(minutes=4))]


@override_settings(AUDIT_VIEW_BATCH_SECONDS=60)
def test_a_new_hour_area_or_channel_is_written_at_once_with_the_repeats_kept_so_far(
    world, monotonic, django_assert_num_queries
):
    user_id = world.users["officer"].pk
    patrol_view_record(user_id=user_id, area_ids=[world.area_a.pk], channel="patrols:my_day", now=NOW)
    patrol_view_record(
        user_id=user_id, area_ids=[world.area_a.pk], channel="patrols:my_day", now=NOW + timedelta(minutes=5)
    )
    later = NOW + timedelta(minutes=50)  # 08:10, the next hour
    with django_assert_num_queries(1):  # the first view of the next hour, and the repeat kept
        patrol_view_record(
            user_id=user_id, area_ids=[world.area_a.pk, world.area_b.pk], channel="patrols:my_day", now=later
        )
    assert _rows() == [
        ("area-a", HOUR, 2, NOW, NOW + timedelta(minutes=5)),
        ("area-a", HOUR + timedelta(hours=1), 1, later, later),
        ("area-b", HOUR + timedelta(hours=1), 1, later, later),
    ]
    with django_assert_num_queries(1):  # another channel is another record
        patrol_view_record(user_id=user_id, area_ids=[world.area_a.pk], channel="api:patrol-list", now=later)
    assert PatrolViewRecord.objects.filter(channel="api:patrol-list").count() == 1


@override_settings(AUDIT_VIEW_BATCH_SECONDS=60)
def test_the_flush_at_exit_adds_the_repeats_kept(world, monotonic):
    user_id = world.users["officer"].pk
    for minute in range(3):
        patrol_view_record(
            user_id=user_id, area_ids=[world.area_a.pk], channel="patrols:my_day", now=NOW + timedelta(minutes=minute)
        )
    assert _rows()[0][2] == 1
    assert patrol_view_records_flush() == 1
    assert _rows() == [("area-a", HOUR, 3, NOW, NOW + timedelta(minutes=2))]
    assert patrol_view_records_flush() == 0  # nothing kept twice


@override_settings(AUDIT_VIEW_BATCH_SECONDS=60)
def test_a_view_inside_a_transaction_is_written_in_it_never_kept(world, monotonic, django_assert_num_queries):
    user_id = world.users["officer"].pk
    patrol_view_record(user_id=user_id, area_ids=[world.area_a.pk], channel="patrols:my_day", now=NOW)
    with transaction.atomic(), django_assert_num_queries(1):
        patrol_view_record(
            user_id=user_id, area_ids=[world.area_a.pk], channel="patrols:my_day", now=NOW + timedelta(minutes=1)
        )
    assert _rows()[0][2] == 2
    assert patrol_view_records_flush() == 0
