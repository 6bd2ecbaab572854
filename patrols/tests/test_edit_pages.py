"""The inspector's patrol dialog and its edits through the pages: each edit done (and the board
told), each refusal said with nothing changed, stale copies refused showing what changed and
keeping what was typed, a one-off patrol, bulk actions — and every kind of hand edit surviving a
regeneration of the rota."""

from datetime import UTC, datetime, time, timedelta

import pytest
from django.urls import reverse

from conftest import make_user
from patrols.models import Assignment, Patrol, PatrolStatus
from patrols.services import assignment_create, patrol_create_manual, patrol_update, rota_sync
from sites.models import Role

from .conftest import NOW, TODAY, school_rule

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]

HOUR = timedelta(hours=1)
TOMORROW_9 = datetime(2026, 1, 6, 9, 0, tzinfo=UTC)  # GMT in January: local 09:00
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def inspector(world):
    return world.client("inspector_a")


@pytest.fixture
def officer(world):
    return world.users["officer"].officer


@pytest.fixture
def patrol(world):
    return patrol_create_manual(
        site=world.objects["site_a"], starts_at=TOMORROW_9, ends_at=TOMORROW_9 + 2 * HOUR, by=None, label="School"
    )


def _url(name, patrol):
    return reverse(f"patrols:{name}", args=[patrol.pk])


def _state(patrol):
    """What an edit may change, to assert a refusal changed nothing."""
    patrol.refresh_from_db()
    return (
        patrol.starts_at,
        patrol.ends_at,
        patrol.kind,
        patrol.officers_required,
        patrol.volunteers_required,
        patrol.status,
        patrol.version,
        sorted(patrol.assignments.values_list("officer_id", flat=True)),
    )


def _move(patrol, day="2026-01-06", start="11:00", end="13:00", version=None):
    return {
        "move-version": patrol.version if version is None else version,
        "move-day": day,
        "move-start": start,
        "move-end": end,
    }


# The dialog


def test_the_dialog_shows_the_patrol_in_its_area_time_with_its_forms_and_version(inspector, patrol):
    response = inspector.get(_url("patrol", patrol), **HTMX)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="patrol-dialog-body"' in html and "<html" not in html  # a partial for the board's dialog
    assert "Tue 6 Jan 2026 09:00–11:00" in html
    assert "0/1 officers" in html
    assert f'name="move-version" value="{patrol.version}"' in html
    for name in ("patrol_move", "patrol_staffing", "patrol_cancel", "patrol_assign"):
        assert _url(name, patrol) in html


def test_without_javascript_the_dialog_is_a_page(inspector, patrol):
    response = inspector.get(_url("patrol", patrol))
    assert response.status_code == 200
    assert b"<html" in response.content and b'id="patrol-dialog-body"' in response.content


def test_a_summer_patrol_is_shown_and_moved_in_local_time(world, inspector):
    starts = datetime(2026, 7, 6, 8, 0, tzinfo=UTC)  # 09:00 BST
    patrol = patrol_create_manual(site=world.objects["site_a"], starts_at=starts, ends_at=starts + HOUR, by=None)
    assert "09:00–10:00" in inspector.get(_url("patrol", patrol), **HTMX).content.decode()
    inspector.post(_url("patrol_move", patrol), _move(patrol, day="2026-07-06", start="10:00", end="11:00"), **HTMX)
    patrol.refresh_from_db()
    assert patrol.starts_at == datetime(2026, 7, 6, 9, 0, tzinfo=UTC)


def test_a_move_into_the_spring_forward_gap_lands_after_it(world, inspector):
    starts = datetime(2026, 3, 28, 10, 0, tzinfo=UTC)
    patrol = patrol_create_manual(site=world.objects["site_a"], starts_at=starts, ends_at=starts + HOUR, by=None)
    inspector.post(_url("patrol_move", patrol), _move(patrol, day="2026-03-29", start="01:30", end="03:00"))
    patrol.refresh_from_db()
    # 01:30 does not exist that night: it is 02:30 BST (01:30 UTC), as the rota's DST policy says.
    assert patrol.starts_at == datetime(2026, 3, 29, 1, 30, tzinfo=UTC)
    assert patrol.ends_at == datetime(2026, 3, 29, 2, 0, tzinfo=UTC)


