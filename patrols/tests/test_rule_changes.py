"""The rota follows a saved rule: creating, changing or deactivating a rule, on the page or
through the API, queues exactly one run of its area (after commit); a refused save queues none;
the rules page then shows that run's progress and its counts."""

import re

import pytest
from django.urls import reverse

from calendar_rules.models import PatrolRule
from calendar_rules.tests.factories import make_rule
from patrols.models import GenerationRun, Patrol, RunStatus, RunTrigger

from .conftest import make_sites


def form_data(world, site, **overrides) -> dict:
    data = {
        "area": world.area_a.pk,
        "label": "Shabbat morning",
        "kind": "police",
        "officers_required": 1,
        "volunteers_required": 0,
        "trigger": "rrule",
        "recurrence_advanced": "on",
        "recurrence": "FREQ=WEEKLY;BYDAY=SA",
        "timing": "day",
        "start_anchor": "time",
        "start_time": "10:00",
        "start_offset_minutes": 0,
        "duration_minutes": 120,
        "end_anchor": "",
        "end_offset_minutes": 0,
        "site_selection": "sites",
        "sites": [site.pk],
        "valid_from": "2026-01-01",
    }
    data.update(overrides)
    return data


def the_queued_run(world) -> GenerationRun:
    run = GenerationRun.objects.get()
    assert (run.area, run.trigger, run.requested_by) == (world.area_a, RunTrigger.RULE, world.users["inspector_a"])
    return run


def test_saving_a_new_rule_on_the_page_queues_one_run_of_its_area_and_the_list_shows_its_counts(
    world, frozen, django_capture_on_commit_callbacks
):
    [site] = make_sites(world.area_a, 1)
    client = world.client("inspector_a")
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = client.post(reverse("calendar_rules:rule_create"), form_data(world, site))
    run = the_queued_run(world)
    assert len(callbacks) == 1  # the run's task, enqueued once the save committed
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('calendar_rules:rule_list')}?run={run.pk}"

    page = client.get(response["Location"]).content.decode()
    assert "The rota follows your change" in page and "is being brought up to date" in page
    progress_url = reverse("patrols:run_progress", args=[run.pk])
    assert re.search(rf'hx-get="{re.escape(progress_url)}"\s+hx-trigger="load"', page)

    run.refresh_from_db()
    saturdays = Patrol.objects.filter(rule__label="Shabbat morning").count()
    assert run.status == RunStatus.SUCCEEDED and run.created == saturdays > 0
    partial = client.get(progress_url).content.decode()
    assert f"{saturdays} patrols added, 0 moved or changed, 0 cancelled." in partial


def test_changing_a_rule_queues_one_run_and_the_counts_say_what_moved(
    world, frozen, django_capture_on_commit_callbacks
):
    [site] = make_sites(world.area_a, 1)
    client = world.client("inspector_a")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("calendar_rules:rule_create"), form_data(world, site))
    rule = PatrolRule.objects.get()
    planned = Patrol.objects.filter(rule=rule).count()
    GenerationRun.objects.all().delete()

    edit = form_data(world, site, start_time="11:00", version=rule.version, rule=rule.pk)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("calendar_rules:rule_edit", args=[rule.pk]), edit)
    run = the_queued_run(world)
    assert response["Location"].endswith(f"?run={run.pk}")
    partial = client.get(reverse("patrols:run_progress", args=[run.pk])).content.decode()
    assert f"0 patrols added, {planned} moved or changed, 0 cancelled." in partial


def test_deactivating_a_rule_on_the_page_queues_one_run_that_cancels_its_patrols(
    world, frozen, django_capture_on_commit_callbacks
):
    [site] = make_sites(world.area_a, 1)
    rule = make_rule(world.area_a, site_selection="sites", site_kinds=[], sites=[site])
    client = world.client("inspector_a")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("calendar_rules:rule_active", args=[rule.pk]), {"active": "0"})
    run = the_queued_run(world)
    assert response["Location"].endswith(f"?run={run.pk}")
    assert run.trigger == RunTrigger.RULE


def test_a_refused_save_queues_no_run(world, django_capture_on_commit_callbacks):
    [site] = make_sites(world.area_a, 1)
    client = world.client("inspector_a")
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = client.post(
            reverse("calendar_rules:rule_create"), form_data(world, site, recurrence="FREQ=WEEKLY;BYDAY=XX")
        )
    assert response.status_code == 200 and "BYDAY" in response.content.decode()
    assert not callbacks and not GenerationRun.objects.exists() and not PatrolRule.objects.exists()


@pytest.mark.parametrize("method", ["create", "patch", "deactivate"])
def test_the_api_queues_one_run_per_saved_change(world, frozen, method, django_capture_on_commit_callbacks):
    [site] = make_sites(world.area_a, 1)
    client = world.client("inspector_a")
    rule = make_rule(world.area_a, site_selection="sites", site_kinds=[], sites=[site])
    with django_capture_on_commit_callbacks(execute=True):
        if method == "create":
            payload = {**form_data(world, site), "area": world.area_a.slug, "label": "Another"}
            payload.pop("recurrence_advanced")
            response = client.post(reverse("rule-list"), payload, format="json")
        elif method == "patch":
            response = client.patch(
                reverse("rule-detail", args=[rule.pk]), {"start_time": "07:00", "version": 1}, format="json"
            )
        else:
            response = client.patch(
                reverse("rule-detail", args=[rule.pk]), {"active": False, "version": 1}, format="json"
            )
    assert response.status_code in (200, 201), response.content
    assert the_queued_run(world).status == RunStatus.SUCCEEDED


def test_a_refused_api_change_queues_no_run(world, django_capture_on_commit_callbacks):
    rule = make_rule(world.area_a)
    client = world.client("inspector_a")
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = client.patch(
            reverse("rule-detail", args=[rule.pk]), {"recurrence": "FREQ=HOURLY", "version": 1}, format="json"
        )
    assert response.status_code == 400
    assert not callbacks and not GenerationRun.objects.exists()
