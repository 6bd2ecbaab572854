"""Access-matrix rows for the rota's pages and API (see config/tests/test_access_matrix.py)."""

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from config.tests.access import Row, outcomes


def build(world):
    """A joint patrol in area A with the officer on it, a police patrol nobody is on, and a run."""
    from patrols.models import GenerationRun, PatrolKind, RunTrigger
    from patrols.services import assignment_create, patrol_create_manual

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
    world.objects["run_a"] = GenerationRun.objects.create(area=world.area_a, trigger=RunTrigger.MANUAL)


def _start_payload(w):
    return {"area": w.area_a.slug}


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
        outcomes(401, 403, 403, 403, 403, 405),
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
]