# Edits


def test_moving_a_patrol_pins_it_and_tells_the_board(inspector, patrol):
    response = inspector.post(_url("patrol_move", patrol), _move(patrol), **HTMX)
    assert response.status_code == 200
    assert "Moved to Tue 6 Jan 11:00–13:00." in response.content.decode()
    assert f'"ids": [{patrol.pk}]' in response["HX-Trigger"]
    patrol.refresh_from_db()
    assert (patrol.starts_at, patrol.ends_at, patrol.pinned) == (TOMORROW_9 + 2 * HOUR, TOMORROW_9 + 4 * HOUR, True)
    assert "Tue 6 Jan 2026 11:00–13:00" in response.content.decode()  # the dialog shows the new state


def test_a_night_patrol_ends_the_next_morning(inspector, patrol):
    inspector.post(_url("patrol_move", patrol), _move(patrol, start="22:00", end="02:00"))
    patrol.refresh_from_db()
    assert patrol.ends_at - patrol.starts_at == 4 * HOUR


def test_without_javascript_an_edit_redirects_to_the_patrol_page_with_a_message(inspector, patrol):
    response = inspector.post(_url("patrol_move", patrol), _move(patrol), follow=True)
    assert response.redirect_chain[-1][0] == _url("patrol", patrol)
    assert b"Moved to Tue 6 Jan 11:00" in response.content


def test_moving_a_patrol_into_the_past_is_refused_and_changes_nothing(inspector, patrol):
    before = _state(patrol)
    response = inspector.post(_url("patrol_move", patrol), _move(patrol, day="2026-01-04"))
    assert response.status_code == 422
    assert "A patrol cannot be moved to a time that has passed." in response.content.decode()
    assert _state(patrol) == before


def test_a_move_refused_over_htmx_is_said_in_the_dialog_and_triggers_nothing(inspector, patrol):
    before = _state(patrol)
    response = inspector.post(_url("patrol_move", patrol), _move(patrol, start="bad"), **HTMX)
    assert response.status_code == 200 and "HX-Trigger" not in response
    assert "Enter a valid time." in response.content.decode()
    assert _state(patrol) == before


def test_moving_onto_another_patrol_of_its_officer_is_refused_naming_it(world, inspector, patrol, officer):
    other = patrol_create_manual(
        site=world.objects["site_a"], starts_at=TOMORROW_9 + 4 * HOUR, ends_at=TOMORROW_9 + 5 * HOUR, by=None
    )
    assignment_create(patrol=patrol, officer=officer, by=None)
    assignment_create(patrol=other, officer=officer, by=None)
    before = _state(patrol)
    response = inspector.post(_url("patrol_move", patrol), _move(patrol, start="12:30", end="13:30"))
    assert response.status_code == 422
    assert "is already on a patrol at Beth Test Synagogue on Tue 6 Jan 13:00–14:00" in response.content.decode()
    assert _state(patrol) == before


def test_changing_staffing_makes_a_joint_patrol_with_its_places(inspector, patrol):
    data = {
        "staffing-version": patrol.version,
        "staffing-kind": "joint",
        "staffing-officers_required": 2,
        "staffing-volunteers_required": 3,
    }
    response = inspector.post(_url("patrol_staffing", patrol), data, **HTMX)
    assert "Staffing changed: Joint with CST, 2 officers, 3 CST." in response.content.decode()
    patrol.refresh_from_db()
    assert (patrol.kind, patrol.officers_required, patrol.volunteers_required, patrol.pinned) == ("joint", 2, 3, True)
    assert patrol.slots.count() == 3


def test_a_joint_patrol_without_cst_places_is_refused(inspector, patrol):
    before = _state(patrol)
    data = {"staffing-version": patrol.version, "staffing-kind": "joint", "staffing-officers_required": 1}
    response = inspector.post(_url("patrol_staffing", patrol), data)
    assert response.status_code == 422
    assert "A joint patrol needs at least one CST place." in response.content.decode()
    assert _state(patrol) == before


