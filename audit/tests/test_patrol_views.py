"""The audit record of who viewed future patrol times: the upsert, who may read it (page, API,
admin), that nobody can change or delete it, and the retention purge."""

import threading
from datetime import timedelta

import pytest
from django.db import connection, connections
from django.test import override_settings
from django.urls import reverse

from audit.models import PatrolViewRecord
from audit.services import patrol_view_record, patrol_view_records_purge
from audit.tasks import purge_patrol_view_records

from .conftest import NOW

HOUR = NOW.replace(minute=0)

pytestmark = pytest.mark.usefixtures("stopped_clock")


def _record(world, persona, area, channel="patrols:rota", now=NOW):
    patrol_view_record(user_id=world.users[persona].pk, area_ids=[area.pk], channel=channel, now=now)


# ---- the upsert ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_one_statement_records_every_area_once_and_a_repeat_adds_to_the_count(world, django_assert_num_queries):
    user = world.users["admin"]
    with django_assert_num_queries(1):
        assert (
            patrol_view_record(
                user_id=user.pk, area_ids=[world.area_a.pk, world.area_b.pk, world.area_a.pk], channel="api:patrol-list"
            )
            == 2
        )
    with django_assert_num_queries(1):
        patrol_view_record(
            user_id=user.pk, area_ids=[world.area_a.pk], channel="api:patrol-list", now=NOW + timedelta(minutes=30)
        )
    rows = PatrolViewRecord.objects.order_by("area__slug").values_list(
        "area__slug", "bucket_start", "count", "first_seen", "last_seen"
    )
    assert list(rows) == [
        ("area-a", HOUR, 2, NOW, NOW + timedelta(minutes=30)),
        ("area-b", HOUR, 1, NOW, NOW),
    ]
    with django_assert_num_queries(0):
        assert patrol_view_record(user_id=user.pk, area_ids=[], channel="api:patrol-list") == 0


@pytest.mark.skipif(connection.vendor != "postgresql", reason="two writers need PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_two_writers_of_one_hour_never_lose_a_view_or_make_two_rows(world):
    user_id, area_id = world.users["inspector_a"].pk, world.area_a.pk
    barrier = threading.Barrier(2)
    errors = []

    def write():
        try:
            barrier.wait()
            for _ in range(25):
                patrol_view_record(user_id=user_id, area_ids=[area_id], channel="patrols:rota", now=NOW)
        except Exception as error:  # reported below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=write) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert not errors
    assert list(PatrolViewRecord.objects.values_list("count", flat=True)) == [50]


# ---- reading: the area's inspectors and admins only ----------------------------------------------


@pytest.fixture
def records(world):
    _record(world, "officer", world.area_a, "patrols:my_day")
    _record(world, "coordinator", world.area_a, "patrols:joint", now=NOW - timedelta(days=3))
    _record(world, "inspector_b", world.area_b, "api:patrol-list")


@pytest.mark.django_db
def test_an_inspector_reads_the_records_of_their_area_and_never_another(world, records):
    data = world.client("inspector_a").get(reverse("patrol-view-record-list")).json()
    assert [(r["user"], r["area"], r["channel"], r["count"]) for r in data["results"]] == [
        ("officer", "area-a", "patrols:my_day", 1),
        ("coordinator", "area-a", "patrols:joint", 1),
    ]
    data = world.client("inspector_b").get(reverse("patrol-view-record-list")).json()
    assert [(r["user"], r["area"]) for r in data["results"]] == [("inspector_b", "area-b")]
    html = world.client("inspector_a").get(reverse("audit:patrol_views")).content.decode()
    assert "<code>patrols:my_day</code>" in html and "<code>patrols:joint</code>" in html
    assert "<code>api:patrol-list</code>" not in html
    outsider = world.client("inspector_b").get(reverse("patrol-view-record-list"), {"area": "area-a"})
    assert outsider.json()["results"] == []


@pytest.mark.django_db
def test_an_admin_reads_every_record(world, records):
    assert len(world.client("admin").get(reverse("patrol-view-record-list")).json()["results"]) == 3


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["officer", "coordinator"])
def test_officers_and_coordinators_cannot_read_the_record(world, records, persona):
    assert world.client(persona).get(reverse("audit:patrol_views")).status_code == 403
    assert world.client(persona).get(reverse("patrol-view-record-list")).status_code == 403


