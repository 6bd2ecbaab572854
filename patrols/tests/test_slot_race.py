"""Races over one CST place on PostgreSQL (real threads, each its own connection): two
coordinators filling the same place at once — one wins, the other is told and nothing of theirs
is saved or emailed; and a volunteer's double tap on Accept — one answer, the second told the
link was used."""

import re
import threading
from datetime import timedelta

import pytest
from django.core import mail
from django.db import connection, connections
from django.test import Client
from django.utils import timezone

from conftest import make_user, make_volunteer
from notifications.models import Notification, NotificationKind
from notifications.services import notifications_send_due
from patrols.models import PatrolKind, SlotInvitation, SlotStatus, VolunteerSlot
from patrols.services import patrol_create_manual, slot_fill
from sites.models import Role

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL's row and advisory locks")


def _race(*targets):
    """Run each target in its own thread, released together; their results in order."""
    barrier = threading.Barrier(len(targets))
    results: list = [None] * len(targets)
    errors: list[BaseException] = []

    def runner(index, target):
        try:
            barrier.wait()
            results[index] = target()
        except Exception as error:  # reported below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=runner, args=(i, t)) for i, t in enumerate(targets)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert not errors, errors
    return results


@pytest.fixture
def joint(world):
    start = timezone.now() + timedelta(days=2)
    return patrol_create_manual(
        site=world.objects["site_a"],
        starts_at=start,
        ends_at=start + timedelta(hours=2),
        by=None,
        kind=PatrolKind.JOINT,
        volunteers_required=1,
    )


@pytest.mark.django_db(transaction=True)
def test_two_coordinators_filling_the_same_place_one_wins_the_other_is_told(world, joint):
    slot = joint.slots.get()
    second = make_user("coordinator2", role=Role.CST_COORDINATOR, area=world.area_a)
    ari = world.objects["volunteer_a"]
    dina = make_volunteer(world.area_a, "HS-02", name="Dina Levy", email="dina@example.org")
    clients = [world.client("coordinator"), Client()]
    clients[1].force_login(second)
    url = f"/rota/slots/{slot.pk}/fill/"

    responses = _race(
        lambda: clients[0].post(url, {"volunteer": ari.pk}),
        lambda: clients[1].post(url, {"volunteer": dina.pk}),
    )

    statuses = sorted(response.status_code for response in responses)
    assert statuses == [302, 422], statuses
    loser = next(response for response in responses if response.status_code == 422)
    assert "This place is already requested for" in loser.content.decode()
    slot.refresh_from_db()
    assert slot.status == SlotStatus.REQUESTED and slot.volunteer_id in (ari.pk, dina.pk)
    # Only the winner's ask was recorded and emailed.
    assert VolunteerSlot.history.filter(id=slot.pk, history_change_reason__startswith="requested").count() == 1
    assert SlotInvitation.objects.count() == 1
    assert Notification.objects.filter(kind=NotificationKind.SLOT_ASKED).get().to_volunteer_id == slot.volunteer_id


@pytest.mark.django_db(transaction=True)
def test_a_double_tap_on_accept_answers_once(world, joint):
    slot = joint.slots.get()
    slot_fill(slot=slot, volunteer=world.objects["volunteer_a"], by=world.users["coordinator"])
    notifications_send_due()
    path = re.search(r"(/v/[\w-]+/accept/)", mail.outbox[-1].body).group(1)

    responses = _race(lambda: Client().post(path), lambda: Client().post(path))

    assert sorted(response.status_code for response in responses) == [200, 410]
    used = next(response for response in responses if response.status_code == 410)
    assert "already answered" in used.content.decode()
    slot.refresh_from_db()
    assert slot.status == SlotStatus.CONFIRMED
    assert Notification.objects.filter(kind=NotificationKind.SLOT_ANSWERED).count() == 1