def test_cancelling_needs_a_reason_and_restoring_puts_it_back(inspector, patrol):
    before = _state(patrol)
    response = inspector.post(_url("patrol_cancel", patrol), {"cancel-version": patrol.version, "cancel-reason": ""})
    assert response.status_code == 422 and "This field is required." in response.content.decode()
    assert _state(patrol) == before

    response = inspector.post(
        _url("patrol_cancel", patrol), {"cancel-version": patrol.version, "cancel-reason": "Site closed"}, **HTMX
    )
    assert "Patrol cancelled." in response.content.decode()
    patrol.refresh_from_db()
    assert (patrol.status, patrol.cancel_reason) == (PatrolStatus.CANCELLED, "Site closed")
    assert "cancelled (Site closed)" in response.content.decode()  # in its history

    response = inspector.post(_url("patrol_restore", patrol), {"restore-version": patrol.version}, **HTMX)
    assert "Patrol restored." in response.content.decode()
    patrol.refresh_from_db()
    assert patrol.status == PatrolStatus.SCHEDULED


def test_restoring_a_scheduled_patrol_is_refused(inspector, patrol):
    before = _state(patrol)
    response = inspector.post(_url("patrol_restore", patrol), {"restore-version": patrol.version})
    assert response.status_code == 422
    assert "Only a cancelled patrol can be restored." in response.content.decode()
    assert _state(patrol) == before


def test_a_form_without_its_version_is_refused(inspector, patrol):
    before = _state(patrol)
    response = inspector.post(_url("patrol_cancel", patrol), {"cancel-reason": "Closed"})
    assert response.status_code == 422
    assert _state(patrol) == before


# Stale copies


def test_a_move_from_a_stale_copy_is_refused_saying_what_changed_and_keeping_what_was_typed(world, inspector, patrol):
    seen = patrol.version
    other = world.users["inspector_a"]
    other.first_name, other.last_name = "Ada", "Inspector"
    other.save()
    patrol_update(
        patrol=patrol, by=other, expected_version=seen, starts_at=TOMORROW_9 + HOUR, ends_at=TOMORROW_9 + 3 * HOUR
    )
    after_other = _state(patrol)

    response = inspector.post(
        _url("patrol_move", patrol), _move(patrol, start="14:00", end="15:00", version=seen), **HTMX
    )
    html = response.content.decode()
    assert "Someone else changed this patrol while you were editing it." in html
    assert "Moved from Tue 6 Jan 09:00–11:00 to Tue 6 Jan 10:00–12:00 by Ada Inspector at 07:00" in html
    assert "Tue 6 Jan 2026 10:00–12:00" in html  # the current state
    assert 'value="14:00"' in html and 'value="15:00"' in html  # what they typed, kept
    assert f'name="move-version" value="{patrol.version}"' in html  # ... on the current version
    assert "Apply my move again" in html
    assert _state(patrol) == after_other  # nothing overwritten
    assert "HX-Trigger" not in response

    # Applying it again on the current version does it.
    response = inspector.post(_url("patrol_move", patrol), _move(patrol, start="14:00", end="15:00"), **HTMX)
    patrol.refresh_from_db()
    assert patrol.starts_at == TOMORROW_9 + 5 * HOUR


def test_a_cancel_from_a_stale_copy_is_refused_and_keeps_the_reason(inspector, patrol):
    seen = patrol.version
    patrol_update(patrol=patrol, by=None, expected_version=seen, officers_required=2)
    after = _state(patrol)
    response = inspector.post(_url("patrol_cancel", patrol), {"cancel-version": seen, "cancel-reason": "Road closed"})
    html = response.content.decode()
    assert response.status_code == 422
    assert "Officers needed 1 → 2 by the system" in html
    assert 'value="Road closed"' in html
    assert _state(patrol) == after


def test_a_move_from_before_a_cancellation_is_refused_and_kept_to_apply(inspector, patrol):
    from patrols.services import patrol_cancel

    seen = patrol.version
    patrol_cancel(patrol=patrol, by=None, reason="Funeral", expected_version=seen)
    after = _state(patrol)
    response = inspector.post(_url("patrol_move", patrol), _move(patrol, start="15:00", end="16:00", version=seen))
    html = response.content.decode()
    assert response.status_code == 422
    assert "Cancelled: Funeral by the system" in html
    assert 'value="15:00"' in html and "Apply my move again" in html and "Restore patrol" in html
    assert _state(patrol) == after


