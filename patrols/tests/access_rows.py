"""Access-matrix rows for the rota's pages and API (see config/tests/test_access_matrix.py)."""

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from config.tests.access import Row, outcomes

from . import (
    access_rows_api_edits,
    access_rows_outcomes,
    access_rows_planner,
    access_rows_visits,
    access_rows_volunteers,
)


def build(world):
    """A joint patrol in area A with the officer on it (its first place requested of HS-01, its
    second open, HS-02 free to ask), a police patrol nobody is on, a joint patrol in area B with
    an open place and a volunteer of B, and a run."""
    from conftest import make_volunteer
    from patrols.models import GenerationRun, PatrolKind, RunTrigger
    from patrols.services import assignment_create, patrol_create_manual, slot_fill

    if "patrol_joint" in world.objects:
        return
    site = world.objects["site_a"]
    start = timezone.now() + timedelta(days=1)
    joint = patrol_create_manual(
        site=site,
        starts_at=start,
        ends_at=start + timedelta(hours=2),
        by=None,
        kind=PatrolKind.JOINT,
        volunteers_required=2,
        label="Shabbat morning",
    )
    assignment_create(patrol=joint, officer=world.users["officer"].officer, by=None)
    later = start + timedelta(hours=5)
    police = patrol_create_manual(site=site, starts_at=later, ends_at=later + timedelta(hours=1), by=None)
    world.objects["patrol_joint"] = joint
    world.objects["patrol_police"] = police
    requested, open_slot = joint.slots.order_by("id")
    slot_fill(slot=requested, volunteer=world.objects["volunteer_a"], by=None)
    world.objects["slot_requested"] = requested
    world.objects["slot_open"] = open_slot
    world.objects["volunteer_a2"] = make_volunteer(world.area_a, "HS-02", name="Dina Levy")
    joint_b = patrol_create_manual(
        site=world.objects["site_b"],
        starts_at=start,
        ends_at=start + timedelta(hours=2),
        by=None,
        kind=PatrolKind.JOINT,
        volunteers_required=1,
    )
    world.objects["patrol_joint_b"] = joint_b
    world.objects["slot_b"] = joint_b.slots.get()
    world.objects["volunteer_b"] = make_volunteer(world.area_b, "HB-01", name="Eli Gold")
    world.objects["run_a"] = GenerationRun.objects.create(area=world.area_a, trigger=RunTrigger.MANUAL)
    access_rows_api_edits.build(world)
    access_rows_outcomes.build(world)
    access_rows_visits.build(world)
    access_rows_volunteers.build(world)


def _start_payload(w):
    return {"area": w.area_a.slug}


def _slot_url(route: str, slot: str):
    return lambda w: reverse(route, args=[w.objects[slot].pk])


def _ask(volunteer: str):
    return lambda w: {"volunteer": w.objects[volunteer].pk}


def _patrol_url(route: str, patrol: str):
    return lambda w: reverse(route, args=[w.objects[patrol].pk])


def _in_two_days(w) -> str:
    return (w.area_a.today() + timedelta(days=2)).isoformat()


def _move(w):
    patrol = w.objects["patrol_police"]
    return {"move-version": patrol.version, "move-day": _in_two_days(w), "move-start": "10:00", "move-end": "11:00"}


def _staffing(w):
    patrol = w.objects["patrol_police"]
    return {"staffing-version": patrol.version, "staffing-kind": "police", "staffing-officers_required": 2}


def _add(w):
    return {
        "add-site": w.objects["site_a"].pk,
        "add-day": _in_two_days(w),
        "add-start": "10:00",
        "add-end": "11:00",
        "add-kind": "police",
        "add-officers_required": 1,
    }


def _absence(w) -> int:
    """The officer of area A away in two months (clear of every other row's patrols)."""
    if "absence_a" not in w.objects:
        from people.models import AbsenceKind
        from people.services import absence_create

        first = timezone.localdate() + timedelta(days=60)
        w.objects["absence_a"] = absence_create(
            officer=w.users["officer"].officer,
            kind=AbsenceKind.LEAVE,
            starts_on=first,
            ends_on=first + timedelta(days=2),
            by=None,
        )
    return w.objects["absence_a"].pk


def _absence_payload(w):
    first = timezone.localdate() + timedelta(days=90)
    return {"officer": w.users["officer"].officer.pk, "kind": "training", "starts_on": first, "ends_on": first}


def _absence_edit_payload(w):
    first = timezone.localdate() + timedelta(days=60)
    return {"kind": "sickness", "starts_on": first, "ends_on": first, "note": ""}


