"""Officers' emails about their patrols: put on, taken off, moved, cancelled, back on — queued by
the services that make the change, in the same transaction, honouring the officer's setting, and
sent by the outbox; and the generator, which never moves a patrol an officer is on, sends none."""

from datetime import UTC, datetime, timedelta

import pytest
from django.core import mail
from django.db import transaction
from django.urls import reverse

from notifications.models import Audience, Notification, NotificationKind, NotificationStatus
from notifications.services import notifications_send_due
from patrols.models import Patrol, PatrolStatus
from patrols.services import (
    assignment_create,
    assignment_delete,
    patrol_cancel,
    patrol_create_manual,
    patrol_restore,
    patrol_update,
    patrols_bulk,
    rota_sync,
)
from sites.models import Role
from sites.services import membership_grant

from .conftest import NOW, school_rule

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]

HOUR = timedelta(hours=1)
TOMORROW_9 = datetime(2026, 1, 6, 9, 0, tzinfo=UTC)  # GMT in January: local 09:00


@pytest.fixture
def officer(world):
    user = world.users["officer"]
    user.email = "pc100@police.example"
    user.save()
    return user.officer


@pytest.fixture
def inspector(world):
    return world.users["inspector_a"]


@pytest.fixture
def patrol(world):
    return patrol_create_manual(
        site=world.objects["site_a"], starts_at=TOMORROW_9, ends_at=TOMORROW_9 + 2 * HOUR, by=None, label="School"
    )


def to_officer(officer, kind=None):
    rows = Notification.objects.filter(to_user=officer.user).order_by("id")
    return list(rows.filter(kind=kind) if kind else rows)


def sent_to(address):
    notifications_send_due()
    return [message for message in mail.outbox if message.to == [address]]


def test_an_officer_put_on_a_patrol_is_emailed_its_day_and_times_but_not_its_site(officer, inspector, patrol):
    assignment_create(patrol=patrol, officer=officer, by=inspector)
    [notification] = to_officer(officer)
    assert notification.kind == NotificationKind.OFFICER_ASSIGNED
    assert notification.audience == Audience.POLICE
    assert notification.about == patrol
    assert notification.area == patrol.area
    [message] = sent_to("pc100@police.example")
    assert message.subject == "Shomer: you are on a patrol on Tuesday 6 January 2026"
    assert "Tuesday 6 January 2026, 09:00–11:00." in message.body
    assert "/rota/my-day/" in message.body
    # The area keeps site names out of calendars and email by default; never the address.
    assert "Beth Test Synagogue" not in message.body and "Example Road" not in message.body
    assert "School" not in message.body  # nor the patrol's label


def test_the_site_name_travels_where_the_area_lets_the_calendar_feed_show_it(world, officer, inspector, patrol):
    world.area_a.feed_shows_site_name = True
    world.area_a.save()
    patrol.refresh_from_db()
    assignment_create(patrol=patrol, officer=officer, by=inspector)
    [message] = sent_to("pc100@police.example")
    assert "Tuesday 6 January 2026, 09:00–11:00 at Beth Test Synagogue." in message.body
    assert "Example Road" not in message.body


def test_an_officer_who_turned_the_emails_off_gets_none(officer, inspector, patrol):
    officer.notify_patrol_changes = False
    officer.save()
    assignment = assignment_create(patrol=patrol, officer=officer, by=inspector)
    patrol_update(patrol=patrol, by=inspector, expected_version=None, starts_at=TOMORROW_9 + HOUR)
    patrol_cancel(patrol=patrol, by=inspector, reason="Event off", expected_version=None)
    patrol_restore(patrol=patrol, by=inspector, expected_version=None)
    assignment_delete(assignment=assignment, by=inspector)
    assert to_officer(officer) == []


def test_nobody_is_emailed_about_their_own_edit(world, officer, patrol):
    sergeant = world.users["inspector_a"]
    membership_grant(user=sergeant, area=world.area_a, role=Role.OFFICER)
    assignment_create(patrol=patrol, officer=sergeant.officer, by=sergeant)
    assignment_create(patrol=patrol, officer=officer, by=sergeant)
    assert to_officer(sergeant.officer) == []
    assert len(to_officer(officer, NotificationKind.OFFICER_ASSIGNED)) == 1


def test_an_officer_taken_off_a_patrol_is_emailed(officer, inspector, patrol):
    assignment = assignment_create(patrol=patrol, officer=officer, by=inspector)
    assignment_delete(assignment=assignment, by=inspector, reason="Court")
    [notification] = to_officer(officer, NotificationKind.OFFICER_UNASSIGNED)
    assert notification.event_key == f"unassigned:{assignment.pk}"
    subjects = [message.subject for message in sent_to("pc100@police.example")]
    assert subjects == [
        "Shomer: you are on a patrol on Tuesday 6 January 2026",
        "Shomer: you are off a patrol on Tuesday 6 January 2026",
    ]