def test_a_stale_copy_after_the_generator_changed_the_patrol_names_the_run(world, inspector, area):
    rule = school_rule(area, [world.objects["site_a"]])
    rota_sync(area=area, start=TODAY, end=TODAY + timedelta(days=2))
    patrol = Patrol.objects.filter(rule=rule).order_by("starts_at").last()
    seen = patrol.version
    rule.start_time = time(8, 30)
    rule.save()
    rota_sync(area=area, start=TODAY, end=TODAY + timedelta(days=2))
    patrol.refresh_from_db()
    assert patrol.version > seen
    response = inspector.post(_url("patrol_move", patrol), _move(patrol, start="10:00", end="11:00", version=seen))
    assert f"Changed by rota run #{patrol.last_run_id}" in response.content.decode()


# Officers


def test_assigning_an_officer_puts_them_on_and_tells_the_board(inspector, patrol, officer):
    page = inspector.get(_url("patrol", patrol), **HTMX).content.decode()
    assert str(officer) in page  # offered
    response = inspector.post(
        _url("patrol_assign", patrol), {"assign-version": patrol.version, "assign-officer": officer.pk}, **HTMX
    )
    assert f"{officer} put on the patrol." in response.content.decode()
    assert "HX-Trigger" in response
    assert Assignment.objects.filter(patrol=patrol, officer=officer).exists()
    assert "1/1 officers" in response.content.decode()


def test_an_overlapping_assignment_is_refused_naming_the_conflict(world, inspector, patrol, officer):
    other = patrol_create_manual(
        site=world.objects["site_a"], starts_at=TOMORROW_9 + HOUR, ends_at=TOMORROW_9 + 3 * HOUR, by=None
    )
    assignment_create(patrol=other, officer=officer, by=None)
    response = inspector.post(
        _url("patrol_assign", patrol), {"assign-version": patrol.version, "assign-officer": officer.pk}
    )
    assert response.status_code == 422
    assert "is already on a patrol at Beth Test Synagogue on Tue 6 Jan 10:00–12:00" in response.content.decode()
    assert not patrol.assignments.exists()


def test_an_officer_of_another_area_is_not_found(world, inspector, patrol):
    outsider = make_user("pc-b", role=Role.OFFICER, area=world.area_b, collar="PC900").officer
    response = inspector.post(
        _url("patrol_assign", patrol), {"assign-version": patrol.version, "assign-officer": outsider.pk}
    )
    assert response.status_code == 422
    assert "Choose an officer of this area." in response.content.decode()
    assert not patrol.assignments.exists()


def test_removing_an_officer_takes_them_off(inspector, patrol, officer):
    assignment = assignment_create(patrol=patrol, officer=officer, by=None)
    response = inspector.post(
        reverse("patrols:assignment_remove", args=[assignment.pk]), {"remove-version": patrol.version}, **HTMX
    )
    assert f"{officer} taken off the patrol." in response.content.decode()
    assert not patrol.assignments.exists()
    assert f"removed {officer}" in response.content.decode()  # in the history


# A one-off patrol


def test_the_add_form_is_prefilled_from_the_board_cell(world, inspector):
    site = world.objects["site_a"]
    response = inspector.get(reverse("patrols:patrol_add") + f"?site={site.pk}&day=2026-01-07", **HTMX)
    html = response.content.decode()
    assert f'<option value="{site.pk}" selected>' in html
    assert 'value="2026-01-07"' in html


def test_the_add_form_of_a_site_elsewhere_is_not_found(world, inspector):
    response = inspector.get(reverse("patrols:patrol_add") + f"?site={world.objects['site_b'].pk}")
    assert response.status_code == 404


def test_adding_a_joint_patrol_creates_it_with_its_places(world, inspector):
    data = {
        "add-site": world.objects["site_a"].pk,
        "add-day": "2026-01-10",
        "add-start": "10:00",
        "add-end": "12:00",
        "add-kind": "joint",
        "add-officers_required": 1,
        "add-volunteers_required": 2,
        "add-label": "Bar mitzvah",
    }
    response = inspector.post(reverse("patrols:patrol_add"), data, **HTMX)
    patrol = Patrol.objects.get(label="Bar mitzvah")
    assert patrol.rule_id is None and patrol.slots.count() == 2
    assert patrol.starts_at == datetime(2026, 1, 10, 10, 0, tzinfo=UTC)
    assert "Patrol added." in response.content.decode() and "HX-Trigger" in response


