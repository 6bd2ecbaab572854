"""One action over several patrols: each done on its own, so a refusal never undoes the others,
and the outcome of each names the patrol and what happened or why not."""

from datetime import UTC, date, datetime, timedelta

import pytest
from django.core.exceptions import ValidationError

from patrols.models import Assignment, Patrol, PatrolStatus
from patrols.services import (
    BulkOutcome,
    assignment_create,
    patrol_cancel,
    patrol_create_manual,
    patrols_bulk,
)
from patrols.services.bulk import BULK_MAX_PATROLS
from people.models import AbsenceKind
from people.services import absence_create

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]

HOUR = timedelta(hours=1)


def _patrol(site, starts_at, hours=1):
    return patrol_create_manual(site=site, starts_at=starts_at, ends_at=starts_at + hours * HOUR, by=None)


@pytest.fixture
def officer(world):
    return world.users["officer"].officer


@pytest.fixture
def inspector(world):
    return world.users["inspector_a"]


@pytest.fixture
def three(world):
    """Tue 6 Jan 09:00, 11:00 and 13:00, an hour each (one duty for an officer on all three)."""
    site = world.objects["site_a"]
    return [_patrol(site, datetime(2026, 1, 6, hour, 0, tzinfo=UTC)) for hour in (13, 9, 11)]


def _messages(outcomes):
    return [(outcome.done, outcome.message) for outcome in outcomes]


def test_one_officer_is_assigned_to_several_patrols_in_time_order(officer, inspector, three):
    outcomes = patrols_bulk(action="assign", patrols=three, by=inspector, officer=officer)
    assert all(isinstance(outcome, BulkOutcome) for outcome in outcomes)
    assert _messages(outcomes) == [
        (True, f"Beth Test Synagogue, Tue 6 Jan 09:00–10:00: {officer} assigned."),
        (True, f"Beth Test Synagogue, Tue 6 Jan 11:00–12:00: {officer} assigned."),
        (True, f"Beth Test Synagogue, Tue 6 Jan 13:00–14:00: {officer} assigned."),
    ]
    assert Assignment.objects.filter(officer=officer).count() == 3


def test_a_refusal_does_not_undo_the_others_and_says_why(world, officer, inspector, three):
    busy = _patrol(world.objects["site_a"], datetime(2026, 1, 6, 10, 30, tzinfo=UTC))
    assignment_create(patrol=busy, officer=officer, by=inspector)
    outcomes = patrols_bulk(action="assign", patrols=three, by=inspector, officer=officer)
    assert _messages(outcomes)[1] == (
        False,
        f"Beth Test Synagogue, Tue 6 Jan 11:00–12:00: not done — {officer} is already on a patrol at "
        "Beth Test Synagogue on Tue 6 Jan 10:30–11:30, which overlaps this one.",
    )
    assert [outcome.done for outcome in outcomes] == [True, False, True]
    assert set(Assignment.objects.values_list("patrol__starts_at__hour", flat=True)) == {9, 10, 13}


def test_an_absence_refuses_the_patrols_during_it(officer, inspector, three):
    absence_create(
        officer=officer, kind=AbsenceKind.SICKNESS, starts_on=date(2026, 1, 6), ends_on=date(2026, 1, 6), by=inspector
    )
    outcomes = patrols_bulk(action="assign", patrols=three, by=inspector, officer=officer)
    assert [outcome.done for outcome in outcomes] == [False, False, False]
    assert outcomes[0].message.endswith(f"not done — {officer} is away: Off sick 6 Jan.")
    assert not Assignment.objects.exists()


def test_a_warning_refuses_a_patrol_unless_overridden(world, officer, inspector):
    site = world.objects["site_a"]
    assignment_create(patrol=_patrol(site, datetime(2026, 1, 6, 7, 0, tzinfo=UTC), hours=6), officer=officer, by=None)
    longer = _patrol(site, datetime(2026, 1, 6, 16, 0, tzinfo=UTC), hours=2)
    outcomes = patrols_bulk(action="assign", patrols=[longer], by=inspector, officer=officer)
    assert _messages(outcomes) == [
        (
            False,
            "Beth Test Synagogue, Tue 6 Jan 16:00–18:00: not done — Duty would run 11 h (07:00–18:00)"
            ", over the area's 10 h limit.",
        )
    ]
    assert Assignment.objects.count() == 1
    outcomes = patrols_bulk(
        action="assign", patrols=[longer], by=inspector, officer=officer, override_reason="Festival cover"
    )
    assert outcomes[0].done
    assert Assignment.objects.get(patrol=longer).override_reason == "Festival cover"


def test_several_patrols_are_cancelled_with_the_reason_and_a_cancelled_one_is_named(inspector, three):
    patrol_cancel(patrol=three[2], by=None, reason="Closed", expected_version=None)
    outcomes = patrols_bulk(action="cancel", patrols=three, by=inspector, reason="Snow")
    assert _messages(outcomes) == [
        (True, "Beth Test Synagogue, Tue 6 Jan 09:00–10:00: cancelled."),
        (
            False,
            "Beth Test Synagogue, Tue 6 Jan 11:00–12:00: not done — "
            "Only a scheduled patrol can be cancelled; this one is cancelled.",
        ),
        (True, "Beth Test Synagogue, Tue 6 Jan 13:00–14:00: cancelled."),
    ]
    assert list(Patrol.objects.order_by("starts_at").values_list("cancel_reason", flat=True)) == [
        "Snow",
        "Closed",
        "Snow",
    ]


def test_cancelled_patrols_are_restored_and_a_scheduled_one_is_named(inspector, three):
    patrol_cancel(patrol=three[0], by=None, reason="Closed", expected_version=None)  # 13:00
    outcomes = patrols_bulk(action="restore", patrols=three[:2], by=inspector)  # 13:00 and 09:00
    assert _messages(outcomes) == [
        (False, "Beth Test Synagogue, Tue 6 Jan 09:00–10:00: not done — Only a cancelled patrol can be restored."),
        (True, "Beth Test Synagogue, Tue 6 Jan 13:00–14:00: restored."),
    ]
    assert set(Patrol.objects.values_list("status", flat=True)) == {PatrolStatus.SCHEDULED}


@pytest.mark.parametrize(
    ("action", "fields", "message"),
    [
        ("assign", {}, "Choose the officer to assign."),
        ("cancel", {"reason": "  "}, "Say why the patrols are cancelled."),
        ("delete", {}, "Choose assign, cancel or restore."),
    ],
)
def test_a_bad_request_is_refused_as_a_whole_and_nothing_changes(inspector, three, action, fields, message):
    with pytest.raises(ValidationError) as refused:
        patrols_bulk(action=action, patrols=three, by=inspector, **fields)
    assert message in " ".join(refused.value.messages)
    assert not Assignment.objects.exists()
    assert set(Patrol.objects.values_list("status", "version")) == {(PatrolStatus.SCHEDULED, 1)}


def test_no_patrols_or_too_many_are_refused(officer, inspector, three):
    with pytest.raises(ValidationError, match="Choose at least one patrol."):
        patrols_bulk(action="assign", patrols=[], by=inspector, officer=officer)
    with pytest.raises(ValidationError, match=f"Choose at most {BULK_MAX_PATROLS} patrols at a time."):
        patrols_bulk(action="assign", patrols=three * 200, by=inspector, officer=officer)
    assert not Assignment.objects.exists()
