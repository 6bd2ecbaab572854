"""Bad input is a 400 that names the field — never a 500, never minutes of work — and changes
nothing. One test per class of bad input found by probing the API and pages.

Some of these were 500s only on PostgreSQL (a NUL byte in a query, an offset of +16:00): CI runs
this file against PostgreSQL too, where each of them failed before the limits were set.
"""

import json
from datetime import UTC, date, datetime, time

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from calendar_rules.models import PatrolRule
from calendar_rules.tests.factories import make_rule
from calendar_rules.tests.test_pages import form_data as rule_form_data
from patrols.models import Patrol
from sites.models import Site


def rule_payload(world, **overrides) -> dict:
    data = {
        "area": world.area_a.slug,
        "label": "Morning patrol",
        "kind": "police",
        "officers_required": 1,
        "volunteers_required": 0,
        "trigger": "rrule",
        "recurrence": "FREQ=DAILY",
        "start_anchor": "time",
        "start_time": "09:00",
        "duration_minutes": 60,
        "site_selection": "sites",
        "sites": [world.objects["site_a"].pk],
        "valid_from": "2026-01-01",
    }
    data.update(overrides)
    return data


def site_payload(world, **overrides) -> dict:
    data = {
        "area": world.area_a.slug,
        "name": "Beth New Synagogue",
        "kind": "synagogue",
        "address": "2 Example Road",
        "postcode": "WD6 1AB",
        "latitude": "51.65700",
        "longitude": "-0.27000",
        "officer_notes": "Ring the bell at the side gate.",
    }
    data.update(overrides)
    return data


@pytest.fixture
def inspector(world):
    return world.client("inspector_a")


def assert_refused(response, field: str, fragment: str = "") -> None:
    assert response.status_code == 400, (response.status_code, getattr(response, "data", response.content))
    assert field in response.data, response.data
    assert fragment in str(response.data[field])


# ---- control characters ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "value", "fragment"),
    [
        ("name", "Beth\x00Synagogue", "Null characters"),
        ("name", "Beth \x1b[31mSynagogue", "control characters"),
        ("address", "2 Example Road\r\nSet-Cookie: x", "control characters"),
        ("officer_notes", "Gate code \x00 1234", "Null characters"),
        ("officer_notes", "Gate code \x07\x08 1234", "control characters"),
    ],
    ids=["NUL in a name", "escape in a name", "line break in an address", "NUL in notes", "bell in notes"],
)
def test_control_characters_in_text_are_a_400_naming_the_field(world, inspector, field, value, fragment):
    before = Site.objects.count()
    response = inspector.post(reverse("site-list"), site_payload(world, **{field: value}), format="json")
    assert_refused(response, field, fragment)
    assert Site.objects.count() == before


def test_notes_keep_their_line_breaks(world, inspector):
    response = inspector.post(
        reverse("site-list"), site_payload(world, officer_notes="Side gate.\r\n\tCode 1234."), format="json"
    )
    assert response.status_code == 201, response.data


def test_control_characters_in_a_rule_label_are_a_400(world, inspector):
    response = inspector.post(reverse("rule-list"), rule_payload(world, label="Patrol\x1b[2J"), format="json")
    assert_refused(response, "label", "control characters")
    assert not PatrolRule.objects.exists()


def test_a_nul_byte_in_an_area_slug_is_a_400_naming_it(world, inspector):
    response = inspector.get(reverse("calendar"), {"area": "area-a\x00", "start": "2026-01-01", "end": "2026-01-31"})
    assert_refused(response, "area")


def test_a_nul_byte_in_an_area_slug_in_the_path_is_no_area(world, inspector):
    # On PostgreSQL the NUL reached the query and failed it (a 500).
    response = inspector.get("/api/v1/areas/area-a%00/")
    assert response.status_code == 404


def test_a_nul_byte_in_generate_now_is_no_area(world):
    client = world.client("inspector_a")
    response = client.post(reverse("patrols:run_start"), {"area": "area-a\x00"})
    assert response.status_code == 404


# ---- UTC offsets --------------------------------------------------------------------------------


