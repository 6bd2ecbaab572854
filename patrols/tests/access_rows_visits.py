"""Access-matrix rows of check-ins and check-outs (My day's buttons, `/api/v1/visits/`) and My
day's service worker (added to patrols/tests/access_rows.py's ROWS). An officer checks in on
their own patrols only; nobody checks in for them (an admin neither: 404, nothing of theirs)."""

import uuid
from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from config.tests.access import Row, outcomes


def build(world):
    """Two police patrols of the officer's about to start in area A, their check-in open: one
    they have checked in on (`visit_a`, open), one not yet."""
    from patrols.services import assignment_create, patrol_create_manual, visit_check_in

    if "patrol_soon" in world.objects:
        return
    officer = world.users["officer"].officer
    site = world.objects["site_a"]
    now = timezone.now()
    started = patrol_create_manual(
        site=site, starts_at=now + timedelta(minutes=5), ends_at=now + timedelta(minutes=20), by=None
    )
    soon = patrol_create_manual(
        site=site, starts_at=now + timedelta(minutes=21), ends_at=now + timedelta(minutes=50), by=None
    )
    for patrol in (started, soon):
        assignment_create(patrol=patrol, officer=officer, by=None)
    world.objects["patrol_soon"] = soon
    world.objects["visit_a"], _ = visit_check_in(
        patrol=started, officer=officer, by=officer.user, client_id=uuid.uuid4()
    )


def _check_in(patrol: str):
    return lambda w: {"patrol": w.objects[patrol].pk, "client_id": "5b0e4e0c-5d4e-4d7e-9a55-3f0e8d1c2b3a"}


def _pk_url(route: str, key: str):
    return lambda w: reverse(route, args=[w.objects[key].pk])


def _briefing(w):
    return {
        "briefing-version": w.objects["patrol_joint"].version,
        "briefing-point": "Car park, Brook Road",
        "briefing-time": "",
        "briefing-team_leader": "",
    }


ROWS = [
    Row(
        "briefing (inspector's patrol dialog)",
        "patrols:patrol_briefing",
        "POST",
        _pk_url("patrols:patrol_briefing", "patrol_joint"),
        outcomes(302, 403, 403, 302, 404, 302),
        data=_briefing,
    ),
    Row(
        "briefing (coordinator's joint patrol page)",
        "patrols:joint_briefing",
        "POST",
        _pk_url("patrols:joint_briefing", "patrol_joint"),
        outcomes(302, 403, 302, 403, 403, 302),
        data=_briefing,
    ),
    Row(
        "my day service worker",
        "patrols:my_day_sw",
        "GET",
        lambda w: reverse("patrols:my_day_sw"),
        outcomes(200, 200, 200, 200, 200, 200),
    ),
    Row(
        "arrived (page) on an own patrol",
        "patrols:visit_arrive",
        "POST",
        _pk_url("patrols:visit_arrive", "patrol_soon"),
        outcomes(302, 302, 403, 403, 403, 404),
    ),
    Row(
        "arrived (page) on a patrol nobody is on",
        "patrols:visit_arrive",
        "POST",
        _pk_url("patrols:visit_arrive", "patrol_police"),
        outcomes(302, 404, 403, 403, 403, 404),
    ),
    Row(
        "leaving (page) an own visit",
        "patrols:visit_leave",
        "POST",
        _pk_url("patrols:visit_leave", "visit_a"),
        outcomes(302, 302, 403, 403, 403, 404),
    ),
    Row(
        "api visits list", "visit-list", "GET", lambda w: reverse("visit-list"), outcomes(401, 200, 403, 200, 200, 200)
    ),
    Row(
        "api check in on an own patrol",
        "visit-list",
        "POST",
        lambda w: reverse("visit-list"),
        outcomes(401, 201, 403, 403, 403, 404),
        data=_check_in("patrol_soon"),
        format="json",
    ),
    Row(
        "api check in on someone else's patrol",
        "visit-list",
        "POST",
        lambda w: reverse("visit-list"),
        outcomes(401, 404, 403, 403, 403, 404),
        data=_check_in("patrol_police"),
        format="json",
    ),
    Row(
        "api visit detail (area A)",
        "visit-detail",
        "GET",
        _pk_url("visit-detail", "visit_a"),
        outcomes(401, 200, 403, 200, 404, 200),
    ),
    Row(
        "api check out",
        "visit-check-out",
        "POST",
        _pk_url("visit-check-out", "visit_a"),
        outcomes(401, 200, 403, 403, 403, 404),
        data=lambda w: {},
        format="json",
    ),
]
