"""Access-matrix rows of the patrols API's hand edits, history, assignments and suggestions
(added to patrols/tests/access_rows.py's ROWS; see config/tests/test_access_matrix.py)."""

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from config.tests.access import Row, outcomes


def build(world):
    """A cancelled police patrol in area A, and the officer's leave next month (the objects of
    access_rows.build are there too)."""
    from patrols.services import patrol_cancel, patrol_create_manual
    from people.services import absence_create

    if "patrol_cancelled" in world.objects:
        return
    officer = world.users["officer"].officer
    today = timezone.localdate()
    world.objects["absence_a"] = absence_create(
        officer=officer, kind="leave", starts_on=today + timedelta(days=30), ends_on=today + timedelta(days=32), by=None
    )
    world.objects["assignment_joint"] = world.objects["patrol_joint"].assignments.get(officer=officer)
    start = timezone.now() + timedelta(days=2)
    cancelled = patrol_create_manual(
        site=world.objects["site_a"], starts_at=start, ends_at=start + timedelta(hours=1), by=None
    )
    patrol_cancel(patrol=cancelled, by=None, reason="Road closed", expected_version=cancelled.version)
    world.objects["patrol_cancelled"] = cancelled


def _url(route: str, patrol: str):
    return lambda w: reverse(route, args=[w.objects[patrol].pk])


def _add(w):
    start = timezone.now() + timedelta(days=3)
    return {
        "site": w.objects["site_a"].pk,
        "starts_at": start.isoformat(),
        "ends_at": (start + timedelta(hours=1)).isoformat(),
        "kind": "police",
    }


def _assign(w):
    return {"patrol": w.objects["patrol_police"].pk, "officer": w.users["officer"].officer.pk}


def _absence(w, days=40):
    day = timezone.localdate() + timedelta(days=days)
    return {
        "officer": w.users["officer"].officer.pk,
        "kind": "training",
        "starts_on": day.isoformat(),
        "ends_on": day.isoformat(),
        "note": "Public order course",
    }


def _version(patrol: str, **fields):
    return lambda w: {"version": w.objects[patrol].version, **fields}


