"""Completed and missed patrols: marked by the 15-minute task (safe to run twice), inspectors
emailed once about a missed High-risk patrol (the day and a link; no site, address or time), the
reason and corrections an inspector records, a late check-in, the Today panel and the board."""

import threading
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import connection, connections
from django.test import override_settings
from django.urls import reverse

from conftest import make_site, make_user
from notifications.models import Notification
from notifications.services import notifications_send_due
from patrols.models import MissedReason, Patrol, PatrolStatus, Visit
from patrols.services import (
    patrol_completed_by_visit,
    patrol_correct_outcome,
    patrol_record_missed,
    patrols_mark_outcomes,
)
from patrols.tasks import mark_patrol_outcomes
from sites.models import RiskTier, Role

# Saturday 10 January 2026 (GMT); a patrol 10:00–11:00 is missed from 11:30.
DAY = datetime(2026, 1, 10, tzinfo=UTC)
STARTS = DAY.replace(hour=10)
ENDS = DAY.replace(hour=11)


def patrol_at(site, starts=STARTS, ends=ENDS, **fields):
    return Patrol.objects.create(area=site.area, site=site, starts_at=starts, ends_at=ends, **fields)


@pytest.fixture
def high_site(world):
    site = world.objects["site_a"]
    site.risk_tier = RiskTier.HIGH
    site.save()
    return site


@pytest.fixture
def inspectors(world):
    first = world.users["inspector_a"]
    first.email = "insp.a@police.example"
    first.save()
    second = make_user("sgt_a", role=Role.INSPECTOR, area=world.area_a, email="sgt.a@police.example")
    return [first, second]


def visit(patrol, world, at=None):
    return Visit.objects.create(
        patrol=patrol, officer=world.users["officer"].officer, checked_in_at=at or patrol.starts_at
    )


def test_an_ended_patrol_with_a_check_in_is_completed(world, high_site, inspectors):
    patrol = patrol_at(high_site)
    visit(patrol, world)
    counts = patrols_mark_outcomes(now=ENDS)
    patrol.refresh_from_db()
    assert (patrol.status, patrol.version, counts.completed, counts.missed) == (PatrolStatus.COMPLETED, 2, 1, 0)
    assert not Notification.objects.exists()


def test_nobody_checked_in_is_missed_after_the_grace_period_and_inspectors_emailed_once(world, high_site, inspectors):
    patrol = patrol_at(high_site)
    patrols_mark_outcomes(now=ENDS + timedelta(minutes=29))
    patrol.refresh_from_db()
    assert patrol.status == PatrolStatus.SCHEDULED
    counts = patrols_mark_outcomes(now=ENDS + timedelta(minutes=30))
    assert (counts.missed, counts.emails) == (1, 2)
    patrol.refresh_from_db()
    assert patrol.status == PatrolStatus.MISSED
    # Safe to run twice: nothing changes, nothing is queued again.
    assert patrols_mark_outcomes(now=ENDS + timedelta(hours=1)) == type(counts)(completed=0, missed=0, emails=0)
    assert Notification.objects.count() == 2
    with time_machine.travel(ENDS + timedelta(hours=1), tick=False):
        assert notifications_send_due().sent == 2
    assert sorted(m.to[0] for m in mail.outbox) == ["insp.a@police.example", "sgt.a@police.example"]
    message = mail.outbox[0]
    assert "Saturday 10 January 2026" in message.subject
    assert f"/rota/patrols/{patrol.pk}/" in message.body
    for secret in (high_site.name, high_site.address, high_site.postcode, "10:00", "11:00"):
        assert secret not in message.subject and secret not in message.body
    notification = Notification.objects.first()
    assert notification.about == patrol
    assert notification.event_key == f"missed:{patrol.pk}"


@override_settings(MISSED_GRACE_MINUTES=0)
def test_the_grace_period_is_a_setting(world, high_site):
    patrol = patrol_at(high_site)
    patrols_mark_outcomes(now=ENDS)
    patrol.refresh_from_db()
    assert patrol.status == PatrolStatus.MISSED


def test_a_missed_patrol_at_a_lower_risk_site_is_marked_without_email(world, inspectors):
    site = make_site(world.area_a, name="Elevated Shul", risk_tier=RiskTier.ELEVATED)
    patrol = patrol_at(site)
    assert patrols_mark_outcomes(now=ENDS + timedelta(hours=1)).missed == 1
    patrol.refresh_from_db()
    assert patrol.status == PatrolStatus.MISSED
    assert not Notification.objects.exists()


