"""The alert level and the rota: raising it starts a run that adds the surge rules' patrols in its
window; ending it early or its expiry starts a run that cancels them, except those someone is on."""

from datetime import time, timedelta

import pytest
from django.core.exceptions import ValidationError

from patrols.models import GenerationRun, Patrol, PatrolStatus, RunTrigger
from patrols.services import assignment_create
from sites.models import AreaSurge
from sites.surges import surge_end, surge_raise, surges_expire
from sites.tasks import expire_surges

from .conftest import NOW, school_rule

pytestmark = pytest.mark.django_db


def surge_rule(area, sites):
    """Every day 20:00 for two hours, only while the alert level is raised."""
    return school_rule(
        area,
        sites,
        label="Surge evening",
        recurrence="FREQ=DAILY",
        start_time=time(20, 0),
        duration_minutes=120,
        surge_only=True,
    )


def surge_patrols(rule):
    return Patrol.objects.filter(rule=rule).order_by("starts_at", "site_id")


def test_a_surge_rule_plans_nothing_while_the_level_is_normal(world, area, sites, stopped_clock):
    from patrols.services import rota_sync

    routine = school_rule(area, sites)
    rule = surge_rule(area, sites)
    rota_sync(area=area, days=14)
    assert not surge_patrols(rule).exists()
    assert surge_patrols(routine).count() == 10 * len(sites)


def test_raising_the_level_runs_at_once_and_adds_the_surge_patrols_of_its_window_only(
    world, area, sites, stopped_clock, django_capture_on_commit_callbacks
):
    rule = surge_rule(area, sites)
    inspector = world.users["inspector_a"]
    # Monday 07:00 until Wednesday 21:00: the evenings of Monday, Tuesday and Wednesday (20:00
    # starts before 21:00); not Thursday's.
    with django_capture_on_commit_callbacks(execute=True):
        surge = surge_raise(area=area, by=inspector, reason="Incident nearby", ends_at=NOW + timedelta(hours=62))

    run = GenerationRun.objects.get(trigger=RunTrigger.SURGE)
    assert (run.requested_by, run.status) == (inspector, "succeeded")
    starts = sorted({patrol.starts_at for patrol in surge_patrols(rule)})
    assert starts == [NOW.replace(hour=20) + timedelta(days=day) for day in range(3)]
    assert surge_patrols(rule).count() == 3 * len(sites)
    assert all(surge.raised_at <= start < surge.ends_at for start in starts)


def test_ending_the_level_early_cancels_its_patrols_to_come_except_one_someone_is_on(
    world, area, sites, stopped_clock, django_capture_on_commit_callbacks
):
    rule = surge_rule(area, sites)
    inspector = world.users["inspector_a"]
    with django_capture_on_commit_callbacks(execute=True):
        surge_raise(area=area, by=inspector, reason="Incident", ends_at=NOW + timedelta(hours=62))
    staffed = surge_patrols(rule).filter(starts_at__date=(NOW + timedelta(days=2)).date()).first()
    assignment_create(patrol=staffed, officer=world.users["officer"].officer, by=inspector, notify=False)

    stopped_clock.move_to(NOW + timedelta(hours=30))  # Tuesday 13:00: Monday's evening is past
    with django_capture_on_commit_callbacks(execute=True):
        surge_end(area=area, by=inspector)

    surge = AreaSurge.objects.get()
    assert (surge.ended_by, surge.ended_at) == (inspector, NOW + timedelta(hours=30))
    run = GenerationRun.objects.filter(trigger=RunTrigger.SURGE).latest("pk")
    assert (run.requested_by, run.cancelled, run.held) == (inspector, 2 * len(sites) - 1, 1)
    staffed.refresh_from_db()
    assert staffed.status == PatrolStatus.SCHEDULED  # held: an officer is on it
    to_come = surge_patrols(rule).exclude(pk=staffed.pk).filter(starts_at__gt=surge.ended_at)
    assert to_come.count() == 2 * len(sites) - 1 and set(to_come.values_list("status", flat=True)) == {"cancelled"}
    # What the surge patrolled before it ended is the record of what happened: left as it was.
    assert set(surge_patrols(rule).filter(starts_at__lt=surge.ended_at).values_list("status", flat=True)) == {
        PatrolStatus.SCHEDULED
    }


def test_when_the_level_expires_a_run_starts_and_the_surge_plans_nothing_more(
    world, area, sites, stopped_clock, django_capture_on_commit_callbacks
):
    rule = surge_rule(area, sites)
    with django_capture_on_commit_callbacks(execute=True):
        surge_raise(area=area, by=world.users["inspector_a"], reason="Incident", ends_at=NOW + timedelta(hours=62))
    before = set(surge_patrols(rule).values_list("pk", "status"))

    stopped_clock.move_to(NOW + timedelta(hours=62, minutes=2))  # the task's next beat after the end
    with django_capture_on_commit_callbacks(execute=True):
        assert [surge.area for surge in surges_expire()] == [area]

    surge = AreaSurge.objects.get()
    assert (surge.ended_by, surge.ended_at) == (None, surge.ends_at)
    run = GenerationRun.objects.filter(trigger=RunTrigger.SURGE).latest("pk")
    assert (run.requested_by, run.status, run.created) == (None, "succeeded", 0)
    # Every surge patrol started before the end: they are the record, not cancelled.
    assert set(surge_patrols(rule).values_list("pk", "status")) == before


def test_expiry_is_safe_to_run_twice_and_leaves_open_surges_alone(
    world, area, stopped_clock, django_capture_on_commit_callbacks
):
    inspector = world.users["inspector_a"]
    surge_raise(area=area, by=inspector, reason="Incident", ends_at=NOW + timedelta(hours=2))
    surge_raise(area=world.area_b, by=world.users["inspector_b"], reason="Other", ends_at=NOW + timedelta(hours=5))

    stopped_clock.move_to(NOW + timedelta(hours=3))
    with django_capture_on_commit_callbacks(execute=True):
        assert expire_surges.delay().get() == 1
        assert expire_surges.delay().get() == 0
    expired = AreaSurge.objects.get(area=area)
    assert (expired.ended_at, expired.ended_by) == (NOW + timedelta(hours=2), None)
    assert AreaSurge.objects.get(area=world.area_b).ended_at is None
    assert GenerationRun.objects.filter(area=area, trigger=RunTrigger.SURGE).count() == 2  # raised, expired


def test_the_level_is_raised_once_for_at_most_fourteen_days_from_now(world, area, stopped_clock):
    inspector = world.users["inspector_a"]
    with pytest.raises(ValidationError, match="in the future"):
        surge_raise(area=area, by=inspector, reason="Incident", ends_at=NOW - timedelta(minutes=1))
    with pytest.raises(ValidationError, match="at most 14 days"):
        surge_raise(area=area, by=inspector, reason="Incident", ends_at=NOW + timedelta(days=14, minutes=1))
    with pytest.raises(ValidationError):
        surge_raise(area=area, by=inspector, reason="   ")
    assert not AreaSurge.objects.exists()

    surge = surge_raise(area=area, by=inspector, reason="Incident")
    assert surge.ends_at == NOW + timedelta(hours=72)
    with pytest.raises(ValidationError, match="already raised"):
        surge_raise(area=area, by=inspector, reason="Again")
    surge_end(area=area, by=inspector)
    with pytest.raises(ValidationError, match="not raised"):
        surge_end(area=area, by=inspector)
    assert AreaSurge.objects.count() == 1