@pytest.mark.django_db
def test_the_record_filters_by_user_channel_and_dates(world, records):
    client = world.client("inspector_a")
    url = reverse("patrol-view-record-list")

    def users(**params):
        return [r["user"] for r in client.get(url, params).json()["results"]]

    assert users(user="OFFICER") == ["officer"]
    assert users(channel="patrols:joint") == ["coordinator"]
    assert users(start="2026-01-03", end="2026-01-04") == []
    assert users(start="2026-01-02", end="2026-01-02") == ["coordinator"]
    assert users(start="2026-01-05") == ["officer"]
    html = client.get(reverse("audit:patrol_views"), {"user": "coordinator"}).content.decode()
    assert "<code>patrols:joint</code>" in html and "<code>patrols:my_day</code>" not in html


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"start": "2026-13-01"}, "start"),
        ({"start": "2026-01-05", "end": "2026-01-01"}, "end"),
        ({"user": "a\x00b"}, "user"),
        ({"channel": "x" * 101}, "channel"),
    ],
)
def test_a_bad_filter_is_a_400_naming_the_field(world, params, field):
    response = world.client("inspector_a").get(reverse("patrol-view-record-list"), params)
    assert response.status_code == 400 and field in response.json()


@pytest.mark.parametrize("zone", ["Europe/London", "Asia/Jerusalem", "Pacific/Kiritimati"])
def test_the_first_and_last_days_are_whole_ranges_in_any_time_zone(world, records, settings, zone):
    settings.TIME_ZONE = zone  # east of UTC, the first day's midnight is before year 1 in UTC
    client = world.client("inspector_a")
    everything = len(client.get(reverse("patrol-view-record-list")).json()["results"])
    for params in ({"start": "0001-01-01"}, {"end": "9999-12-31"}, {"start": "0001-01-01", "end": "9999-12-31"}):
        response = client.get(reverse("patrol-view-record-list"), params)
        assert response.status_code == 200, (params, response.content)
        assert len(response.json()["results"]) == everything > 0


def _hours_of_records(world, first: int, last: int):
    for hour in range(first, last):
        _record(world, "officer", world.area_a, "patrols:my_day", now=NOW - timedelta(hours=hour))


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["inspector_a", "admin"])
def test_the_record_api_costs_the_same_for_3_or_300_hours_and_never_counts_them(world, persona):
    from django.db import connection as default
    from django.test.utils import CaptureQueriesContext

    client, url = world.client(persona), reverse("patrol-view-record-list")
    client.get(url)  # warm the session

    def queries():
        with CaptureQueriesContext(default) as captured:
            assert client.get(url).status_code == 200
        return [query["sql"].upper() for query in captured.captured_queries]

    _hours_of_records(world, 0, 3)
    small = queries()
    _hours_of_records(world, 3, 300)
    large = queries()
    assert len(small) == len(large)
    assert not any("COUNT(" in sql for sql in large), large
    body = client.get(url).json()
    assert set(body) == {"next", "previous", "results"} and len(body["results"]) == 50
    following = client.get(body["next"]).json()["results"]
    assert following[0]["bucket_start"] < body["results"][-1]["bucket_start"]


@pytest.mark.django_db
def test_the_record_page_shows_the_newest_rows_and_says_when_there_are_more(world, django_assert_num_queries):
    from audit.views import PAGE_ROWS

    client = world.client("inspector_a")
    _hours_of_records(world, 0, PAGE_ROWS)
    page = client.get(reverse("audit:patrol_views")).content.decode()
    assert "Showing the newest" not in page
    _hours_of_records(world, PAGE_ROWS, PAGE_ROWS + 5)
    with django_assert_num_queries(3):  # session, user with memberships, the newest rows (no count)
        page = client.get(reverse("audit:patrol_views")).content.decode()
    assert f"Showing the newest {PAGE_ROWS} records" in page
    assert page.count("patrols:my_day") >= PAGE_ROWS


