"""The evening reminder: from 18:00 in the area's time, each officer with a duty tomorrow gets one
email listing tomorrow's patrols, once per officer and day however often the beat runs, unless
they turned it off."""

import threading
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.db import connection, connections
from django_celery_beat.models import PeriodicTask

from conftest import make_site, make_user
from notifications.models import Notification, NotificationKind
from notifications.services import notifications_send_due
from patrols.services import assignment_create, patrol_cancel, patrol_create_manual
from patrols.services.officer_notices import duty_reminders_queue
from patrols.tasks import send_duty_reminders
from sites.models import Role

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")
HOUR = timedelta(hours=1)
# Monday 5 January 2026 (GMT): the evening before Tuesday's duties.
MONDAY = datetime(2026, 1, 5, 12, 0, tzinfo=UTC)
MONDAY_EVENING = datetime(2026, 1, 5, 18, 0, tzinfo=UTC)
TUESDAY_9 = datetime(2026, 1, 6, 9, 0, tzinfo=UTC)


@pytest.fixture
def officer(world):
    user = world.users["officer"]
    user.email = "pc100@police.example"
    user.save()
    return user.officer


def on_patrol(officer, site, starts, hours=1):
    with time_machine.travel(MONDAY, tick=False):
        patrol = patrol_create_manual(site=site, starts_at=starts, ends_at=starts + hours * HOUR, by=None)
        assignment_create(patrol=patrol, officer=officer, by=None, notify=False, override_reason="Test")
    return patrol


def reminders():
    return list(Notification.objects.filter(kind=NotificationKind.DUTY_REMINDER).order_by("id"))


def test_the_reminder_goes_from_six_in_the_evening_once_listing_tomorrows_patrols(world, officer):
    site = world.objects["site_a"]
    late = on_patrol(officer, site, TUESDAY_9 + 5 * HOUR)
    early = on_patrol(officer, site, TUESDAY_9)
    on_patrol(officer, site, TUESDAY_9 + 24 * HOUR)  # Wednesday: not tomorrow yet
    assert duty_reminders_queue(now=MONDAY_EVENING - timedelta(minutes=1)) == 0
    assert duty_reminders_queue(now=MONDAY_EVENING) == 1
    for later in (15, 30, 5 * 60):  # the next beat runs, and a second worker, queue nothing more
        assert duty_reminders_queue(now=MONDAY_EVENING + timedelta(minutes=later)) == 0
    [reminder] = reminders()
    assert (reminder.to_user, reminder.about, reminder.event_key) == (
        officer.user,
        early,
        f"duty-reminder:{world.area_a.pk}:2026-01-06",
    )
    notifications_send_due()
    [message] = mail.outbox
    assert message.subject == "Shomer: your duty tomorrow, Tuesday 6 January 2026"
    assert (
        "Tomorrow you are on 2 patrols:\n- Tuesday 6 January 2026, 09:00–10:00\n- Tuesday 6 January 2026, 14:00–15:00"
        in (message.body)
    )
    assert late.site.name not in message.body  # the area keeps site names out of email


def test_tuesday_evening_reminds_of_wednesday(world, officer):
    on_patrol(officer, world.objects["site_a"], TUESDAY_9 + 24 * HOUR)
    assert duty_reminders_queue(now=MONDAY_EVENING) == 0
    assert duty_reminders_queue(now=MONDAY_EVENING + 24 * HOUR) == 1
    assert reminders()[0].event_key == f"duty-reminder:{world.area_a.pk}:2026-01-07"


def test_a_patrol_just_after_midnight_belongs_to_tomorrow_and_a_cancelled_one_is_left_out(world, officer):
    site = world.objects["site_a"]
    on_patrol(officer, site, datetime(2026, 1, 6, 0, 30, tzinfo=UTC))
    cancelled = on_patrol(officer, site, TUESDAY_9)
    with time_machine.travel(MONDAY, tick=False):
        patrol_cancel(patrol=cancelled, by=None, reason="Off", expected_version=None)
    assert duty_reminders_queue(now=MONDAY_EVENING) == 1
    assert "Tomorrow you are on 1 patrol:\n- Tuesday 6 January 2026, 00:30–01:30" in reminders()[0].body


def test_an_officer_who_turned_it_off_or_is_inactive_gets_none(world, officer):
    on_patrol(officer, world.objects["site_a"], TUESDAY_9)
    other = make_user("pc2", role=Role.OFFICER, area=world.area_a, collar="PC200", email="pc2@police.example")
    on_patrol(other.officer, world.objects["site_a"], TUESDAY_9 + 3 * HOUR)
    officer.notify_evening_reminder = False
    officer.save()
    other.is_active = False
    other.save()
    assert duty_reminders_queue(now=MONDAY_EVENING) == 0
    assert reminders() == []