def test_a_moved_patrol_is_emailed_with_its_old_and_new_times_once_per_move(officer, inspector, patrol):
    assignment_create(patrol=patrol, officer=officer, by=inspector)
    patrol_update(
        patrol=patrol,
        by=inspector,
        expected_version=None,
        starts_at=TOMORROW_9 + 24 * HOUR,
        ends_at=TOMORROW_9 + 26 * HOUR,
    )
    patrol_update(patrol=patrol, by=inspector, expected_version=None, label="Renamed")  # not a move
    patrol_update(patrol=patrol, by=inspector, expected_version=None, officers_required=2)  # nor this
    moved = to_officer(officer, NotificationKind.PATROL_MOVED)
    assert len(moved) == 1
    message = [m for m in sent_to("pc100@police.example") if "moved" in m.subject][0]
    assert message.subject == "Shomer: your patrol on Tuesday 6 January 2026 has moved"
    assert "Your patrol on Tuesday 6 January 2026, 09:00–11:00 has moved." in message.body
    assert "It is now on Wednesday 7 January 2026, 09:00–11:00." in message.body
    # A second move is a second event: a second email.
    patrol_update(patrol=patrol, by=inspector, expected_version=None, starts_at=TOMORROW_9 + 25 * HOUR)
    assert len(to_officer(officer, NotificationKind.PATROL_MOVED)) == 2


def test_a_patrol_moved_to_another_site_is_a_move(world, officer, inspector, patrol):
    from conftest import make_site

    other = make_site(world.area_a, name="Second Site")
    assignment_create(patrol=patrol, officer=officer, by=inspector)
    patrol_update(patrol=patrol, by=inspector, expected_version=None, site=other)
    assert len(to_officer(officer, NotificationKind.PATROL_MOVED)) == 1


def test_cancelling_emails_every_officer_on_the_patrol_and_restoring_tells_them_it_is_back(
    world, officer, inspector, patrol
):
    from conftest import make_user

    second = make_user("pc2", role=Role.OFFICER, area=world.area_a, collar="PC200", email="pc2@police.example")
    patrol_update(patrol=patrol, by=inspector, expected_version=None, officers_required=2)
    assignment_create(patrol=patrol, officer=officer, by=inspector)
    assignment_create(patrol=patrol, officer=second.officer, by=inspector)
    patrol_cancel(patrol=patrol, by=inspector, reason="Event off", expected_version=None)
    for who in (officer, second.officer):
        [cancelled] = to_officer(who, NotificationKind.PATROL_CANCELLED)
        assert cancelled.about == patrol
    message = [m for m in sent_to("pc2@police.example") if "cancelled" in m.subject][0]
    assert message.subject == "Shomer: your patrol on Tuesday 6 January 2026 is cancelled"
    assert "Event off" not in message.body  # the inspector's reason stays in Shomer
    patrol_restore(patrol=patrol, by=inspector, expected_version=None)
    back = [m for m in sent_to("pc100@police.example") if "back on" in m.subject]
    assert [m.subject for m in back] == ["Shomer: your patrol on Tuesday 6 January 2026 is back on"]


def test_a_refused_or_rolled_back_change_queues_nothing(world, officer, inspector, patrol):
    other = patrol_create_manual(
        site=world.objects["site_a"], starts_at=TOMORROW_9 + 3 * HOUR, ends_at=TOMORROW_9 + 4 * HOUR, by=None
    )
    assignment_create(patrol=patrol, officer=officer, by=inspector)
    assignment_create(patrol=other, officer=officer, by=inspector)
    before = Notification.objects.count()
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):  # would double-book the officer
        patrol_update(patrol=other, by=inspector, expected_version=None, starts_at=TOMORROW_9 + HOUR)
    with pytest.raises(RuntimeError), transaction.atomic():
        patrol_cancel(patrol=patrol, by=inspector, reason="Off", expected_version=None)
        raise RuntimeError("the request failed after the service")
    assert Notification.objects.count() == before
    assert Patrol.objects.get(pk=patrol.pk).status == PatrolStatus.SCHEDULED


def test_bulk_actions_email_per_patrol_through_the_same_services(world, officer, inspector):
    patrols = [
        patrol_create_manual(
            site=world.objects["site_a"],
            starts_at=TOMORROW_9 + n * 24 * HOUR,
            ends_at=TOMORROW_9 + (n * 24 + 1) * HOUR,
            by=None,
        )
        for n in range(3)
    ]
    outcomes = patrols_bulk(action="assign", patrols=patrols, by=inspector, officer=officer)
    assert all(outcome.done for outcome in outcomes)
    assert len(to_officer(officer, NotificationKind.OFFICER_ASSIGNED)) == 3
    patrols_bulk(action="cancel", patrols=[Patrol.objects.get(pk=p.pk) for p in patrols], by=inspector, reason="Snow")
    assert {n.about for n in to_officer(officer, NotificationKind.PATROL_CANCELLED)} == set(patrols)