# ---- append-only --------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_admin_shows_records_but_cannot_add_change_or_delete_them(world, records):
    client = world.client("admin")
    record = PatrolViewRecord.objects.get(channel="patrols:my_day")
    changelist = reverse("admin:audit_patrolviewrecord_changelist")
    page = client.get(changelist)
    assert page.status_code == 200 and "delete_selected" not in page.content.decode()
    assert client.get(reverse("admin:audit_patrolviewrecord_change", args=[record.pk])).status_code == 200
    assert (
        client.post(reverse("admin:audit_patrolviewrecord_delete", args=[record.pk]), {"post": "yes"}).status_code
        == 403
    )
    assert (
        client.post(
            changelist, {"action": "delete_selected", "_selected_action": [record.pk], "post": "yes"}
        ).status_code
        == 200
    )
    change = client.post(reverse("admin:audit_patrolviewrecord_change", args=[record.pk]), {"count": 0, "channel": "x"})
    assert change.status_code == 403
    assert client.get(reverse("admin:audit_patrolviewrecord_add")).status_code == 403
    record.refresh_from_db()
    assert (record.count, record.channel) == (1, "patrols:my_day")
    assert PatrolViewRecord.objects.count() == 3


@pytest.mark.django_db
def test_the_api_offers_no_way_to_write_or_delete(world, records):
    client = world.client("admin")
    record = PatrolViewRecord.objects.first()
    assert client.post(reverse("patrol-view-record-list"), {"channel": "x"}, format="json").status_code == 405
    assert client.delete(f"{reverse('patrol-view-record-list')}{record.pk}/").status_code == 404
    assert PatrolViewRecord.objects.count() == 3


# ---- retention ----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_purge_removes_only_records_older_than_the_retention(world):
    old = [timedelta(days=401), timedelta(days=400, hours=2)]  # their hours ended over 400 days ago
    kept = [timedelta(days=399, hours=23), timedelta(days=399), timedelta(0)]
    for age in old + kept:
        _record(world, "officer", world.area_a, now=NOW - age)
    assert patrol_view_records_purge(now=NOW, retention_days=400) == 2
    assert sorted(NOW - seen for seen in PatrolViewRecord.objects.values_list("last_seen", flat=True)) == sorted(kept)


@pytest.mark.django_db
def test_the_nightly_task_purges_by_the_retention_setting(world):
    _record(world, "officer", world.area_a, now=NOW - timedelta(days=40))
    _record(world, "officer", world.area_a, now=NOW - timedelta(days=20))
    with override_settings(AUDIT_RETENTION_DAYS=30):
        assert purge_patrol_view_records.apply().get() == 1  # in this process, broker or not
    assert PatrolViewRecord.objects.count() == 1


@pytest.mark.django_db
def test_the_purge_is_on_the_beat_schedule():
    from django_celery_beat.models import PeriodicTask

    entry = PeriodicTask.objects.get(task="audit.tasks.purge_patrol_view_records")
    assert entry.enabled and entry.crontab.hour == "3" and str(entry.crontab.timezone) == "Europe/London"


def test_a_retention_under_one_day_stops_start_up_naming_the_variable():
    from config.tests.test_settings import _settings_in_subprocess

    result = _settings_in_subprocess({"DEBUG": "1", "AUDIT_RETENTION_DAYS": "0"})
    assert result.returncode != 0 and "AUDIT_RETENTION_DAYS" in result.stderr
    result = _settings_in_subprocess(
        {"DEBUG": "1", "AUDIT_RETENTION_DAYS": "30"}, "import config.settings as s; print(s.AUDIT_RETENTION_DAYS)"
    )
    assert result.stdout.strip() == "30"
