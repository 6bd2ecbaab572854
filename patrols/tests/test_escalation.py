"""The escalation digest: at an area's lead times, one email per coordinator and inspector naming
the days and their open places — never a patrol's time or site — sent once whatever the re-runs
or workers (PostgreSQL: two threads at once), held for coordinators over Shabbat, and its beat
entry."""

import threading
from datetime import UTC, datetime, timedelta

import pytest
from django.core import mail
from django.db import connection, connections
from django.urls import reverse
from django_celery_beat.models import PeriodicTask

from conftest import make_area, make_site, make_user
from notifications.models import Audience, Notification, NotificationKind, NotificationStatus
from notifications.services import notifications_send_due
from patrols.models import PatrolKind
from patrols.services import escalation_digests_queue, patrol_create_manual, slot_confirm, slot_fill
from patrols.tasks import send_escalation_digests
from sites.models import Role

WEDNESDAY_18 = datetime(2026, 1, 7, 18, 0, tzinfo=UTC)  # before Shabbat 10 January 2026
SHABBAT_MORNING = datetime(2026, 1, 10, 9, 30, tzinfo=UTC)


def _joint(site, starts_at, places):
    return patrol_create_manual(
        site=site,
        starts_at=starts_at,
        ends_at=starts_at + timedelta(hours=2),
        by=None,
        kind=PatrolKind.JOINT,
        volunteers_required=places,
    )


@pytest.fixture
def short(world):
    """Shabbat 10 January in area A: a Friday-night patrol with one of two places confirmed and a
    Shabbat morning one with three open, at sites whose names must not travel in email; a second
    coordinator; an inactive inspector."""
    import time_machine

    with time_machine.travel(datetime(2026, 1, 5, 7, 0, tzinfo=UTC)):
        friday = _joint(make_site(world.area_a, "Beth Secret"), datetime(2026, 1, 9, 19, 15, tzinfo=UTC), 2)
        _joint(make_site(world.area_a, "Kehillah Hidden"), SHABBAT_MORNING, 3)
        slot = friday.slots.order_by("id").first()
        coordinator = world.users["coordinator"]
        slot_fill(slot=slot, volunteer=world.objects["volunteer_a"], by=coordinator)
        slot_confirm(slot=slot, by=coordinator)
    world.users["coordinator_2"] = make_user(
        "coordinator_2", role=Role.CST_COORDINATOR, area=world.area_a, email="c2@example.org"
    )
    make_user("retired", role=Role.INSPECTOR, area=world.area_a, is_active=False)
    for user in world.users.values():
        if user.email == "":
            user.email = f"{user.username}@example.org"
            user.save()
    return world


def _digests():
    return Notification.objects.filter(kind=NotificationKind.ESCALATION_DIGEST).order_by("to_user__username")


@pytest.mark.django_db
def test_a_lead_time_queues_one_digest_per_coordinator_and_inspector_of_the_area(short):
    counts = escalation_digests_queue(now=WEDNESDAY_18 + timedelta(minutes=2))
    assert counts.queued == 3 and counts.leads == 2  # area B's lead too, with nothing to say
    digests = list(_digests())
    assert [(d.to_user.username, d.audience) for d in digests] == [
        ("coordinator", Audience.CST),
        ("coordinator_2", Audience.CST),
        ("inspector_a", Audience.POLICE),
    ]
    assert {d.event_key for d in digests} == {f"escalation:{short.area_a.pk}:2026-01-10:wed-1800"}
    assert {d.area_id for d in digests} == {short.area_a.pk}


@pytest.mark.django_db
def test_the_digest_names_days_and_counts_and_links_but_no_time_or_site(short):
    escalation_digests_queue(now=WEDNESDAY_18)
    coordinator, _, inspector = _digests()
    assert coordinator.subject == "Shomer: 4 CST places still open for Shabbat 10 January"
    assert "- Shabbat 10 Jan: 4 of 5 places open (1 of 5 places confirmed, 0 asked, 4 open)" in coordinator.body
    planner = reverse("patrols:joint") + "?area=area-a&start=2026-01-10&end=2026-01-10&open=1"
    assert planner in coordinator.body and reverse("patrols:rota") + "?" not in coordinator.body
    assert "start=2026-01-09&days=2&kind=joint" in inspector.body and planner not in inspector.body
    for digest in (coordinator, inspector):
        text = digest.subject + digest.body
        assert "Secret" not in text and "Hidden" not in text
        assert "19:15" not in text and "09:30" not in text and "21:15" not in text


@pytest.mark.django_db
def test_a_rerun_or_a_later_run_sends_nothing_twice(short):
    escalation_digests_queue(now=WEDNESDAY_18)
    again = escalation_digests_queue(now=WEDNESDAY_18 + timedelta(minutes=5))
    later = escalation_digests_queue(now=WEDNESDAY_18 + timedelta(hours=3))
    assert again.queued == later.queued == 0 and _digests().count() == 3
    # Friday 10:00 is the next lead: a digest of its own.
    assert escalation_digests_queue(now=datetime(2026, 1, 9, 10, 1, tzinfo=UTC)).queued == 3
    assert _digests().count() == 6