def test_adding_a_patrol_in_the_past_is_refused(world, inspector):
    data = {
        "add-site": world.objects["site_a"].pk,
        "add-day": "2026-01-01",
        "add-start": "10:00",
        "add-end": "12:00",
        "add-kind": "police",
        "add-officers_required": 1,
    }
    response = inspector.post(reverse("patrols:patrol_add"), data)
    assert response.status_code == 422
    assert "A patrol cannot start at a time that has passed." in response.content.decode()
    assert not Patrol.objects.exists()


def test_adding_a_patrol_at_a_site_elsewhere_is_refused(world, inspector):
    data = {
        "add-site": world.objects["site_b"].pk,
        "add-day": "2026-01-10",
        "add-start": "10:00",
        "add-end": "12:00",
        "add-kind": "police",
        "add-officers_required": 1,
    }
    response = inspector.post(reverse("patrols:patrol_add"), data)
    assert response.status_code == 422
    assert "Select a valid choice." in response.content.decode()
    assert not Patrol.objects.exists()


# Bulk


@pytest.fixture
def three_patrols(world):
    site = world.objects["site_a"]
    return [
        patrol_create_manual(
            site=site, starts_at=TOMORROW_9 + hours * HOUR, ends_at=TOMORROW_9 + (hours + 1) * HOUR, by=None
        )
        for hours in (0, 2, 4)
    ]


def test_bulk_assign_lists_what_was_done_and_what_was_refused(world, inspector, officer, three_patrols):
    first, second, third = three_patrols
    busy = patrol_create_manual(
        site=world.objects["site_a"], starts_at=TOMORROW_9 + 2 * HOUR, ends_at=TOMORROW_9 + 3 * HOUR, by=None
    )
    assignment_create(patrol=busy, officer=officer, by=None)
    data = {"action": "assign", "officer": officer.pk, "patrols": [first.pk, second.pk, third.pk]}
    response = inspector.post(reverse("patrols:bulk"), data, **HTMX)
    html = response.content.decode()
    assert "2 done, 1 refused" in html
    assert "which overlaps this one" in html
    assert set(Assignment.objects.filter(officer=officer).values_list("patrol_id", flat=True)) == {
        first.pk,
        third.pk,
        busy.pk,
    }
    assert str(first.pk) in response["HX-Trigger"] and str(second.pk) not in response["HX-Trigger"]


def test_bulk_cancel_and_restore(inspector, three_patrols):
    ids = [patrol.pk for patrol in three_patrols]
    response = inspector.post(reverse("patrols:bulk"), {"action": "cancel", "reason": "Snow", "patrols": ids})
    assert response.status_code == 200 and "3 done, 0 refused" in response.content.decode()
    assert set(Patrol.objects.values_list("status", flat=True)) == {PatrolStatus.CANCELLED}
    inspector.post(reverse("patrols:bulk"), {"action": "restore", "patrols": ids})
    assert set(Patrol.objects.values_list("status", flat=True)) == {PatrolStatus.SCHEDULED}


def test_bulk_cancel_without_a_reason_is_refused_and_changes_nothing(inspector, three_patrols):
    response = inspector.post(reverse("patrols:bulk"), {"action": "cancel", "patrols": [p.pk for p in three_patrols]})
    assert response.status_code == 422
    assert "Say why the patrols are cancelled." in response.content.decode()
    assert set(Patrol.objects.values_list("status", flat=True)) == {PatrolStatus.SCHEDULED}


def test_bulk_over_patrols_of_another_area_touches_none_of_them(world, three_patrols):
    client = world.client("inspector_b")
    response = client.post(
        reverse("patrols:bulk"), {"action": "cancel", "reason": "x", "patrols": [p.pk for p in three_patrols]}
    )
    assert response.status_code == 422
    assert "None of the ticked patrols is in your areas." in response.content.decode()
    assert set(Patrol.objects.values_list("status", flat=True)) == {PatrolStatus.SCHEDULED}


