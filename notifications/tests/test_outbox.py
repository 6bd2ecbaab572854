"""The outbox: queued once per event and recipient, sent once, held over Shabbat for volunteers
and CST coordinators (police not), released after havdalah in order, retried, then failed."""

import smtplib
import threading
from datetime import UTC, datetime, timedelta
from unittest import mock

import pytest
import time_machine
from django.core import mail
from django.db import connection, connections
from django.test import override_settings

from conftest import make_user
from notifications.models import Audience, Notification, NotificationKind, NotificationStatus
from notifications.services import notification_queue, notifications_send_due, retry_delay_seconds
from sites.models import Role
from sites.services import membership_grant

# Friday 9 January 2026 (GMT): candle-lighting 15:53 at the test areas' point, havdalah Saturday 17:11.
FRIDAY_NOON = datetime(2026, 1, 9, 12, 0, tzinfo=UTC)
FRIDAY_NIGHT = datetime(2026, 1, 9, 20, 0, tzinfo=UTC)
SATURDAY_NOON = datetime(2026, 1, 10, 12, 0, tzinfo=UTC)
HAVDALAH = datetime(2026, 1, 10, 17, 11, tzinfo=UTC)


def queue(world, key="missed:1", **recipient):
    return notification_queue(
        kind=NotificationKind.MISSED_PATROL,
        event_key=key,
        subject=f"Subject {key}",
        body=f"Body of {key}",
        area=world.area_a,
        about=world.objects["site_a"],
        **recipient,
    )


@pytest.fixture
def inspector(world):
    user = world.users["inspector_a"]
    user.email = "inspector@police.example"
    user.save()
    return user


def test_a_message_to_police_is_sent_once(world, inspector):
    with time_machine.travel(FRIDAY_NOON, tick=False):
        notification = queue(world, to_user=inspector)
        assert notification.status == NotificationStatus.PENDING
        assert notification.audience == Audience.POLICE
        assert notification.about == world.objects["site_a"]
        assert notifications_send_due().sent == 1
        assert notifications_send_due().sent == 0
    [message] = mail.outbox
    assert message.to == ["inspector@police.example"]
    assert message.subject == "Subject missed:1"
    assert message.extra_headers["Message-ID"].startswith(f"<notification-{notification.pk}@")
    notification.refresh_from_db()
    assert notification.status == NotificationStatus.SENT
    assert notification.to_email == "inspector@police.example"
    assert notification.attempts == 1
    assert notification.sent_at == FRIDAY_NOON


def test_the_same_event_is_never_queued_twice_for_one_recipient(world, inspector):
    first = queue(world, to_user=inspector)
    assert queue(world, to_user=inspector) is None
    assert Notification.objects.count() == 1
    # Another recipient of the same event gets their own.
    assert queue(world, to_volunteer=world.objects["volunteer_a"]) is not None
    notifications_send_due()
    assert queue(world, to_user=inspector) is None  # also once sent
    assert Notification.objects.filter(to_user=inspector).get() == first
    assert len([m for m in mail.outbox if m.to == ["inspector@police.example"]]) == 1


def test_exactly_one_recipient(world, inspector):
    with pytest.raises(ValueError, match="exactly one recipient"):
        queue(world)
    with pytest.raises(ValueError, match="exactly one recipient"):
        queue(world, to_user=inspector, to_volunteer=world.objects["volunteer_a"])
    assert not Notification.objects.exists()


def test_police_are_not_held_over_shabbat(world, inspector):
    with time_machine.travel(FRIDAY_NIGHT, tick=False):
        notification = queue(world, to_user=inspector)
        assert notification.status == NotificationStatus.PENDING
        assert notifications_send_due().sent == 1


def test_volunteers_and_coordinators_are_held_until_havdalah_then_sent_in_order(world):
    coordinator = world.users["coordinator"]
    coordinator.email = "coordinator@cst.example"
    coordinator.save()
    with time_machine.travel(FRIDAY_NIGHT, tick=False):
        to_volunteer = queue(world, "ask:1", to_volunteer=world.objects["volunteer_a"])
    with time_machine.travel(FRIDAY_NIGHT + timedelta(minutes=5), tick=False):
        to_coordinator = queue(world, "answered:1", to_user=coordinator)
    for notification in (to_volunteer, to_coordinator):
        assert notification.audience == Audience.CST
        assert notification.status == NotificationStatus.HELD
        assert notification.not_before == HAVDALAH
    with time_machine.travel(SATURDAY_NOON, tick=False):
        assert notifications_send_due().sent == 0
    with time_machine.travel(HAVDALAH - timedelta(seconds=1), tick=False):
        assert notifications_send_due().sent == 0
    assert mail.outbox == []
    with time_machine.travel(HAVDALAH, tick=False):
        assert notifications_send_due().sent == 2
    assert [m.subject for m in mail.outbox] == ["Subject ask:1", "Subject answered:1"]
    assert set(Notification.objects.values_list("status", flat=True)) == {NotificationStatus.SENT}


def test_a_coordinator_who_is_also_police_in_the_area_is_not_held(world):
    coordinator = world.users["coordinator"]
    membership_grant(user=coordinator, area=world.area_a, role=Role.INSPECTOR)
    with time_machine.travel(FRIDAY_NIGHT, tick=False):
        assert queue(world, to_user=coordinator).status == NotificationStatus.PENDING


def test_a_cst_message_pending_before_shabbat_is_held_when_the_sender_meets_it_inside(world):
    with time_machine.travel(FRIDAY_NOON, tick=False):
        notification = queue(world, to_volunteer=world.objects["volunteer_a"])
        assert notification.status == NotificationStatus.PENDING
    with time_machine.travel(FRIDAY_NIGHT, tick=False):
        counts = notifications_send_due()
    assert (counts.sent, counts.held) == (0, 1)
    notification.refresh_from_db()
    assert (notification.status, notification.not_before) == (NotificationStatus.HELD, HAVDALAH)
    assert mail.outbox == []