ROWS = [
    # Pages
    Row(
        "my day page",
        "patrols:my_day",
        "GET",
        lambda w: reverse("patrols:my_day"),
        outcomes(302, 200, 403, 403, 403, 200),
    ),
    Row(
        "joint patrols page",
        "patrols:joint",
        "GET",
        lambda w: reverse("patrols:joint"),
        outcomes(302, 403, 200, 403, 403, 200),
    ),
    Row(
        "rota page (own area)",
        "patrols:rota",
        "GET",
        lambda w: reverse("patrols:rota"),
        outcomes(302, 403, 403, 200, 200, 200),
    ),
    Row(
        "rota page (area A)",
        "patrols:rota",
        "GET",
        lambda w: reverse("patrols:rota") + f"?area={w.area_a.slug}",
        outcomes(302, 403, 403, 200, 404, 200),
    ),
    Row(
        "week board rows, a chunk (area A)",
        "patrols:rota_rows",
        "GET",
        lambda w: reverse("patrols:rota_rows") + f"?area={w.area_a.slug}&offset=0",
        outcomes(302, 403, 403, 200, 404, 200),
    ),
    Row(
        "day view (area A)",
        "patrols:rota_day",
        "GET",
        lambda w: reverse("patrols:rota_day", args=["2026-01-10"]) + f"?area={w.area_a.slug}",
        outcomes(302, 403, 403, 200, 404, 200),
    ),
    Row(
        "generation runs page",
        "patrols:runs",
        "GET",
        lambda w: reverse("patrols:runs"),
        outcomes(302, 403, 403, 200, 200, 200),
    ),
    Row(
        "generate now (area A)",
        "patrols:run_start",
        "POST",
        lambda w: reverse("patrols:run_start"),
        outcomes(302, 403, 403, 302, 404, 302),
        data=_start_payload,
    ),
    Row(
        "run progress (area A)",
        "patrols:run_progress",
        "GET",
        lambda w: reverse("patrols:run_progress", args=[w.objects["run_a"].pk]),
        outcomes(302, 403, 403, 200, 404, 200),
    ),
    Row(
        "absences page",
        "patrols:absences",
        "GET",
        lambda w: reverse("patrols:absences"),
        outcomes(302, 403, 403, 200, 200, 200),
    ),
    Row(
        "absences page (an officer of area A)",
        "patrols:absences",
        "GET",
        lambda w: reverse("patrols:absences") + f"?officer={w.users['officer'].officer.pk}",
        outcomes(302, 403, 403, 200, 404, 200),
    ),
    Row(
        "absence add page",
        "patrols:absence_add",
        "GET",
        lambda w: reverse("patrols:absence_add"),
        outcomes(302, 403, 403, 200, 200, 200),
    ),
    Row(
        "absence add (an officer of area A)",
        "patrols:absence_add",
        "POST",
        lambda w: reverse("patrols:absence_add"),
        outcomes(302, 403, 403, 302, 404, 302),
        data=_absence_payload,
    ),
    Row(
        "absence edit page (area A)",
        "patrols:absence_edit",
        "GET",
        lambda w: reverse("patrols:absence_edit", args=[_absence(w)]),
        outcomes(302, 403, 403, 200, 404, 200),
    ),
    Row(
        "absence edit (area A)",
        "patrols:absence_edit",
        "POST",
        lambda w: reverse("patrols:absence_edit", args=[_absence(w)]),
        outcomes(302, 403, 403, 302, 404, 302),
        data=_absence_edit_payload,
    ),
    Row(
        "absence delete (area A)",
        "patrols:absence_delete",
        "POST",
        lambda w: reverse("patrols:absence_delete", args=[_absence(w)]),
        outcomes(302, 403, 403, 302, 404, 302),
    ),
    Row(
        "joint patrol page (area A)",
        "patrols:joint_patrol",
        "GET",
        lambda w: reverse("patrols:joint_patrol", args=[w.objects["patrol_joint"].pk]),
        outcomes(302, 403, 200, 403, 403, 200),
    ),
    Row(
        "joint patrol page of a police patrol",
        "patrols:joint_patrol",
        "GET",
        lambda w: reverse("patrols:joint_patrol", args=[w.objects["patrol_police"].pk]),
        outcomes(302, 403, 404, 403, 403, 404),
    ),
    Row(
        "joint patrol page (area B)",
        "patrols:joint_patrol",
        "GET",
        lambda w: reverse("patrols:joint_patrol", args=[w.objects["patrol_joint_b"].pk]),
        outcomes(302, 403, 404, 403, 403, 200),
    ),
    Row(
        "slot fill (open place in A)",
        "patrols:slot_fill",
        "POST",
        _slot_url("patrols:slot_fill", "slot_open"),
        outcomes(302, 403, 302, 403, 403, 302),
        data=_ask("volunteer_a2"),
    ),
    Row(
        "slot fill (place in B)",
        "patrols:slot_fill",
        "POST",
        _slot_url("patrols:slot_fill", "slot_b"),
        outcomes(302, 403, 404, 403, 403, 302),
        data=_ask("volunteer_b"),
    ),
    Row(
        "slot confirm (requested place in A)",
        "patrols:slot_confirm",
        "POST",
        _slot_url("patrols:slot_confirm", "slot_requested"),
        outcomes(302, 403, 302, 403, 403, 302),
    ),
    Row(
        "slot confirm refused (open place in A)",
        "patrols:slot_confirm",
        "POST",
        _slot_url("patrols:slot_confirm", "slot_open"),
        outcomes(302, 403, 422, 403, 403, 422),
    ),
    Row(
        "slot decline (requested place in A)",
        "patrols:slot_decline",
        "POST",
        _slot_url("patrols:slot_decline", "slot_requested"),
        outcomes(302, 403, 302, 403, 403, 302),
    ),
    Row(
        "slot release (requested place in A)",
        "patrols:slot_release",
        "POST",
        _slot_url("patrols:slot_release", "slot_requested"),
        outcomes(302, 403, 302, 403, 403, 302),
    ),
    Row(
        "slot release (open place in B)",
        "patrols:slot_release",
        "POST",
        _slot_url("patrols:slot_release", "slot_b"),
        outcomes(302, 403, 404, 403, 403, 422),
    ),
    # The inspector's hand edits (patrols.views.edits)
    Row(
        "patrol dialog (police patrol in A)",
        "patrols:patrol",
        "GET",
        _patrol_url("patrols:patrol", "patrol_police"),
        outcomes(302, 403, 403, 200, 404, 200),
    ),
    Row(
        "patrol dialog (officer's own joint patrol in A)",
        "patrols:patrol",
        "GET",
        _patrol_url("patrols:patrol", "patrol_joint"),
        outcomes(302, 403, 403, 200, 404, 200),
    ),
    Row(
        "patrol dialog (patrol in B)",
        "patrols:patrol",
        "GET",
        _patrol_url("patrols:patrol", "patrol_joint_b"),
        outcomes(302, 403, 403, 404, 200, 200),
    ),
    Row(
        "patrol move (A)",
        "patrols:patrol_move",
        "POST",
        _patrol_url("patrols:patrol_move", "patrol_police"),
        outcomes(302, 403, 403, 302, 404, 302),
        data=_move,
    ),
    Row(
        "patrol staffing (A)",
        "patrols:patrol_staffing",
        "POST",
        _patrol_url("patrols:patrol_staffing", "patrol_police"),
        outcomes(302, 403, 403, 302, 404, 302),
        data=_staffing,
    ),
    Row(
        "patrol cancel (A)",
        "patrols:patrol_cancel",
        "POST",
        _patrol_url("patrols:patrol_cancel", "patrol_police"),
        outcomes(302, 403, 403, 302, 404, 302),
        data=lambda w: {"cancel-version": w.objects["patrol_police"].version, "cancel-reason": "Closed"},
    ),
    Row(
        "patrol restore refused (scheduled patrol in A)",
        "patrols:patrol_restore",
        "POST",
        _patrol_url("patrols:patrol_restore", "patrol_police"),
        outcomes(302, 403, 403, 422, 404, 422),
        data=lambda w: {"restore-version": w.objects["patrol_police"].version},
    ),
    Row(
        "patrol assign the officer (A)",
        "patrols:patrol_assign",
        "POST",
        _patrol_url("patrols:patrol_assign", "patrol_police"),
        outcomes(302, 403, 403, 302, 404, 302),
        data=lambda w: {
            "assign-version": w.objects["patrol_police"].version,
            "assign-officer": w.users["officer"].officer.pk,
        },
    ),
    Row(
        "assignment remove (the officer on the joint patrol in A)",
        "patrols:assignment_remove",
        "POST",
        lambda w: reverse("patrols:assignment_remove", args=[w.objects["patrol_joint"].assignments.get().pk]),
        outcomes(302, 403, 403, 302, 404, 302),
        data=lambda w: {"remove-version": w.objects["patrol_joint"].version},
    ),
    Row(
        "patrol add form",
        "patrols:patrol_add",
        "GET",
        lambda w: reverse("patrols:patrol_add"),
        outcomes(302, 403, 403, 200, 200, 200),
    ),
    Row(
        "patrol add form (a site of A)",
        "patrols:patrol_add",
        "GET",
        lambda w: reverse("patrols:patrol_add") + f"?site={w.objects['site_a'].pk}",
        outcomes(302, 403, 403, 200, 404, 200),
    ),
    Row(
        "patrol add (a site of A)",
        "patrols:patrol_add",
        "POST",
        lambda w: reverse("patrols:patrol_add"),
        outcomes(302, 403, 403, 302, 422, 302),
        data=_add,
    ),
    Row(
        "bulk cancel (a patrol of A)",
        "patrols:bulk",
        "POST",
        lambda w: reverse("patrols:bulk"),
        outcomes(302, 403, 403, 200, 422, 200),
        data=lambda w: {"action": "cancel", "reason": "Snow", "patrols": [w.objects["patrol_police"].pk]},
    ),
    # API
    Row(
        "api patrols list",
        "patrol-list",
        "GET",
        lambda w: reverse("patrol-list"),
        outcomes(401, 200, 200, 200, 200, 200),
    ),
    Row(
        "api joint patrol A detail (officer on it)",
        "patrol-detail",
        "GET",
        lambda w: reverse("patrol-detail", args=[w.objects["patrol_joint"].pk]),
        outcomes(401, 200, 200, 200, 404, 200),
    ),
    Row(
        "api police patrol A detail (nobody on it)",
        "patrol-detail",
        "GET",
        lambda w: reverse("patrol-detail", args=[w.objects["patrol_police"].pk]),
        outcomes(401, 404, 404, 200, 404, 200),
    ),
    Row(
        "api patrol delete is not offered",
        "patrol-detail",
        "DELETE",
        lambda w: reverse("patrol-detail", args=[w.objects["patrol_police"].pk]),
        outcomes(401, 403, 403, 405, 405, 405),
    ),
    Row(
        "api runs list",
        "generation-run-list",
        "GET",
        lambda w: reverse("generation-run-list"),
        outcomes(401, 403, 403, 200, 200, 200),
    ),
    Row(
        "api run start (area A)",
        "generation-run-list",
        "POST",
        lambda w: reverse("generation-run-list"),
        outcomes(401, 403, 403, 202, 404, 202),
        data=_start_payload,
        format="json",
    ),
    Row(
        "api run A detail",
        "generation-run-detail",
        "GET",
        lambda w: reverse("generation-run-detail", args=[w.objects["run_a"].pk]),
        outcomes(401, 403, 403, 200, 404, 200),
    ),
    Row(
        "api slots list",
        "slot-list",
        "GET",
        lambda w: reverse("slot-list"),
        outcomes(401, 200, 200, 200, 200, 200),
    ),
    Row(
        "api slot detail (requested place in A, officer on the patrol)",
        "slot-detail",
        "GET",
        _slot_url("slot-detail", "slot_requested"),
        outcomes(401, 200, 200, 200, 404, 200),
    ),
    Row(
        "api slot detail (open place in A: no partner for the officer)",
        "slot-detail",
        "GET",
        _slot_url("slot-detail", "slot_open"),
        outcomes(401, 404, 200, 200, 404, 200),
    ),
    Row(
        "api slot detail (place in B)",
        "slot-detail",
        "GET",
        _slot_url("slot-detail", "slot_b"),
        outcomes(401, 404, 404, 404, 200, 200),
    ),
    Row(
        "api slot delete is not offered",
        "slot-detail",
        "DELETE",
        _slot_url("slot-detail", "slot_requested"),
        outcomes(401, 403, 405, 403, 403, 405),
    ),
    Row(
        "api slot fill (open place in A)",
        "slot-fill",
        "POST",
        _slot_url("slot-fill", "slot_open"),
        outcomes(401, 403, 200, 403, 403, 200),
        data=_ask("volunteer_a2"),
        format="json",
    ),
    Row(
        "api slot fill (place in B)",
        "slot-fill",
        "POST",
        _slot_url("slot-fill", "slot_b"),
        outcomes(401, 403, 404, 403, 403, 200),
        data=_ask("volunteer_b"),
        format="json",
    ),
    Row(
        "api slot confirm (requested place in A)",
        "slot-confirm",
        "POST",
        _slot_url("slot-confirm", "slot_requested"),
        outcomes(401, 403, 200, 403, 403, 200),
        format="json",
    ),
    Row(
        "api slot confirm refused (open place in A)",
        "slot-confirm",
        "POST",
        _slot_url("slot-confirm", "slot_open"),
        outcomes(401, 403, 400, 403, 403, 400),
        format="json",
    ),
    Row(
        "api slot decline (requested place in A)",
        "slot-decline",
        "POST",
        _slot_url("slot-decline", "slot_requested"),
        outcomes(401, 403, 200, 403, 403, 200),
        format="json",
    ),
    Row(
        "api slot release (requested place in A)",
        "slot-release",
        "POST",
        _slot_url("slot-release", "slot_requested"),
        outcomes(401, 403, 200, 403, 403, 200),
        format="json",
    ),
]
ROWS += access_rows_api_edits.ROWS
ROWS += access_rows_outcomes.ROWS
ROWS += access_rows_visits.ROWS
ROWS += access_rows_planner.ROWS
ROWS += access_rows_volunteers.ROWS
