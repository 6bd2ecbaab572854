"""The coverage report through its page, its CSV, its chart and the API, at a fixed moment."""

import csv
import io
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from audit.models import PatrolViewRecord
from patrols.models import Patrol, PatrolKind, PatrolStatus, Visit

from .conftest import SEASON, at

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]


def _page(client, world, **params):
    query = {"area": world.area_a.pk, **SEASON, **params}
    return client.get(reverse("reports:coverage"), query)


def _api(client, world, **params):
    return client.get(reverse("coverage-report"), {"area": world.area_a.pk, **SEASON, **params})


def test_inspector_page_counts_planned_delivered_missed_and_officer_hours(world, season):
    response = _page(world.client("inspector_a"), world)
    assert response.status_code == 200
    total = response.context["report"].total
    assert (total.planned, total.delivered, total.missed, total.pending, total.upcoming, total.cancelled) == (
        5,
        2,
        1,
        2,
        0,
        1,
    )
    assert total.officer_hours == 4.0  # 2 h clipped + 1.5 h open to the end + 0.5 h
    assert response.context["rate"] == "40%"
    html = response.content.decode()
    assert "Diverted to a call" in html and "Called to a collision on Brook Road" in html
    assert "High Holy Days 2027" in html
    sites = {site.name: site.figures for site in response.context["report"].sites}
    assert sites["Beth Test Synagogue"].planned == 3 and sites["Beth Test Synagogue"].cancelled == 1
    assert sites["Beth Test Synagogue"].officer_hours == 3.5


def test_weeks_start_on_monday_and_empty_weeks_are_listed(world, season):
    weeks = _page(world.client("inspector_a"), world).context["report"].weeks
    assert [(str(w.week), w.figures.planned, w.figures.delivered) for w in weeks] == [
        ("2027-09-27", 3, 1),
        ("2027-10-04", 1, 0),
        ("2027-10-11", 1, 1),
    ]


def test_coordinator_sees_joint_patrols_only(world, season):
    response = _page(world.client("coordinator"), world)
    total = response.context["report"].total
    assert (total.planned, total.delivered, total.missed, total.cancelled) == (2, 1, 1, 0)
    assert total.officer_hours == 0.5
    assert "Joint patrols with CST only" in response.content.decode()
    body = _api(world.client("coordinator"), world).json()
    assert body["joint_only"] is True and body["total"]["planned"] == 2


def test_officer_gets_403_and_another_area_404(world, season):
    assert _page(world.client("officer"), world).status_code == 403
    assert _api(world.client("officer"), world).status_code == 403
    assert _page(world.client("inspector_b"), world).status_code == 404
    assert _api(world.client("inspector_b"), world).status_code == 404
    assert (
        world.client("inspector_b").get(reverse("reports:coverage_csv"), {"area": world.area_a.pk}).status_code == 404
    )


def test_api_gives_the_same_figures(world, season):
    response = _api(world.client("inspector_a"), world)
    assert response.status_code == 200
    body = response.json()
    assert body["total"] == {
        "planned": 5,
        "delivered": 2,
        "missed": 1,
        "pending": 2,
        "upcoming": 0,
        "cancelled": 1,
        "officer_hours": 4.0,
        "delivery_rate": 0.4,
    }
    assert [week["iso_week"] for week in body["weeks"]] == ["2027-W39", "2027-W40", "2027-W41"]
    assert body["missed_reasons"] == [{"reason": "diverted", "name": "Diverted to a call", "patrols": 1}]
    assert body["missed_notes"][0]["date"] == "2027-10-02"


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"area": "x"}, "area"),
        ({"area": "0"}, "area"),
        ({"start": "2027-13-01"}, "start"),
        ({"end": "soon"}, "end"),
        ({"start": "2027-10-11", "end": "2027-10-01"}, "end"),
        ({"start": "2026-01-01", "end": "2027-10-11"}, "end"),
        ({"start": "1066-10-14"}, "start"),
    ],
)
def test_api_refuses_bad_parameters_naming_the_field(world, season, params, field):
    response = _api(world.client("inspector_a"), world, **params)
    assert response.status_code == 400
    assert field in response.json(), response.json()


def test_page_says_what_was_wrong_and_shows_the_defaults(world, season):
    response = _page(world.client("inspector_a"), world, start="2027-10-11", end="2027-10-01")
    assert response.status_code == 200
    assert "The end date is before the start date." in response.content.decode()
    params = response.context["params"]
    # The default: the four Monday-start weeks ending with this one (Wed 20 October 2027).
    assert (str(params.start), str(params.end)) == ("2027-09-27", "2027-10-24")
    response = _page(world.client("inspector_a"), world, start="1 Oct", end="2029-01-01")
    html = response.content.decode()
    assert "is not a date" in html and response.status_code == 200


def test_page_refuses_a_range_longer_than_the_limit(world, season):
    response = _page(world.client("inspector_a"), world, start="2026-01-01", end="2027-10-11")
    assert "at most 400 days" in response.content.decode()


