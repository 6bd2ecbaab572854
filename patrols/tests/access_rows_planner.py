"""Access-matrix rows of the CST planner's query strings and `/api/v1/joint-coverage/` (added to
patrols/tests/access_rows.py's ROWS). The planner is a coordinator's; another area is a 404. The
joint coverage is read by the area's coordinators and inspectors; an officer gets 403."""

from django.urls import reverse

from config.tests.access import Row, outcomes


def _coverage(area: str):
    return lambda w: reverse("joint-coverage") + f"?area={getattr(w, area).pk}&start=2026-01-01&end=2026-01-31"


ROWS = [
    Row(
        "planner of area A (by slug, a season)",
        "patrols:joint",
        "GET",
        lambda w: reverse("patrols:joint") + "?area=area-a&start=2026-09-11&end=2026-09-21&open=1",
        outcomes(302, 403, 200, 403, 403, 200),
    ),
    Row(
        "planner of area B",
        "patrols:joint",
        "GET",
        lambda w: reverse("patrols:joint") + "?area=area-b",
        outcomes(302, 403, 404, 403, 403, 200),
    ),
    Row(
        "api joint coverage of area A",
        "joint-coverage",
        "GET",
        _coverage("area_a"),
        outcomes(401, 403, 200, 200, 404, 200),
    ),
    Row(
        "api joint coverage of area B",
        "joint-coverage",
        "GET",
        _coverage("area_b"),
        outcomes(401, 403, 404, 404, 200, 200),
    ),
    Row(
        "api joint coverage without parameters",
        "joint-coverage",
        "GET",
        lambda w: reverse("joint-coverage"),
        outcomes(401, 403, 400, 400, 400, 400),
    ),
    Row(
        "api joint coverage: no writes",
        "joint-coverage",
        "POST",
        lambda w: reverse("joint-coverage"),
        outcomes(401, 403, 403, 403, 403, 405),
        data=lambda w: {},
        format="json",
    ),
]