@pytest.mark.parametrize("offset", ["+16:00", "-16:00", "+23:59"])
def test_a_utc_offset_beyond_15_59_in_a_date_time_filter_is_a_400(world, offset, inspector):
    response = inspector.get(reverse("patrol-list"), {"start": f"2026-01-01T00:00:00{offset}"})
    assert_refused(response, "start", "offset")


def test_the_widest_real_offsets_are_accepted(world, inspector):
    response = inspector.get(
        reverse("patrol-list"), {"start": "2026-01-01T00:00:00+14:00", "end": "2026-01-02T00:00:00-12:00"}
    )
    assert response.status_code == 200, response.data


# ---- dates outside the calendar -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "value"),
    [("start", "9999-12-20"), ("start", "1901-01-01"), ("end", "9999-01-01")],
    ids=["start in 9999", "start before the span", "end in 9999"],
)
def test_a_preview_outside_the_rules_span_is_a_400_naming_the_date(world, inspector, field, value):
    body = rule_payload(world, **{field: value})
    if field == "end":
        body["start"] = "2026-01-01"
    response = inspector.post(reverse("rule-preview"), body, format="json")
    assert_refused(response, field, "out of range")


@pytest.mark.parametrize("field", ["valid_from", "valid_until"])
def test_a_rule_valid_in_the_year_9999_is_a_400_and_not_saved(world, inspector, field):
    response = inspector.post(reverse("rule-list"), rule_payload(world, **{field: "9999-01-01"}), format="json")
    assert_refused(response, field, "out of range")
    assert not PatrolRule.objects.exists()


def test_a_rule_saved_with_the_year_9999_still_opens(world):
    """A rule stored before the span was enforced: its edit page shows no patrols, not a 500."""
    rule = make_rule(world.area_a)
    PatrolRule.objects.filter(pk=rule.pk).update(valid_from=date(9999, 12, 1), valid_until=date(9999, 12, 31))
    response = world.client("inspector_a").get(reverse("calendar_rules:rule_edit", args=[rule.pk]))
    assert response.status_code == 200


def test_a_rule_edit_to_the_year_9999_on_the_page_is_refused(world):
    rule = make_rule(world.area_a)
    data = rule_form_data(world, valid_from="9999-01-01", version=rule.version)
    response = world.client("inspector_a").post(reverse("calendar_rules:rule_edit", args=[rule.pk]), data)
    assert response.status_code == 200
    assert "valid_from" in response.context["form"].errors
    rule.refresh_from_db()
    assert rule.valid_from == date(2025, 1, 1) and rule.version == 1


# ---- deeply nested JSON -------------------------------------------------------------------------


@pytest.mark.parametrize("depth", [10_000, 33])
def test_deeply_nested_json_is_a_400_before_sign_in(db, client, depth):
    body = "[" * depth + "]" * depth
    response = client.post(reverse("api-token"), body, content_type="application/json")
    assert response.status_code == 400
    assert "nested" in response.json()["detail"]


def test_deeply_nested_json_is_a_400_for_a_signed_in_user(world, inspector):
    body = json.dumps(rule_payload(world)).replace('"FREQ=DAILY"', "[" * 5000 + "]" * 5000)
    response = inspector.generic("POST", reverse("rule-list"), body, content_type="application/json")
    assert response.status_code == 400
    assert "nested" in response.data["detail"]
    assert not PatrolRule.objects.exists()


# ---- staffing -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"officers_required": 100000}, "officers_required"),
        ({"officers_required": 21}, "officers_required"),
        ({"kind": "joint", "volunteers_required": 100000}, "volunteers_required"),
        ({"kind": "joint", "volunteers_required": 21}, "volunteers_required"),
    ],
)
def test_staffing_beyond_twenty_is_a_400_and_not_saved(world, inspector, overrides, field):
    response = inspector.post(reverse("rule-list"), rule_payload(world, **overrides), format="json")
    assert_refused(response, field)
    assert not PatrolRule.objects.exists()


