"""Access-matrix rows for the audit record (see config/tests/test_access_matrix.py): inspectors
of an area and admins read it; officers and coordinators may not (403)."""

from django.urls import reverse

from config.tests.access import Row, outcomes

ROWS = [
    Row(
        "patrol views page",
        "audit:patrol_views",
        "GET",
        lambda w: reverse("audit:patrol_views"),
        outcomes(302, 403, 403, 200, 200, 200),
    ),
    Row(
        "api patrol views list",
        "patrol-view-record-list",
        "GET",
        lambda w: reverse("patrol-view-record-list"),
        outcomes(401, 403, 403, 200, 200, 200),
    ),
    Row(
        "api patrol views: no writes",
        "patrol-view-record-list",
        "POST",
        lambda w: reverse("patrol-view-record-list"),
        outcomes(401, 403, 403, 403, 403, 405),
        data=lambda w: {"channel": "patrols:rota"},
        format="json",
    ),
]
