"""Access-matrix rows of the patrols API's hand edits, history, assignments and suggestions
(added to patrols/tests/access_rows.py's ROWS; see config/tests/test_access_matrix.py)."""

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from config.tests.access import Row, outcomes


def build(world):
    """A cancelled police patrol in area A (the objects of access_rows.build are there too)."""
    from patrols.services import patrol_cancel, patrol_create_manual

    if "patrol_cancelled" in world.objects:
        return
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
]