def test_patrols_found_missed_long_after_are_marked_quietly(world, high_site, inspectors):
    """The first run after an outage or a deployment does not send a flood of old alerts."""
    old = patrol_at(high_site, STARTS - timedelta(days=3), ENDS - timedelta(days=3))
    assert patrols_mark_outcomes(now=ENDS + timedelta(hours=1)).missed == 1
    old.refresh_from_db()
    assert old.status == PatrolStatus.MISSED
    assert not Notification.objects.exists()


def test_cancelled_and_unfinished_patrols_are_left_alone(world, high_site):
    cancelled = patrol_at(high_site, status=PatrolStatus.CANCELLED)
    running = patrol_at(high_site, ENDS, ENDS + timedelta(hours=3))
    patrols_mark_outcomes(now=ENDS + timedelta(hours=1))
    cancelled.refresh_from_db()
    running.refresh_from_db()
    assert (cancelled.status, running.status) == (PatrolStatus.CANCELLED, PatrolStatus.SCHEDULED)


def test_the_task_marks_outcomes(world, high_site):
    patrol = patrol_at(high_site)
    with time_machine.travel(ENDS + timedelta(hours=1), tick=False):
        assert mark_patrol_outcomes() == 1
    patrol.refresh_from_db()
    assert patrol.status == PatrolStatus.MISSED


# ---- the inspector's reason and corrections -----------------------------------------------------


def missed_patrol(site):
    return patrol_at(site, status=PatrolStatus.MISSED)


def test_an_inspector_records_why_with_history(world, high_site):
    patrol = missed_patrol(high_site)
    inspector = world.users["inspector_a"]
    patrol_record_missed(
        patrol=patrol, by=inspector, reason=MissedReason.DIVERTED, note="RTC on the A41", expected_version=1
    )
    patrol.refresh_from_db()
    assert (patrol.missed_reason, patrol.missed_note, patrol.version) == ("diverted", "RTC on the A41", 2)
    record = patrol.history.first()
    assert record.history_user == inspector
    assert record.history_change_reason == "missed: Diverted to a call (RTC on the A41)"


@pytest.mark.parametrize(
    ("status", "reason", "version", "said"),
    [
        (PatrolStatus.SCHEDULED, MissedReason.DIVERTED, 1, "Only a missed patrol can have a reason recorded"),
        (PatrolStatus.COMPLETED, MissedReason.DIVERTED, 1, "Only a missed patrol can have a reason recorded"),
        (PatrolStatus.MISSED, "asleep", 1, "Choose why the patrol was missed."),
        (PatrolStatus.MISSED, MissedReason.DIVERTED, 7, "Someone else changed this patrol"),
    ],
)
def test_recording_a_reason_is_refused(world, high_site, status, reason, version, said):
    patrol = patrol_at(high_site, status=status)
    with pytest.raises(ValidationError, match=said):
        patrol_record_missed(patrol=patrol, by=None, reason=reason, note="", expected_version=version)
    patrol.refresh_from_db()
    assert (patrol.status, patrol.missed_reason, patrol.version) == (status, "", 1)


def test_a_missed_patrol_is_corrected_to_attended_and_back(world, high_site):
    patrol = missed_patrol(high_site)
    patrol_correct_outcome(
        patrol=patrol, by=None, status=PatrolStatus.COMPLETED, note="Seen by CST", expected_version=1
    )
    patrol.refresh_from_db()
    assert (patrol.status, patrol.missed_reason) == (PatrolStatus.COMPLETED, MissedReason.NOT_RECORDED)
    assert patrol.history.first().history_change_reason.startswith("completed after all: attended but not checked in")
    patrol_correct_outcome(patrol=patrol, by=None, status=PatrolStatus.MISSED, expected_version=2)
    patrol.refresh_from_db()
    assert (patrol.status, patrol.missed_reason, patrol.version) == (PatrolStatus.MISSED, "", 3)


def test_a_patrol_with_a_check_in_cannot_be_marked_missed(world, high_site):
    patrol = patrol_at(high_site, status=PatrolStatus.COMPLETED, missed_reason=MissedReason.NOT_RECORDED)
    visit(patrol, world)
    with pytest.raises(ValidationError, match="Someone checked in on this patrol"):
        patrol_correct_outcome(patrol=patrol, by=None, status=PatrolStatus.MISSED, expected_version=1)
    completed = patrol_at(high_site, status=PatrolStatus.COMPLETED)
    with pytest.raises(ValidationError, match="Only a patrol marked attended without a check-in"):
        patrol_correct_outcome(patrol=completed, by=None, status=PatrolStatus.MISSED, expected_version=1)
    scheduled = patrol_at(high_site)
    with pytest.raises(ValidationError, match="Only a missed patrol can be marked attended"):
        patrol_correct_outcome(patrol=scheduled, by=None, status=PatrolStatus.COMPLETED, expected_version=1)
    for each in (patrol, completed, scheduled):
        before = each.status
        each.refresh_from_db()
        assert (each.status, each.version) == (before, 1)