@override_settings(NOTIFICATION_MAX_ATTEMPTS=3, NOTIFICATION_RETRY_SECONDS=60)
def test_a_failing_send_is_retried_with_backoff_then_failed_with_its_error(world, inspector):
    with time_machine.travel(FRIDAY_NOON, tick=False):
        notification = queue(world, to_user=inspector)
    refused = smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
    with mock.patch("django.core.mail.EmailMessage.send", side_effect=refused):
        with time_machine.travel(FRIDAY_NOON, tick=False):
            assert notifications_send_due().retried == 1
        notification.refresh_from_db()
        assert notification.status == NotificationStatus.PENDING
        assert notification.attempts == 1
        assert notification.not_before == FRIDAY_NOON + timedelta(seconds=60)
        assert "SMTPServerDisconnected: Connection unexpectedly closed" in notification.last_error
        with time_machine.travel(FRIDAY_NOON + timedelta(seconds=59), tick=False):
            assert notifications_send_due().retried == 0  # not yet
        with time_machine.travel(FRIDAY_NOON + timedelta(seconds=60), tick=False):
            assert notifications_send_due().retried == 1
        notification.refresh_from_db()
        assert notification.not_before == FRIDAY_NOON + timedelta(seconds=60 + 120)
        with time_machine.travel(FRIDAY_NOON + timedelta(seconds=180), tick=False):
            assert notifications_send_due().failed == 1
    notification.refresh_from_db()
    assert notification.status == NotificationStatus.FAILED
    assert notification.attempts == 3
    with time_machine.travel(FRIDAY_NOON + timedelta(days=1), tick=False):
        assert notifications_send_due() == type(notifications_send_due())()  # a failed one stays failed
    assert mail.outbox == []


def test_retry_delay_doubles_up_to_an_hour():
    assert [retry_delay_seconds(n, base_seconds=60) for n in (1, 2, 3, 4, 7, 20)] == [60, 120, 240, 480, 3600, 3600]


def test_a_recipient_without_an_address_fails_at_once(world, inspector):
    inspector.email = ""
    inspector.save()
    notification = queue(world, to_user=inspector)
    assert notifications_send_due().failed == 1
    notification.refresh_from_db()
    assert (notification.status, notification.last_error) == (
        NotificationStatus.FAILED,
        "The user has no email address.",
    )
    assert mail.outbox == []


def test_the_address_is_taken_at_send_time(world, inspector):
    queue(world, to_user=inspector)
    inspector.email = "new@police.example"
    inspector.save()
    notifications_send_due()
    assert mail.outbox[0].to == ["new@police.example"]


def test_the_sender_is_enqueued_when_the_transaction_commits(world, inspector, django_capture_on_commit_callbacks):
    with mock.patch("notifications.tasks.send_notifications.delay") as delay:
        with django_capture_on_commit_callbacks(execute=True):
            queue(world, to_user=inspector)
            delay.assert_not_called()
        delay.assert_called_once_with()


def test_a_broker_that_is_down_loses_nothing(world, inspector, django_capture_on_commit_callbacks, caplog):
    refused = ConnectionError("refused")
    with (
        mock.patch("notifications.tasks.send_notifications.delay", side_effect=refused),
        django_capture_on_commit_callbacks(execute=True),
    ):
        notification = queue(world, to_user=inspector)
    assert "the beat run will send" in caplog.text
    notification.refresh_from_db()
    assert notification.status == NotificationStatus.PENDING
    assert notifications_send_due().sent == 1


@override_settings(EMAIL_BACKEND="django.core.mail.backends.console.EmailBackend")
def test_the_console_backend_prints_the_message(world, inspector, capsys):
    queue(world, to_user=inspector)
    assert notifications_send_due().sent == 1
    printed = capsys.readouterr().out
    assert "Subject: Subject missed:1" in printed
    assert "To: inspector@police.example" in printed
    assert "Body of missed:1" in printed


def test_send_notifications_command(world, inspector):
    from django.core.management import call_command

    queue(world, to_user=inspector)
    from io import StringIO

    out = StringIO()
    call_command("send_notifications", stdout=out)
    assert out.getvalue().startswith("sent 1,")


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL's SKIP LOCKED")
@pytest.mark.django_db(transaction=True)
def test_two_senders_racing_send_each_message_once(world):
    for n in range(30):
        user = make_user(f"insp{n}", role=Role.INSPECTOR, area=world.area_a, email=f"insp{n}@police.example")
        queue(world, f"missed:{n}", to_user=user)
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []
    sent: list[int] = []
    real_send = mail.EmailMessage.send

    def slow_send(self, *args, **kwargs):
        threading.Event().wait(0.01)  # a mail server's round trip, so the senders overlap
        return real_send(self, *args, **kwargs)

    def run():
        try:
            barrier.wait()
            sent.append(notifications_send_due().sent)
        except Exception as error:  # reported below
            errors.append(error)
        finally:
            connections.close_all()

    with mock.patch("django.core.mail.EmailMessage.send", slow_send):
        threads = [threading.Thread(target=run) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(60)
    assert not errors
    assert sum(sent) == 30
    assert all(count > 0 for count in sent), sent  # both worked: SKIP LOCKED shared the rows
    assert sorted(m.to[0] for m in mail.outbox) == sorted(f"insp{n}@police.example" for n in range(30))
    assert Notification.objects.filter(status=NotificationStatus.SENT).count() == 30