def test_the_inspectors_pages_queue_the_emails(officer, patrol, world):
    client = world.client("inspector_a")
    client.post(
        reverse("patrols:patrol_assign", args=[patrol.pk]),
        {"assign-version": patrol.version, "assign-officer": officer.pk},
    )
    patrol.refresh_from_db()
    client.post(
        reverse("patrols:patrol_move", args=[patrol.pk]),
        {"move-version": patrol.version, "move-day": "2026-01-06", "move-start": "14:00", "move-end": "15:00"},
    )
    kinds = [n.kind for n in to_officer(officer)]
    assert kinds == [NotificationKind.OFFICER_ASSIGNED, NotificationKind.PATROL_MOVED]
    moved = [m for m in sent_to("pc100@police.example") if "moved" in m.subject][0]
    assert "It is now on Tuesday 6 January 2026, 14:00–15:00." in moved.body


def test_the_api_queues_the_emails(officer, patrol, world):
    client = world.client("inspector_a")
    response = client.post(reverse("assignment-list"), {"patrol": patrol.pk, "officer": officer.pk}, format="json")
    assert response.status_code == 201, response.content
    patrol.refresh_from_db()
    response = client.post(
        reverse("patrol-cancel", args=[patrol.pk]), {"reason": "Called off", "version": patrol.version}, format="json"
    )
    assert response.status_code == 200, response.content
    kinds = [n.kind for n in to_officer(officer)]
    assert kinds == [NotificationKind.OFFICER_ASSIGNED, NotificationKind.PATROL_CANCELLED]


def test_an_inactive_officer_is_not_emailed(officer, inspector, patrol):
    assignment_create(patrol=patrol, officer=officer, by=inspector)
    officer.active = False
    officer.save()
    patrol_cancel(patrol=patrol, by=inspector, reason="Off", expected_version=None)
    assert to_officer(officer, NotificationKind.PATROL_CANCELLED) == []


def test_the_generator_never_moves_a_patrol_an_officer_is_on_so_it_emails_nobody(world, officer, inspector):
    rule = school_rule(world.area_a, [world.objects["site_a"]])
    rota_sync(area=world.area_a, days=7, now=NOW)
    patrol = Patrol.objects.get(rule=rule, starts_at=TOMORROW_9 - timedelta(minutes=45))  # Tue 08:15
    assignment_create(patrol=patrol, officer=officer, by=inspector)
    rule.start_time = rule.start_time.replace(hour=10)
    rule.save()
    rota_sync(area=world.area_a, days=7, now=NOW)
    rule.active = False
    rule.save()
    rota_sync(area=world.area_a, days=7, now=NOW)
    patrol.refresh_from_db()
    assert (patrol.starts_at, patrol.status) == (TOMORROW_9 - timedelta(minutes=45), PatrolStatus.SCHEDULED)
    assert [n.kind for n in to_officer(officer)] == [NotificationKind.OFFICER_ASSIGNED]
    assert Notification.objects.exclude(kind=NotificationKind.OFFICER_ASSIGNED).count() == 0
    assert to_officer(officer)[0].status == NotificationStatus.PENDING


def test_an_officer_who_is_now_only_a_cst_coordinator_in_the_area_is_not_emailed_of_its_patrols(
    world, officer, inspector, patrol
):
    # As My day: an officer hears only of patrols of the areas where they hold the officer role,
    # and no message of theirs is CST audience (which every coordinator sees in the outbox).
    from sites.models import Membership

    assignment_create(patrol=patrol, officer=officer, by=inspector)
    other = patrol_create_manual(
        site=world.objects["site_a"], starts_at=TOMORROW_9 + 4 * HOUR, ends_at=TOMORROW_9 + 5 * HOUR, by=None
    )
    on_other = assignment_create(patrol=other, officer=officer, by=inspector)
    Membership.objects.filter(user=officer.user, area=world.area_a).delete()  # off the area's officers
    membership_grant(user=officer.user, area=world.area_a, role=Role.CST_COORDINATOR)
    before = len(to_officer(officer))
    patrol_update(patrol=patrol, by=inspector, expected_version=None, starts_at=TOMORROW_9 + HOUR)
    patrol_cancel(patrol=patrol, by=inspector, reason="Off", expected_version=None)
    assignment_delete(assignment=on_other, by=inspector)
    assert len(to_officer(officer)) == before
    assert not Notification.objects.filter(to_user=officer.user, audience=Audience.CST).exists()