@pytest.mark.django_db
def test_nothing_is_sent_before_a_lead_long_after_it_or_when_every_place_is_filled(short):
    assert escalation_digests_queue(now=WEDNESDAY_18 - timedelta(minutes=1)).queued == 0
    assert escalation_digests_queue(now=WEDNESDAY_18 + timedelta(hours=5)).queued == 0
    coordinator = short.users["coordinator"]
    import time_machine

    from conftest import make_volunteer

    with time_machine.travel(datetime(2026, 1, 6, 7, 0, tzinfo=UTC)):
        for number, slot in enumerate(
            s for patrol in short.area_a.patrols.all() for s in patrol.slots.filter(status="open")
        ):
            slot_fill(
                slot=slot, volunteer=make_volunteer(short.area_a, f"HF-{number}", name=f"V{number}"), by=coordinator
            )
    assert escalation_digests_queue(now=WEDNESDAY_18).queued == 0


@pytest.mark.django_db
def test_the_digest_is_emailed_and_a_coordinators_waits_over_shabbat(short, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    # Friday 10:00: the lead before Shabbat; sent at once.
    friday = datetime(2026, 1, 9, 10, 0, tzinfo=UTC)
    escalation_digests_queue(now=friday)
    notifications_send_due(now=friday)
    # (The outbox also sends the ask emails of the places filled in setting up.)
    digests = [message for message in mail.outbox if "CST places still open" in message.subject]
    assert sorted(message.to[0] for message in digests) == [
        "c2@example.org",
        "coordinator@example.org",
        "inspector_a@example.org",
    ]
    assert digests[0].subject.startswith("Shomer: 4 CST places still open")
    # An area whose lead falls after candle-lighting (Friday 18:00): the inspector's goes, the
    # coordinators' wait until havdalah.
    mail.outbox.clear()
    short.area_a.escalation_shabbat_leads = "Fri 18:00"
    short.area_a.save()
    evening = datetime(2026, 1, 9, 18, 1, tzinfo=UTC)
    escalation_digests_queue(now=evening)
    notifications_send_due(now=evening)
    assert [message.to[0] for message in mail.outbox] == ["inspector_a@example.org"]
    held = _digests().filter(status=NotificationStatus.HELD)
    assert held.count() == 2


@pytest.mark.django_db
def test_the_task_uses_the_clock(short):
    import time_machine

    with time_machine.travel(WEDNESDAY_18 + timedelta(minutes=1)):
        assert send_escalation_digests.apply().get() == 3


@pytest.mark.django_db
def test_each_area_keeps_its_own_lead_times_and_zone(short):
    far = make_area("far-east", name="Far East", timezone="Asia/Jerusalem", escalation_shabbat_leads="Thu 20:00")
    site = make_site(far, "Far Synagogue")
    import time_machine

    with time_machine.travel(datetime(2026, 1, 5, 7, 0, tzinfo=UTC)):
        _joint(site, datetime(2026, 1, 10, 7, 0, tzinfo=UTC), 1)
    make_user("far_coordinator", role=Role.CST_COORDINATOR, area=far, email="far@example.org")
    # Thursday 20:00 in Jerusalem is 18:00 UTC; area A's Wednesday lead is long gone then.
    assert escalation_digests_queue(now=datetime(2026, 1, 8, 17, 59, tzinfo=UTC)).queued == 0
    assert escalation_digests_queue(now=datetime(2026, 1, 8, 18, 0, tzinfo=UTC)).queued == 1
    (digest,) = Notification.objects.filter(to_user__username="far_coordinator")
    assert digest.event_key == f"escalation:{far.pk}:2026-01-10:thu-2000"


@pytest.mark.django_db
def test_the_beat_runs_the_escalation_every_five_minutes(db):
    entry = PeriodicTask.objects.get(name="Escalation digests")
    assert entry.task == "patrols.tasks.send_escalation_digests" and entry.enabled
    assert (entry.interval.every, entry.interval.period) == (5, "minutes")


@pytest.mark.django_db(transaction=True)
def test_the_beat_migration_reverses():
    from django.core.management import call_command

    call_command("migrate", "notifications", "0003", verbosity=0)
    assert not PeriodicTask.objects.filter(name="Escalation digests").exists()
    call_command("migrate", "notifications", verbosity=0)
    assert PeriodicTask.objects.filter(name="Escalation digests").exists()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL's concurrent transactions")
@pytest.mark.django_db(transaction=True)
def test_two_workers_at_once_send_each_digest_once(short):
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []
    queued: list[int] = []

    def worker():
        try:
            barrier.wait()
            queued.append(escalation_digests_queue(now=WEDNESDAY_18 + timedelta(minutes=1)).queued)
        except Exception as error:  # reported below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert not errors
    assert sorted(queued) in ([0, 3], [1, 2], [2, 1], [3, 0]) and sum(queued) == 3
    assert _digests().count() == 3
    assert sorted(_digests().values_list("to_user__username", flat=True)) == [
        "coordinator",
        "coordinator_2",
        "inspector_a",
    ]