def test_each_area_is_reminded_at_six_in_its_own_time(world, officer):
    world.area_b.timezone = "America/New_York"
    world.area_b.save()
    newyork_officer = make_user("nypd", role=Role.OFFICER, area=world.area_b, collar="NY1", email="ny@police.example")
    site_b = make_site(world.area_b, name="Park Avenue Shul")
    # Tuesday 09:00 in New York is 14:00 UTC.
    on_patrol(newyork_officer.officer, site_b, TUESDAY_9 + 5 * HOUR)
    on_patrol(officer, world.objects["site_a"], TUESDAY_9)
    assert duty_reminders_queue(now=MONDAY_EVENING) == 1  # London's evening, New York's lunchtime
    assert reminders()[0].to_user == officer.user
    assert duty_reminders_queue(now=datetime(2026, 1, 5, 23, 0, tzinfo=UTC)) == 1  # 18:00 in New York
    ny = reminders()[1]
    assert (ny.to_user, ny.area, ny.event_key) == (
        newyork_officer,
        world.area_b,
        f"duty-reminder:{world.area_b.pk}:2026-01-06",
    )
    assert "Tuesday 6 January 2026, 09:00–10:00" in ny.body


def test_an_officer_of_two_areas_gets_each_areas_reminder_on_its_own_evening(world, officer):
    from sites.services import membership_grant

    world.area_b.timezone = "America/New_York"
    world.area_b.save()
    membership_grant(user=officer.user, area=world.area_b, role=Role.OFFICER)
    site_b = make_site(world.area_b, name="Park Avenue Shul")
    london = on_patrol(officer, world.objects["site_a"], TUESDAY_9)
    newyork = on_patrol(officer, site_b, TUESDAY_9 + 5 * HOUR)  # 09:00 in New York
    assert duty_reminders_queue(now=MONDAY_EVENING) == 1  # London's evening only
    [first] = reminders()
    assert (first.area, first.about, first.event_key) == (
        world.area_a,
        london,
        f"duty-reminder:{world.area_a.pk}:2026-01-06",
    )
    assert "Tomorrow you are on 1 patrol:\n- Tuesday 6 January 2026, 09:00–10:00" in first.body
    assert duty_reminders_queue(now=datetime(2026, 1, 5, 23, 0, tzinfo=UTC)) == 1  # 18:00 in New York
    second = reminders()[1]
    assert (second.area, second.about, second.event_key) == (
        world.area_b,
        newyork,
        f"duty-reminder:{world.area_b.pk}:2026-01-06",
    )
    assert "Tomorrow you are on 1 patrol:\n- Tuesday 6 January 2026, 09:00–10:00" in second.body
    assert second.audience == first.audience == "police"
    assert duty_reminders_queue(now=datetime(2026, 1, 5, 23, 15, tzinfo=UTC)) == 0


def test_no_reminder_about_an_area_where_the_officer_role_was_removed(world, officer):
    from sites.models import Membership
    from sites.services import membership_grant

    on_patrol(officer, world.objects["site_a"], TUESDAY_9)
    Membership.objects.filter(user=officer.user, area=world.area_a).delete()  # off the area's officers
    membership_grant(user=officer.user, area=world.area_a, role=Role.CST_COORDINATOR)
    assert duty_reminders_queue(now=MONDAY_EVENING) == 0
    assert reminders() == []


def test_a_reminder_queued_under_the_earlier_key_is_not_sent_twice(world, officer):
    from notifications.services import notification_queue

    on_patrol(officer, world.objects["site_a"], TUESDAY_9)
    notification_queue(
        kind=NotificationKind.DUTY_REMINDER,
        event_key="duty-reminder:2026-01-06",
        subject="s",
        body="b",
        area=world.area_a,
        to_user=officer.user,
    )
    assert duty_reminders_queue(now=MONDAY_EVENING) == 0


def test_the_beat_task_queues_and_the_outbox_sends(world, officer):
    on_patrol(officer, world.objects["site_a"], TUESDAY_9)
    with time_machine.travel(MONDAY_EVENING + timedelta(minutes=7), tick=False):
        assert send_duty_reminders() == 1
        assert send_duty_reminders() == 0
        notifications_send_due()
    assert [message.to for message in mail.outbox] == [["pc100@police.example"]]


def test_the_beat_entry_runs_every_quarter_of_an_hour(db):
    from config.celery import app

    entry = PeriodicTask.objects.get(name="Duty reminders")
    assert entry.task == "patrols.tasks.send_duty_reminders" and entry.enabled
    assert (entry.interval.every, entry.interval.period) == (15, "minutes")
    assert entry.task in app.tasks


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL's concurrent transactions")
@pytest.mark.django_db(transaction=True)
def test_two_workers_running_the_reminder_at_once_queue_it_once(world, officer):
    for hour in (0, 3, 6):
        on_patrol(officer, world.objects["site_a"], TUESDAY_9 + hour * HOUR)
    barrier = threading.Barrier(2)
    queued: list[int] = []
    errors: list[BaseException] = []

    def run():
        try:
            barrier.wait()
            queued.append(duty_reminders_queue(now=MONDAY_EVENING))
        except Exception as error:  # reported below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert not errors
    assert sorted(queued) == [0, 1]
    assert len(reminders()) == 1


def test_a_run_after_the_reminders_went_costs_a_fixed_number_of_queries(world, officer, django_assert_num_queries):
    for number in range(6):
        user = make_user(f"pc{number}", role=Role.OFFICER, area=world.area_a, collar=f"PC3{number}")
        on_patrol(user.officer, world.objects["site_a"], TUESDAY_9 + number * HOUR)
    assert duty_reminders_queue(now=MONDAY_EVENING) == 6
    # Areas, tomorrow's assignments, the reminders already queued: whatever the number of officers.
    with django_assert_num_queries(3):
        assert duty_reminders_queue(now=MONDAY_EVENING + timedelta(minutes=15)) == 0