# Hand edits survive the nightly run (issue 9, point 2)


def test_regenerating_keeps_every_kind_of_hand_edit(world, inspector, area, officer):
    site = world.objects["site_a"]
    school_rule(area, [site])
    end = TODAY + timedelta(days=13)  # two school weeks: some patrols nobody touches
    rota_sync(area=area, start=TODAY, end=end)
    moved, restaffed, cancelled, restored, staffed = Patrol.objects.filter(starts_at__gt=NOW).order_by("starts_at")[:5]

    inspector.post(
        _url("patrol_move", moved), _move(moved, day=str(moved.starts_at.date()), start="10:00", end="10:30")
    )
    inspector.post(
        _url("patrol_staffing", restaffed),
        {
            "staffing-version": restaffed.version,
            "staffing-kind": "joint",
            "staffing-officers_required": 2,
            "staffing-volunteers_required": 1,
        },
    )
    inspector.post(
        _url("patrol_cancel", cancelled), {"cancel-version": cancelled.version, "cancel-reason": "Inset day"}
    )
    inspector.post(_url("patrol_cancel", restored), {"cancel-version": restored.version, "cancel-reason": "Mistake"})
    restored.refresh_from_db()
    inspector.post(_url("patrol_restore", restored), {"restore-version": restored.version})
    inspector.post(_url("patrol_assign", staffed), {"assign-version": staffed.version, "assign-officer": officer.pk})
    inspector.post(
        reverse("patrols:patrol_add"),
        {
            "add-site": site.pk,
            "add-day": "2026-01-08",
            "add-start": "15:00",
            "add-end": "16:00",
            "add-kind": "police",
            "add-officers_required": 1,
            "add-label": "One-off",
        },
    )
    edited = {p.pk: _state(p) for p in (moved, restaffed, cancelled, restored, staffed)}
    added = Patrol.objects.get(label="One-off")
    added_state = _state(added)

    # A rule change that would move every patrol, then the nightly run over the same days.
    rule = moved.rule
    rule.start_time = time(8, 0)
    rule.save()
    rota_sync(area=area, start=TODAY, end=end)

    for patrol in (moved, restaffed, cancelled, restored, staffed):
        assert _state(patrol) == edited[patrol.pk], f"patrol {patrol.pk} changed by the run"
    assert _state(added) == added_state
    assert moved.starts_at.time() == time(10, 0)
    assert (restaffed.kind, cancelled.status, restored.status) == ("joint", "cancelled", "scheduled")
    assert staffed.assignments.filter(officer=officer).exists()
    # ... while a patrol nobody touched did follow the rule.
    untouched = Patrol.objects.filter(rule=rule, pinned=False, assignments__isnull=True, starts_at__gt=NOW).first()
    assert untouched.starts_at.astimezone(area.zone).time() == time(8, 0)


def test_no_edit_route_answers_get(inspector, patrol):
    assert inspector.get(_url("patrol_move", patrol)).status_code == 405


# The board


def test_a_chip_links_to_its_patrol_and_a_row_offers_to_add_one(world, inspector, patrol):
    html = inspector.get(reverse("patrols:rota"), {"start": "2026-01-05"}).content.decode()
    assert f'<a href="/rota/patrols/{patrol.pk}/"><b>09:00–11:00</b></a>' in html
    site = world.objects["site_a"]
    assert f'href="/rota/patrols/add/?site={site.pk}&amp;day=2026-01-05"' in html
    assert 'data-rows-url="/rota/rows/?area=area-a' in html


def test_the_board_redraws_one_site_row_after_an_edit(world, inspector, patrol):
    inspector.post(_url("patrol_move", patrol), _move(patrol, day="2026-01-07"), **HTMX)
    rows = inspector.get(
        reverse("patrols:rota_rows"), {"area": "area-a", "start": "2026-01-05", "site": patrol.site_id}
    )
    html = rows.content.decode()
    assert html.count("<tr data-site=") == 1
    assert '<td data-day="2026-01-07"><div class="chip' in html and "11:00–13:00" in html
    assert "Loading more sites" not in html