def test_csv_has_the_same_figures_and_escapes_formulas(world, season):
    response = world.client("inspector_a").get(reverse("reports:coverage_csv"), {"area": world.area_a.pk, **SEASON})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    total = next(row for row in rows if row["section"] == "total")
    assert (total["planned"], total["delivered"], total["missed"], total["officer_hours"]) == ("5", "2", "1", "4.00")
    names = [row["name"] for row in rows if row["section"] == "site"]
    assert '\'=HYPERLINK("http://x") School' in names  # a formula stays text
    assert not any(cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row.values() if cell)
    reasons = [row for row in rows if row["section"] == "missed reason"]
    assert reasons[0]["name"] == "Diverted to a call" and reasons[0]["missed"] == "1"


def test_chart_is_an_svg_without_script(world, season):
    page = _page(world.client("inspector_a"), world).content.decode()
    assert reverse("reports:coverage_chart") in page
    response = world.client("inspector_a").get(reverse("reports:coverage_chart"), {"area": world.area_a.pk, **SEASON})
    assert response.status_code == 200
    assert response["Content-Type"] == "image/svg+xml"
    svg = response.content.decode()
    assert svg.startswith("<svg") and "<script" not in svg
    assert "Planned" in svg and "Delivered" in svg
    assert "script-src 'self'" in response["Content-Security-Policy"]


def test_a_season_is_one_click(world, season):
    response = world.client("inspector_a").get(reverse("reports:coverage"), {"area": world.area_a.pk})
    seasons = {s["name"]: s for s in response.context["seasons"]}
    assert {"High Holy Days 2027", "Chanukah 2026", "Pesach 2027", "Shavuot 2027", "Sukkot 2027"} <= set(seasons)
    assert seasons["High Holy Days 2027"]["query"] == f"area={world.area_a.pk}&start=2027-10-01&end=2027-10-11"
    followed = world.client("inspector_a").get(
        reverse("reports:coverage") + "?" + seasons["High Holy Days 2027"]["query"]
    )
    assert followed.context["report"].total.planned == 5


def test_past_report_is_not_recorded_but_one_reaching_the_future_is(world, season):
    _page(world.client("inspector_a"), world)
    assert not PatrolViewRecord.objects.exists()
    _page(world.client("inspector_a"), world, start="2027-10-18", end="2027-10-31")
    _api(world.client("inspector_a"), world, start="2027-10-18", end="2027-10-31")
    assert set(PatrolViewRecord.objects.values_list("channel", flat=True)) == {
        "reports:coverage",
        "api:coverage-report",
    }


def test_upcoming_patrols_are_not_due(world, season):
    Patrol.objects.create(
        area=world.area_a,
        site=season["school"],
        starts_at=at(21, 9),
        ends_at=at(21, 10),
        kind=PatrolKind.POLICE,
    )
    body = _api(world.client("inspector_a"), world, start="2027-10-18", end="2027-10-24").json()
    assert body["total"]["planned"] == 1 and body["total"]["upcoming"] == 1
    assert body["total"]["delivery_rate"] is None


def _many_patrols(world, site, count):
    officer = world.users["officer"].officer
    start = at(1, 6)
    patrols = Patrol.objects.bulk_create(
        Patrol(
            area=world.area_a,
            site=site,
            kind=PatrolKind.JOINT if n % 3 == 0 else PatrolKind.POLICE,
            starts_at=start + timedelta(hours=n % 300, minutes=n),
            ends_at=start + timedelta(hours=n % 300, minutes=n + 30),
            status=PatrolStatus.MISSED if n % 7 == 0 else PatrolStatus.COMPLETED,
            missed_note="note" if n % 7 == 0 else "",
        )
        for n in range(count)
    )
    Visit.objects.bulk_create(
        Visit(patrol=p, officer=officer, checked_in_at=p.starts_at, checked_out_at=p.ends_at)
        for p in patrols
        if p.status == PatrolStatus.COMPLETED
    )


@pytest.mark.parametrize("persona", ["inspector_a", "coordinator"])
def test_queries_do_not_grow_with_the_patrols(world, persona):
    counts = []
    for count in (20, 2000):
        from conftest import make_site

        site = make_site(world.area_a, name=f"Site of {count}")
        _many_patrols(world, site, count)
        client = world.client(persona)
        client.get(reverse("reports:coverage"), {"area": world.area_a.pk, **SEASON})  # warm the session
        with CaptureQueriesContext(connection) as page:
            assert client.get(reverse("reports:coverage"), {"area": world.area_a.pk, **SEASON}).status_code == 200
        with CaptureQueriesContext(connection) as api:
            assert _api(client, world).status_code == 200
        counts.append((len(page), len(api)))
        Visit.objects.all().delete()
        Patrol.objects.all().delete()
    print(persona, "queries (page, api) at 20 and 2,000 patrols:", counts)
    assert counts[0] == counts[1], counts
