"""Access-matrix rows of the outbox page (see config/tests/test_access_matrix.py)."""

from django.urls import reverse

from config.tests.access import Row, outcomes

from . import access_rows_notify


def build(world):
    access_rows_notify.build(world)


ROWS = [
    Row(
        "outbox page",
        "notifications:outbox",
        "GET",
        lambda w: reverse("notifications:outbox"),
        outcomes(302, 403, 200, 200, 200, 200),
    ),
    Row(
        "outbox page, bad cursor",
        "notifications:outbox",
        "GET",
        lambda w: reverse("notifications:outbox") + "?before=x",
        outcomes(302, 403, 200, 200, 200, 200),
    ),
]
ROWS += access_rows_notify.ROWS