def test_staffing_of_twenty_is_accepted(world, inspector):
    response = inspector.post(
        reverse("rule-list"),
        rule_payload(world, kind="joint", officers_required=20, volunteers_required=20),
        format="json",
    )
    assert response.status_code == 201, response.data


def test_the_database_refuses_staffing_beyond_twenty(world):
    rule = make_rule(world.area_a)
    with pytest.raises(IntegrityError), transaction.atomic():
        PatrolRule.objects.filter(pk=rule.pk).update(officers_required=21)
    moment = datetime(2026, 1, 1, 9, 0, tzinfo=UTC)
    with pytest.raises(IntegrityError), transaction.atomic():
        Patrol.objects.create(
            area=world.area_a,
            site=world.objects["site_a"],
            kind="joint",
            starts_at=moment,
            ends_at=moment.replace(hour=10),
            volunteers_required=21,
        )


# ---- lengths: recurrence, RDATE lists, text -------------------------------------------------------


def _dates(count: int) -> str:
    return ",".join(f"2026{month:02d}{day:02d}" for month in range(1, 13) for day in range(1, 29))[: count * 9 - 1]


@pytest.mark.parametrize(
    ("recurrence", "fragment"),
    [
        (f"RRULE:FREQ=DAILY\nRDATE;VALUE=DATE:{_dates(251)}", "RDATE: at most 250 dates"),
        (f"RRULE:FREQ=DAILY\nEXDATE;VALUE=DATE:{_dates(251)}", "EXDATE: at most 250 dates"),
        ("RRULE:FREQ=DAILY;" + ";".join(["WKST=MO"] * 60), "longer than 300"),
        ("RRULE:FREQ=DAILY\nRDATE:99991231", "out of range"),
        ("RRULE:FREQ=DAILY;INTERVAL=1000000000", "INTERVAL"),
        ("FREQ=DAILY;COUNT=²", "COUNT"),
        ("FREQ=DAILY" + ";" * 2991, "no more than 3000"),
    ],
    ids=["251 RDATEs", "251 EXDATEs", "long rule", "RDATE in 9999", "huge interval", "odd digit", "3001 characters"],
)
def test_an_over_long_or_out_of_range_recurrence_is_a_400(world, inspector, recurrence, fragment):
    response = inspector.post(reverse("rule-list"), rule_payload(world, recurrence=recurrence), format="json")
    assert_refused(response, "recurrence", fragment)
    assert not PatrolRule.objects.exists()


def test_two_school_years_of_closures_fit(world, inspector):
    response = inspector.post(
        reverse("rule-list"),
        rule_payload(world, recurrence=f"RRULE:FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR\nEXDATE;VALUE=DATE:{_dates(250)}"),
        format="json",
    )
    assert response.status_code == 201, response.data


@pytest.mark.parametrize(
    ("field", "length", "limit"),
    [("officer_notes", 2001, 2000), ("name", 151, 150), ("address", 251, 250)],
)
def test_over_long_text_is_a_400_naming_the_field(world, inspector, field, length, limit):
    before = Site.objects.count()
    response = inspector.post(reverse("site-list"), site_payload(world, **{field: "x" * length}), format="json")
    assert_refused(response, field, str(limit))
    assert Site.objects.count() == before


def test_an_over_long_volunteer_name_is_a_400(world):
    response = world.client("coordinator").post(
        reverse("volunteer-list"),
        {
            "area": "area-a",
            "call_sign": "HS-99",
            "name": "x" * 121,
            "phone": "07700 900002",
            "card_expires": "2030-01-01",
        },
        format="json",
    )
    assert_refused(response, "name", "120")


def test_an_over_long_slug_to_generate_is_a_400(world, inspector):
    response = inspector.post(reverse("generation-run-list"), {"area": "a" * 51}, format="json")
    assert_refused(response, "area", "50")


def test_a_rule_window_time_is_read_as_a_wall_clock_time(world, inspector):
    response = inspector.post(reverse("rule-list"), rule_payload(world, start_time="09:30"), format="json")
    assert response.status_code == 201, response.data
    assert PatrolRule.objects.get().start_time == time(9, 30)
