"""Quiet hours through the sender (`notifications_send_due`), as issue 11 lists them: a Friday
evening, a Saturday, a two-day festival running into Shabbat, and a Saturday night running into a
festival. Messages to CST volunteers and coordinators queued inside are held, nothing goes out
before havdalah ends the whole run of days (not at the nightfall between them), then all go in the
order they were queued; messages to police go at once throughout.

The expected times are the calendar's own for the test areas' point (Borehamwood, Europe/London),
read from calendar_rules.zmanim as published times would be, not from the outbox's code."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail

from calendar_rules import zmanim
from calendar_rules.locations import area_location
from notifications.models import Notification, NotificationKind, NotificationStatus
from notifications.services import notification_queue, notifications_send_due

LONDON = ZoneInfo("Europe/London")
SECOND = timedelta(seconds=1)


def local(year, month, day, hour, minute=0):
    return datetime(year, month, day, hour, minute, tzinfo=LONDON)


@pytest.fixture
def people(world):
    coordinator = world.users["coordinator"]
    coordinator.email = "coordinator@cst.example"
    coordinator.save()
    inspector = world.users["inspector_a"]
    inspector.email = "inspector@police.example"
    inspector.save()
    return {"volunteer": world.objects["volunteer_a"], "coordinator": coordinator, "inspector": inspector}


def times_of(world, day: date) -> zmanim.DayTimes:
    return zmanim.day_times(area_location(world.area_a), day)


def queue_at(world, moment, key, **recipient):
    with time_machine.travel(moment, tick=False):
        return notification_queue(
            kind=NotificationKind.SLOT_ASKED if "to_volunteer" in recipient else NotificationKind.SLOT_ANSWERED,
            event_key=key,
            subject=key,
            body=f"Body of {key}",
            area=world.area_a,
            **recipient,
        )


def send_at(moment):
    with time_machine.travel(moment, tick=False):
        return notifications_send_due()


def cst_subjects():
    return [message.subject for message in mail.outbox if message.to != ["inspector@police.example"]]


def check_window(world, people, *, queued_at, quiet_checks, havdalah):
    """Queue a CST message at each of `queued_at` (alternating volunteer and coordinator) and a
    police one at the first; run the sender at each of `quiet_checks` (nothing CST goes out, the
    police message goes at once), then just before and at `havdalah`."""
    keys = []
    for number, moment in enumerate(queued_at):
        recipient = {"to_volunteer": people["volunteer"]} if number % 2 == 0 else {"to_user": people["coordinator"]}
        key = f"cst-{number}"
        notification = queue_at(world, moment, key, **recipient)
        assert notification.status == NotificationStatus.HELD, key
        assert notification.not_before == havdalah, key
        keys.append(key)
    police = queue_at(world, queued_at[0], "police", to_user=people["inspector"])
    assert police.status == NotificationStatus.PENDING
    for moment in quiet_checks:
        send_at(moment)
        assert cst_subjects() == [], moment
    assert [m.to for m in mail.outbox] == [["inspector@police.example"]]  # the police one, at once
    assert send_at(havdalah - SECOND).sent == 0
    counts = send_at(havdalah)
    assert counts.sent == len(keys)
    assert cst_subjects() == keys  # in the order they were queued
    assert not Notification.objects.exclude(status=NotificationStatus.SENT).exists()
    return counts


def test_friday_evening_waits_for_saturday_night(world, people):
    friday, saturday = times_of(world, date(2026, 1, 9)), times_of(world, date(2026, 1, 10))
    assert (friday.candle_lighting, saturday.havdalah) == (local(2026, 1, 9, 15, 53), local(2026, 1, 10, 17, 11))
    # A minute before candle-lighting a message still goes.
    early = queue_at(world, friday.candle_lighting - timedelta(minutes=1), "before", to_volunteer=people["volunteer"])
    assert early.status == NotificationStatus.PENDING
    assert send_at(friday.candle_lighting - timedelta(minutes=1)).sent == 1
    mail.outbox.clear()
    check_window(
        world,
        people,
        queued_at=[friday.candle_lighting, local(2026, 1, 9, 21), local(2026, 1, 9, 23, 59)],
        quiet_checks=[local(2026, 1, 9, 16), local(2026, 1, 10, 3)],
        havdalah=saturday.havdalah,
    )


def test_saturday_daytime_waits_for_havdalah(world, people):
    havdalah = times_of(world, date(2026, 1, 10)).havdalah
    check_window(
        world,
        people,
        queued_at=[local(2026, 1, 10, 9), local(2026, 1, 10, 12, 30), havdalah - SECOND],
        quiet_checks=[local(2026, 1, 10, 13), times_of(world, date(2026, 1, 10)).nightfall - SECOND],
        havdalah=havdalah,
    )


def test_a_two_day_festival_running_into_shabbat_is_one_wait(world, people):
    # Pesach 2026: yom tov Thursday 2 and Friday 3 April, then Shabbat: candle-lighting on
    # Wednesday evening, havdalah only on Saturday night.
    wednesday = times_of(world, date(2026, 4, 1))
    thursday = times_of(world, date(2026, 4, 2))
    friday = times_of(world, date(2026, 4, 3))
    saturday = times_of(world, date(2026, 4, 4))
    assert (wednesday.candle_lighting, saturday.havdalah) == (local(2026, 4, 1, 19, 16), local(2026, 4, 4, 20, 31))
    assert thursday.havdalah is None and friday.havdalah is None
    check_window(
        world,
        people,
        queued_at=[
            wednesday.candle_lighting + SECOND,
            local(2026, 4, 2, 12),
            local(2026, 4, 3, 22),
            local(2026, 4, 4, 15),
        ],
        # Not at the nightfall between the festival's days, nor between the festival and Shabbat.
        quiet_checks=[thursday.nightfall + SECOND, local(2026, 4, 3, 12), friday.nightfall + SECOND],
        havdalah=saturday.havdalah,
    )


def test_saturday_night_running_into_a_festival_is_one_wait(world, people):
    # Shavuot 2029 falls on Sunday 20 and Monday 21 May: Shabbat's end is the festival's start
    # (candles lit after nightfall on Saturday), so havdalah comes only on Monday night.
    friday = times_of(world, date(2029, 5, 18))
    saturday = times_of(world, date(2029, 5, 19))
    monday = times_of(world, date(2029, 5, 21))
    assert saturday.havdalah is None and saturday.candle_lighting_after_nightfall
    assert (friday.candle_lighting, monday.havdalah) == (local(2029, 5, 18, 20, 33), local(2029, 5, 21, 22, 3))
    check_window(
        world,
        people,
        queued_at=[local(2029, 5, 19, 11), saturday.nightfall + timedelta(minutes=30), local(2029, 5, 20, 18)],
        quiet_checks=[saturday.nightfall + SECOND, local(2029, 5, 20, 9), times_of(world, date(2029, 5, 20)).nightfall],
        havdalah=monday.havdalah,
    )


def test_a_message_pending_before_shabbat_that_meets_it_in_the_sender_keeps_its_place(world, people):
    friday, saturday = times_of(world, date(2026, 1, 9)), times_of(world, date(2026, 1, 10))
    first = queue_at(world, local(2026, 1, 9, 15), "first", to_volunteer=people["volunteer"])  # before candles
    queue_at(world, local(2026, 1, 9, 20), "second", to_user=people["coordinator"])
    assert first.status == NotificationStatus.PENDING
    assert send_at(friday.candle_lighting + timedelta(minutes=5)).held == 1  # the sender was down until then
    first.refresh_from_db()
    assert (first.status, first.not_before) == (NotificationStatus.HELD, saturday.havdalah)
    send_at(saturday.havdalah)
    assert cst_subjects() == ["first", "second"]
