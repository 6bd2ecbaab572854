"""Access-matrix rows for the coverage report (see config/tests/test_access_matrix.py): inspectors
(all patrols) and CST coordinators (joint patrols) of an area; officers may not (403); another
area's inspector gets 404 for area A."""

from django.urls import reverse

from config.tests.access import Row, outcomes

A_RANGE = "start=2026-09-01&end=2026-10-31"


def _query(w) -> str:
    return f"?area={w.area_a.pk}&{A_RANGE}"


ROWS = [
    Row(
        "coverage page (own first area)",
        "reports:coverage",
        "GET",
        lambda w: reverse("reports:coverage"),
        outcomes(302, 403, 200, 200, 200, 200),
    ),
    Row(
        "coverage page of area A",
        "reports:coverage",
        "GET",
        lambda w: reverse("reports:coverage") + _query(w),
        outcomes(302, 403, 200, 200, 404, 200),
    ),
    Row(
        "coverage chart of area A",
        "reports:coverage_chart",
        "GET",
        lambda w: reverse("reports:coverage_chart") + _query(w),
        outcomes(302, 403, 200, 200, 404, 200),
    ),
    Row(
        "coverage csv of area A",
        "reports:coverage_csv",
        "GET",
        lambda w: reverse("reports:coverage_csv") + _query(w),
        outcomes(302, 403, 200, 200, 404, 200),
    ),
    Row(
        "api coverage of area A",
        "coverage-report",
        "GET",
        lambda w: reverse("coverage-report") + _query(w),
        outcomes(401, 403, 200, 200, 404, 200),
    ),
    Row(
        "api coverage without parameters",
        "coverage-report",
        "GET",
        lambda w: reverse("coverage-report"),
        outcomes(401, 403, 400, 400, 400, 400),
    ),
    Row(
        "api coverage: no writes",
        "coverage-report",
        "POST",
        lambda w: reverse("coverage-report"),
        outcomes(401, 403, 403, 403, 403, 405),
        data=lambda w: {},
        format="json",
    ),
]
