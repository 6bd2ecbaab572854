"""Access-matrix rows of the Today panel and the missed patrol's reason and correction (added to
patrols/tests/access_rows.py's ROWS; see config/tests/test_access_matrix.py)."""

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from config.tests.access import Row, outcomes


def build(world):
    """A patrol in area A that ended yesterday and was missed."""
    from patrols.models import Patrol, PatrolStatus

    if "patrol_missed" in world.objects:
        return
    ended = timezone.now() - timedelta(days=1)
    world.objects["patrol_missed"] = Patrol.objects.create(
        area=world.area_a,
        site=world.objects["site_a"],
        starts_at=ended - timedelta(hours=1),
        ends_at=ended,
        status=PatrolStatus.MISSED,
    )


def _missed_url(route):
    return lambda w: reverse(route, args=[w.objects["patrol_missed"].pk])


ROWS = [
    Row(
        "today panel",
        "patrols:today",
        "GET",
        lambda w: reverse("patrols:today"),
        outcomes(302, 403, 403, 200, 200, 200),
    ),
    Row(
        "today panel of area A",
        "patrols:today",
        "GET",
        lambda w: reverse("patrols:today") + "?area=area-a",
        outcomes(302, 403, 403, 200, 404, 200),
    ),
    Row(
        "record why a patrol was missed (A)",
        "patrols:patrol_missed",
        "POST",
        _missed_url("patrols:patrol_missed"),
        outcomes(302, 403, 403, 302, 404, 302),
        data=lambda w: {"reason": "diverted", "note": "", "version": w.objects["patrol_missed"].version},
    ),
    Row(
        "correct a missed patrol (A)",
        "patrols:patrol_outcome",
        "POST",
        _missed_url("patrols:patrol_outcome"),
        outcomes(302, 403, 403, 302, 404, 302),
        data=lambda w: {"status": "completed", "note": "", "version": w.objects["patrol_missed"].version},
    ),
]