def test_a_late_check_in_turns_a_missed_patrol_completed(world, high_site):
    patrol = missed_patrol(high_site)
    patrol.missed_reason = MissedReason.DIVERTED
    patrol.save()
    visit(patrol, world, at=STARTS + timedelta(minutes=5))
    assert patrol_completed_by_visit(patrol, now=ENDS + timedelta(hours=2)) is True
    assert (patrol.status, patrol.missed_reason) == (PatrolStatus.COMPLETED, "")
    assert patrol.history.first().history_change_reason == "completed: checked in late"
    assert patrol_completed_by_visit(patrol, now=ENDS + timedelta(hours=2)) is False  # twice: nothing
    running = patrol_at(high_site, ENDS, ENDS + timedelta(hours=2))
    assert patrol_completed_by_visit(running, now=ENDS + timedelta(minutes=10)) is False
    running.refresh_from_db()
    assert running.status == PatrolStatus.SCHEDULED


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL's row locks")
@pytest.mark.django_db(transaction=True)
def test_two_runs_at_once_mark_each_patrol_once_and_email_once(world, high_site, inspectors):
    patrols = [patrol_at(high_site, STARTS + timedelta(minutes=n), ENDS + timedelta(minutes=n)) for n in range(40)]
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []
    results = []

    def run():
        try:
            barrier.wait()
            results.append(patrols_mark_outcomes(now=ENDS + timedelta(hours=2)))
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
    assert sum(r.missed for r in results) == 40
    assert sum(r.emails for r in results) == 80
    assert Notification.objects.count() == 80
    assert Patrol.objects.filter(pk__in=[p.pk for p in patrols], status=PatrolStatus.MISSED, version=2).count() == 40


# ---- pages ---------------------------------------------------------------------------------------


@pytest.fixture
def today_world(world, high_site):
    """Saturday 10 January 2026 at 12:00 GMT: a missed patrol, a completed one, one due now,
    one later, and one that ended a few minutes ago with nobody checked in yet."""
    now = DAY.replace(hour=12)
    made = {
        "missed": missed_patrol(high_site),
        "completed": patrol_at(high_site, DAY.replace(hour=8), DAY.replace(hour=9), status=PatrolStatus.COMPLETED),
        "due": patrol_at(high_site, DAY.replace(hour=12, minute=15), DAY.replace(hour=13)),
        "later": patrol_at(high_site, DAY.replace(hour=18), DAY.replace(hour=19)),
        "awaiting": patrol_at(high_site, DAY.replace(hour=11), DAY.replace(hour=11, minute=50)),
        "yesterday": patrol_at(high_site, STARTS - timedelta(days=1), ENDS - timedelta(days=1), status="missed"),
    }
    with time_machine.travel(now, tick=False):
        yield made


def test_the_today_panel_groups_todays_patrols(world, today_world):
    response = world.client("inspector_a").get(reverse("patrols:today"))
    assert response.status_code == 200
    panel = response.context["panel"]
    assert [p.pk for p in panel.missed] == [today_world["missed"].pk]
    assert [p.pk for p in panel.completed] == [today_world["completed"].pk]
    assert [p.pk for p in panel.due_now] == [today_world["due"].pk]
    assert [p.pk for p in panel.later] == [today_world["later"].pk]
    assert [p.pk for p in panel.awaiting] == [today_world["awaiting"].pk]
    assert panel.total == 5
    # Yesterday's missed patrol, still without a reason, stays on the panel to record why.
    assert [p.pk for p in panel.earlier_missed] == [today_world["yesterday"].pk]
    page = response.content.decode()
    assert "5</strong> patrols" in page and "1 missed" in page and "Record why" in page
    assert "10:00–11:00" in page
    assert "Fri 9 Jan 10:00–11:00" in page