ROWS = [
    Row(
        "api patrol add (site in A)",
        "patrol-list",
        "POST",
        lambda w: reverse("patrol-list"),
        # Inspector B: a site outside their areas names no site (400 on `site`, as a volunteer
        # of another area does in slot fill).
        outcomes(401, 403, 403, 201, 400, 201),
        data=_add,
        format="json",
    ),
    Row(
        "api patrol change (police patrol in A)",
        "patrol-detail",
        "PATCH",
        _url("patrol-detail", "patrol_police"),
        outcomes(401, 403, 403, 200, 404, 200),
        data=_version("patrol_police", label="Changed"),
        format="json",
    ),
    Row(
        "api patrol change (joint patrol in A, the officer on it)",
        "patrol-detail",
        "PATCH",
        _url("patrol-detail", "patrol_joint"),
        outcomes(401, 403, 403, 200, 404, 200),
        data=_version("patrol_joint", officers_required=2),
        format="json",
    ),
    Row(
        "api patrol change from a stale copy",
        "patrol-detail",
        "PATCH",
        _url("patrol-detail", "patrol_police"),
        outcomes(401, 403, 403, 409, 404, 409),
        data=lambda w: {"version": w.objects["patrol_police"].version + 1, "label": "Changed"},
        format="json",
    ),
    Row(
        "api patrol replace is not offered",
        "patrol-detail",
        "PUT",
        _url("patrol-detail", "patrol_police"),
        outcomes(401, 403, 403, 405, 405, 405),
        data=_version("patrol_police", label="Changed"),
        format="json",
    ),
    Row(
        "api patrol cancel (police patrol in A)",
        "patrol-cancel",
        "POST",
        _url("patrol-cancel", "patrol_police"),
        outcomes(401, 403, 403, 200, 404, 200),
        data=_version("patrol_police", reason="Road closed"),
        format="json",
    ),
    Row(
        "api patrol cancel (joint patrol in A, the officer on it)",
        "patrol-cancel",
        "POST",
        _url("patrol-cancel", "patrol_joint"),
        outcomes(401, 403, 403, 200, 404, 200),
        data=_version("patrol_joint", reason="Road closed"),
        format="json",
    ),
    Row(
        "api patrol cancel (joint patrol in B)",
        "patrol-cancel",
        "POST",
        _url("patrol-cancel", "patrol_joint_b"),
        outcomes(401, 403, 403, 404, 200, 200),
        data=_version("patrol_joint_b", reason="Road closed"),
        format="json",
    ),
    Row(
        "api patrol restore (cancelled patrol in A)",
        "patrol-restore",
        "POST",
        _url("patrol-restore", "patrol_cancelled"),
        outcomes(401, 403, 403, 200, 404, 200),
        data=_version("patrol_cancelled"),
        format="json",
    ),
    Row(
        "api patrol history (joint patrol in A, the officer on it)",
        "patrol-history",
        "GET",
        _url("patrol-history", "patrol_joint"),
        outcomes(401, 403, 403, 200, 404, 200),
    ),
    Row(
        "api patrol history (joint patrol in B)",
        "patrol-history",
        "GET",
        _url("patrol-history", "patrol_joint_b"),
        outcomes(401, 403, 403, 404, 200, 200),
    ),
    Row(
        "api patrol suggestions (police patrol in A)",
        "patrol-suggestions",
        "GET",
        _url("patrol-suggestions", "patrol_police"),
        outcomes(401, 403, 403, 200, 404, 200),
    ),
    Row(
        "api patrol suggestions (joint patrol in B)",
        "patrol-suggestions",
        "GET",
        _url("patrol-suggestions", "patrol_joint_b"),
        outcomes(401, 403, 403, 404, 200, 200),
    ),
    Row(
        "api assign the officer (police patrol in A)",
        "assignment-list",
        "POST",
        lambda w: reverse("assignment-list"),
        # Inspector B: a patrol outside their areas names no patrol (400 on `patrol`).
        outcomes(401, 403, 403, 201, 400, 201),
        data=_assign,
        format="json",
    ),
    Row(
        "api assignments are not listed (see a patrol's detail)",
        "assignment-list",
        "GET",
        lambda w: reverse("assignment-list"),
        outcomes(401, 403, 403, 405, 405, 405),
    ),
    Row(
        "api take the officer off (joint patrol in A)",
        "assignment-detail",
        "DELETE",
        _url("assignment-detail", "assignment_joint"),
        outcomes(401, 403, 403, 204, 404, 204),
    ),
    Row(
        "api an assignment is not shown on its own",
        "assignment-detail",
        "GET",
        _url("assignment-detail", "assignment_joint"),
        outcomes(401, 403, 403, 405, 405, 405),
    ),
    Row(
        "api absences list",
        "absence-list",
        "GET",
        lambda w: reverse("absence-list"),
        outcomes(401, 200, 403, 200, 200, 200),
    ),
    Row(
        "api absence record (officer of A)",
        "absence-list",
        "POST",
        lambda w: reverse("absence-list"),
        # Inspector B: an officer not rostered in their areas names no officer (400 on `officer`).
        outcomes(401, 403, 403, 201, 400, 201),
        data=_absence,
        format="json",
    ),
    Row(
        "api absence detail (the officer's own)",
        "absence-detail",
        "GET",
        _url("absence-detail", "absence_a"),
        outcomes(401, 200, 403, 200, 404, 200),
    ),
    Row(
        "api absence change (the officer's)",
        "absence-detail",
        "PATCH",
        _url("absence-detail", "absence_a"),
        outcomes(401, 403, 403, 200, 404, 200),
        data=lambda w: {"note": "Moved by a day"},
        format="json",
    ),
    Row(
        "api absence replace (the officer's)",
        "absence-detail",
        "PUT",
        _url("absence-detail", "absence_a"),
        outcomes(401, 403, 403, 200, 404, 200),
        data=lambda w: _absence(w, days=31),
        format="json",
    ),
    Row(
        "api absence remove (the officer's)",
        "absence-detail",
        "DELETE",
        _url("absence-detail", "absence_a"),
        outcomes(401, 403, 403, 204, 404, 204),
    ),
]
