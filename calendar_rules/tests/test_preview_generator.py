"""A rule's preview shows what the generator will make of it: each site's service window, the
sites without that service, and the staffing once the area's uplifts are applied."""

from datetime import UTC, date, datetime, time

import pytest
import time_machine
from django.urls import reverse

from calendar_rules.models import StaffingUplift
from calendar_rules.services import rule_create
from conftest import make_site
from sites.models import SiteService

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def before_rosh_hashanah_2027():
    with time_machine.travel(datetime(2027, 9, 20, 9, 0, tzinfo=UTC), tick=False):
        yield


def _rule(area, sites, **fields):
    defaults = {
        "area": area,
        "label": "Shabbat and Yom Tov mornings",
        "kind": "police",
        "officers_required": 1,
        "trigger": "calendar",
        "observance_categories": ["shabbat", "yom_tov"],
        "start_anchor": "service",
        "end_anchor": "service",
        "service_part": "morning",
        "valid_from": date(2027, 1, 1),
    }
    return rule_create(by=None, sites=sites, **{**defaults, **fields})


def test_a_service_rules_preview_gives_each_site_its_service_and_names_the_sites_without_one(world):
    area = world.area_a
    early = world.objects["site_a"]
    late = make_site(area, name="Late Minyan")
    none = make_site(area, name="No Services Hall")
    SiteService.objects.create(site=early, day="shabbat", part="morning", start_time=time(9, 0), end_time=time(12, 0))
    SiteService.objects.create(site=late, day="shabbat", part="morning", start_time=time(10, 0), duration_minutes=120)
    rule = _rule(area, [early, late, none])
    html = world.client("inspector_a").get(reverse("calendar_rules:rule_edit", args=[rule.pk])).content.decode()
    assert "Sat 25 Sep 2027, 09:00</time>–<time" in html
    assert "Sat 25 Sep 2027, 10:00</time>–<time" in html
    assert "No patrol from this rule at:</strong> No Services Hall" in html


def test_the_preview_shows_the_staffing_raised_by_the_areas_uplifts(world):
    area = world.area_a
    site = world.objects["site_a"]
    StaffingUplift.objects.create(
        area=area, label="High Holy Days", observance_keys=["rosh_hashanah_1"], officers_value=1, cst_places=2
    )
    rule = _rule(
        area,
        [site],
        start_anchor="time",
        start_time=time(9, 0),
        end_anchor="",
        duration_minutes=60,
        service_part="",
    )
    html = world.client("inspector_a").get(reverse("calendar_rules:rule_edit", args=[rule.pk])).content.decode()
    # Shabbat 25 Sep 2027: as the rule says; Rosh Hashanah I (2 Oct): raised.
    assert "1 officer</span>" in html
    assert (
        '2 officers, joint with 2 CST places <em class="mk up">raised</em> High Holy Days: +1 officer, '
        "joint with 2 CST places" in html
    )


def test_the_api_preview_of_a_service_rule_gives_each_site_its_own_service(world):
    area = world.area_a
    early = world.objects["site_a"]
    late = make_site(area, name="Late Minyan")
    SiteService.objects.create(site=early, day="shabbat", part="morning", start_time=time(9, 0), end_time=time(12, 0))
    SiteService.objects.create(site=late, day="shabbat", part="morning", start_time=time(10, 0), duration_minutes=120)
    response = world.client("inspector_a").post(
        reverse("rule-preview"),
        {
            "area": area.slug,
            "kind": "police",
            "officers_required": 1,
            "trigger": "calendar",
            "observance_categories": ["shabbat"],
            "start_anchor": "service",
            "end_anchor": "service",
            "service_part": "morning",
            "site_selection": "sites",
            "sites": [early.pk, late.pk],
            "valid_from": "2027-01-01",
            "start": "2027-09-25",
            "end": "2027-09-26",
        },
        format="json",
    )
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["description"]
    starts = sorted((row["site"]["name"], row["local_start"][11:16]) for row in body["occurrences"])
    assert starts == [("Beth Test Synagogue", "09:00"), ("Late Minyan", "10:00")]


def test_the_preview_of_a_rule_of_higher_precedence_says_what_it_replaces(world):
    area = world.area_a
    site = world.objects["site_a"]
    routine = {"start_anchor": "time", "end_anchor": "", "service_part": "", "observance_categories": []}
    _rule(
        area,
        [site],
        **routine,
        label="Daily patrol",
        trigger="rrule",
        recurrence="FREQ=DAILY",
        start_time=time(8, 0),
        duration_minutes=60,
    )
    festival = _rule(
        area,
        [site],
        **routine,
        label="Festival morning",
        trigger="rrule",
        recurrence="FREQ=WEEKLY;BYDAY=SA",
        start_time=time(7, 30),
        duration_minutes=150,
        precedence=10,
    )
    html = world.client("inspector_a").get(reverse("calendar_rules:rule_edit", args=[festival.pk])).content.decode()
    assert "Sat 25 Sep 2027, 07:30</time>" in html
    assert '<em class="mk">replaces</em> Daily patrol 08:00–09:00' in html
    # The lower rule's own preview replaces nothing.
    assert (
        "replaces</em>"
        not in world.client("inspector_a")
        .get(reverse("calendar_rules:rule_edit", args=[festival.pk - 1]))
        .content.decode()
    )