def test_recording_why_from_the_panel(world, today_world):
    patrol = today_world["missed"]
    client = world.client("inspector_a")
    response = client.post(
        reverse("patrols:patrol_missed", args=[patrol.pk]), {"reason": "short_staffed", "note": "", "version": 1}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("patrols:today") + "?area=area-a"
    patrol.refresh_from_db()
    assert patrol.missed_reason == "short_staffed"
    page = client.get(response["Location"]).content.decode()
    assert "Recorded: short-staffed." in page
    assert "Why: Short-staffed" in page


@pytest.mark.parametrize(
    ("patrol_name", "data", "said"),
    [
        ("missed", {"reason": "", "version": 1}, "reason: This field is required."),
        ("missed", {"reason": "diverted", "note": "bad\x00note", "version": 1}, "note: "),
        ("missed", {"reason": "diverted", "version": 4}, "Someone else changed this patrol"),
        ("later", {"reason": "diverted", "version": 1}, "Only a missed patrol can have a reason recorded"),
    ],
)
def test_recording_why_is_refused_with_a_message(world, today_world, patrol_name, data, said):
    patrol = today_world[patrol_name]
    response = world.client("inspector_a").post(reverse("patrols:patrol_missed", args=[patrol.pk]), data)
    assert response.status_code == 422
    assert said in response.content.decode()
    patrol.refresh_from_db()
    assert (patrol.missed_reason, patrol.version) == ("", 1)


def test_the_correction_from_the_panel_and_its_refusal(world, today_world):
    patrol = today_world["missed"]
    client = world.client("inspector_a")
    url = reverse("patrols:patrol_outcome", args=[patrol.pk])
    refused = client.post(url, {"status": "missed", "version": 1})
    assert refused.status_code == 422
    assert "Only a patrol marked attended without a check-in" in refused.content.decode()
    assert client.post(url, {"status": "completed", "version": 1}).status_code == 302
    patrol.refresh_from_db()
    assert patrol.status == PatrolStatus.COMPLETED
    page = client.get(reverse("patrols:today")).content.decode()
    assert "attended, not checked in" in page and "Missed after all" in page


def test_another_areas_inspector_gets_404_and_nothing_changes(world, today_world):
    patrol = today_world["missed"]
    client = world.client("inspector_b")
    assert (
        client.post(
            reverse("patrols:patrol_missed", args=[patrol.pk]), {"reason": "diverted", "version": 1}
        ).status_code
        == 404
    )
    assert (
        client.post(
            reverse("patrols:patrol_outcome", args=[patrol.pk]), {"status": "completed", "version": 1}
        ).status_code
        == 404
    )
    assert client.get(reverse("patrols:today") + "?area=area-a").status_code == 404
    for persona in ("officer", "coordinator"):
        assert (
            world.client(persona)
            .post(reverse("patrols:patrol_missed", args=[patrol.pk]), {"reason": "diverted", "version": 1})
            .status_code
            == 403
        )
    patrol.refresh_from_db()
    assert (patrol.status, patrol.missed_reason, patrol.version) == (PatrolStatus.MISSED, "", 1)


def test_the_board_marks_missed_and_completed_patrols(world, today_world):
    response = world.client("inspector_a").get(reverse("patrols:rota_day", args=["2026-01-10"]))
    page = response.content.decode()
    assert '<em class="mk missed">missed</em>' in page
    assert '<em class="mk done">done</em>' in page
    board = world.client("inspector_a").get(reverse("patrols:rota") + "?start=2026-01-05").content.decode()
    assert reverse("patrols:today") in board


def test_the_patrol_page_says_it_was_missed_and_where_to_record_why(world, today_world):
    patrol = today_world["missed"]
    page = world.client("inspector_a").get(reverse("patrols:patrol", args=[patrol.pk])).content.decode()
    assert "Missed: nobody checked in." in page
    assert "Record why on the Today panel" in page


def test_the_today_panel_costs_the_same_queries_for_few_and_many_patrols(world, today_world, high_site):
    from django.db import connection as default_connection
    from django.test.utils import CaptureQueriesContext

    client = world.client("inspector_a")
    client.get(reverse("patrols:today"))  # warm: session, content types
    with CaptureQueriesContext(default_connection) as few:
        client.get(reverse("patrols:today"))
    for n in range(30):
        patrol_at(high_site, DAY.replace(hour=14, minute=n), DAY.replace(hour=15, minute=n))
        patrol_at(high_site, STARTS - timedelta(days=2, minutes=n), ENDS - timedelta(days=2), status="missed")
    with CaptureQueriesContext(default_connection) as many:
        response = client.get(reverse("patrols:today"))
    assert response.context["panel"].total == 35
    assert len(many.captured_queries) == len(few.captured_queries)