def test_the_board_row_of_a_site_elsewhere_is_empty(world, inspector):
    rows = inspector.get(reverse("patrols:rota_rows"), {"area": "area-a", "site": world.objects["site_b"].pk})
    assert "<tr data-site=" not in rows.content.decode()


# Warnings and absences


@pytest.fixture
def early_duty(world, officer):
    """The officer on a patrol 06:00–07:00 tomorrow: a patrol at 12:00 starts a second duty after
    five hours' rest, under the area's eleven."""
    early = patrol_create_manual(
        site=world.objects["site_a"], starts_at=TOMORROW_9 - 3 * HOUR, ends_at=TOMORROW_9 - 2 * HOUR, by=None
    )
    assignment_create(patrol=early, officer=officer, by=None)
    return early


def test_a_warning_asks_for_a_reason_and_changes_nothing_until_given_one(world, inspector, officer, early_duty):
    noon = patrol_create_manual(
        site=world.objects["site_a"], starts_at=TOMORROW_9 + 3 * HOUR, ends_at=TOMORROW_9 + 4 * HOUR, by=None
    )
    data = {"assign-version": noon.version, "assign-officer": officer.pk}
    response = inspector.post(_url("patrol_assign", noon), data, **HTMX)
    html = response.content.decode()
    assert 'id="override-form"' in html and "Assign anyway" in html
    assert "rest" in html  # the warning, said
    assert "HX-Trigger" not in response
    assert not noon.assignments.exists()

    data["assign-override_reason"] = "Only officer trained for this site"
    response = inspector.post(_url("patrol_assign", noon), data, **HTMX)
    assert "Warning overridden: Only officer trained for this site" in response.content.decode()
    assignment = noon.assignments.get()
    assert assignment.officer == officer and assignment.override_reason == "Only officer trained for this site"
    assert "Only officer trained for this site" in response.content.decode()  # in the history


def test_an_absent_officer_is_refused_naming_the_absence(world, inspector, patrol, officer):
    from people.models import AbsenceKind
    from people.services import absence_create

    absence_create(
        officer=officer, kind=AbsenceKind.TRAINING, starts_on=TOMORROW_9.date(), ends_on=TOMORROW_9.date(), by=None
    )
    response = inspector.post(
        _url("patrol_assign", patrol), {"assign-version": patrol.version, "assign-officer": officer.pk}
    )
    assert response.status_code == 422
    assert f"{officer} is away" in response.content.decode()
    assert not patrol.assignments.exists()


def test_the_dialog_ranks_the_officers_with_the_reason_for_each(world, inspector, patrol, officer):
    busy = patrol_create_manual(
        site=world.objects["site_a"], starts_at=TOMORROW_9 + HOUR, ends_at=TOMORROW_9 + 3 * HOUR, by=None
    )
    assignment_create(patrol=busy, officer=officer, by=None)
    free = make_user("pc-2", role=Role.OFFICER, area=world.area_a, collar="PC200", first_name="Sam", last_name="Free")
    html = inspector.get(_url("patrol", patrol), **HTMX).content.decode()
    # The free officer first, suggested; the busy one after, with their conflict named.
    assert html.index(str(free.officer)) < html.index(f"<strong>{officer}</strong>")
    assert '<span class="badge danger">not free</span>' in html
    assert "On a patrol at Beth Test Synagogue 10:00–12:00" in html


def _dialog_queries(client, patrol) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        assert client.get(_url("patrol", patrol), **HTMX).status_code == 200
    return len(queries)


def test_the_dialog_takes_the_same_queries_for_few_or_many_officers_and_edits(world, inspector, patrol):
    inspector.get(_url("patrol", patrol), **HTMX)  # warm the session
    few = _dialog_queries(inspector, patrol)
    for number in range(6):
        user = make_user(f"pc-{number}", role=Role.OFFICER, area=world.area_a, collar=f"PC9{number:02d}")
        if number % 2:
            assignment_create(patrol=patrol, officer=user.officer, by=None)
    for hours in (1, 2, 3):
        patrol_update(
            patrol=patrol,
            by=world.users["inspector_a"],
            expected_version=patrol.version,
            starts_at=TOMORROW_9 + hours * HOUR,
            ends_at=TOMORROW_9 + (hours + 2) * HOUR,
        )
    assert _dialog_queries(inspector, patrol) == few
