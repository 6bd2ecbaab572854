"""The rules API, the preview call and the calendar of an area."""

from datetime import date, timedelta

import pytest
from django.urls import reverse

from calendar_rules.models import PatrolRule
from calendar_rules.tests.factories import make_rule


def payload(world, **overrides) -> dict:
    data = {
        "area": world.area_a.slug,
        "label": "Festival evening",
        "kind": "joint",
        "officers_required": 1,
        "volunteers_required": 2,
        "trigger": "calendar",
        "observance_categories": ["yom_tov"],
        "timing": "evening",
        "start_anchor": "candle_lighting",
        "start_offset_minutes": -15,
        "duration_minutes": 150,
        "site_selection": "sites",
        "sites": [world.objects["site_a"].pk],
        "valid_from": "2025-01-01",
    }
    data.update(overrides)
    return data


@pytest.fixture
def api(world):
    return world.client("inspector_a")


# ---- CRUD -----------------------------------------------------------------------------------


def test_an_inspector_creates_a_rule_and_reads_it_back_with_its_version(world, api):
    response = api.post(reverse("rule-list"), payload(world), format="json")
    assert response.status_code == 201, response.data
    body = api.get(reverse("rule-detail", args=[response.data["id"]])).data
    assert body["version"] == 1
    assert body["observance_categories"] == ["yom_tov"]
    assert body["sites"] == [world.objects["site_a"].pk]
    assert body["end_anchor"] == ""
    assert PatrolRule.objects.get().history.get().history_user == world.users["inspector_a"]


@pytest.mark.parametrize(
    ("overrides", "field", "fragment"),
    [
        ({"volunteers_required": 0}, "volunteers_required", "at least one CST volunteer"),
        ({"trigger": "rrule", "recurrence": "FREQ=WEEKLY;BYDAY=XX"}, "recurrence", "BYDAY"),
        ({"sites": []}, "sites", "Choose at least one site"),
        ({"observance_categories": ["holiday"]}, "observance_categories", "holiday"),
        (
            {"start_anchor": "sunset", "duration_minutes": None, "end_anchor": "candle_lighting"},
            "end_anchor",
            "ends before it starts",
        ),
    ],
    ids=["joint with no volunteers", "invalid rrule", "no sites", "unknown category", "window ends first"],
)
def test_a_bad_rule_is_a_400_naming_the_field_and_nothing_is_saved(world, api, overrides, field, fragment):
    response = api.post(reverse("rule-list"), payload(world, **overrides), format="json")
    assert response.status_code == 400
    assert fragment in str(response.data[field])
    assert PatrolRule.objects.count() == 0


def test_an_update_must_carry_the_version_it_read(world, api):
    rule = make_rule(world.area_a)
    response = api.patch(reverse("rule-detail", args=[rule.pk]), {"duration_minutes": 90}, format="json")
    assert response.status_code == 400
    assert "version" in response.data


def test_an_update_with_the_current_version_is_saved_and_bumps_it(world, api):
    rule = make_rule(world.area_a)
    response = api.patch(reverse("rule-detail", args=[rule.pk]), {"duration_minutes": 90, "version": 1}, format="json")
    assert response.status_code == 200
    assert (response.data["duration_minutes"], response.data["version"]) == (90, 2)


def test_a_stale_update_is_a_409_and_saves_nothing(world, api):
    rule = make_rule(world.area_a)
    url = reverse("rule-detail", args=[rule.pk])
    api.patch(url, {"duration_minutes": 90, "version": 1}, format="json")
    response = api.patch(url, {"duration_minutes": 30, "version": 1}, format="json")
    assert response.status_code == 409
    assert "changed by someone else" in str(response.data["version"])
    assert PatrolRule.objects.get(pk=rule.pk).duration_minutes == 90


def test_a_rule_is_deactivated_not_deleted(world, api):
    rule = make_rule(world.area_a)
    url = reverse("rule-detail", args=[rule.pk])
    assert api.delete(url).status_code == 405
    response = api.patch(url, {"active": False, "version": 1}, format="json")
    assert response.status_code == 200 and response.data["active"] is False
    assert rule.history.order_by("-history_id").first().history_change_reason == "deactivated"
    assert [r["id"] for r in api.get(reverse("rule-list"), {"active": "false"}).data["results"]] == [rule.pk]


def test_the_rules_list_is_cut_to_the_callers_areas(world, api):
    make_rule(world.area_a, label="A rule")
    make_rule(world.area_b, label="B rule")
    assert [r["label"] for r in api.get(reverse("rule-list")).data["results"]] == ["A rule"]


# ---- preview --------------------------------------------------------------------------------


def test_the_preview_returns_the_occurrences_of_an_unsaved_rule_in_local_time(world, api):
    data = payload(world, start="2025-09-20", end="2025-10-20")
    response = api.post(reverse("rule-preview"), data, format="json")
    assert response.status_code == 200, response.data
    first = response.data["occurrences"][0]
    assert first == {
        "local_start": "2025-09-22T18:26:00+01:00",  # candle-lighting 18:41 - 15 on erev Rosh Hashanah
        "local_end": "2025-09-22T20:56:00+01:00",
        "site": {"id": world.objects["site_a"].pk, "name": "Beth Test Synagogue"},
        "trigger": "Rosh Hashanah I (evening)",
        "label": "Festival evening",
    }
    assert len(response.data["occurrences"]) == 7  # RH I-II, YK, Sukkot I-II, Shemini Atzeret, Simchat Torah
    assert response.data["truncated"] is False
    assert PatrolRule.objects.count() == 0


def test_the_preview_gives_winter_times_with_a_zero_offset(world, api):
    data = payload(world, trigger="rrule", recurrence="FREQ=WEEKLY;BYDAY=SA", start="2025-12-01", end="2025-12-07",
                   start_anchor="time", start_time="09:00", start_offset_minutes=0, duration_minutes=60)  # fmt: skip
    [occurrence] = api.post(reverse("rule-preview"), data, format="json").data["occurrences"]
    assert occurrence["local_start"] == "2025-12-06T09:00:00+00:00"
    assert occurrence["trigger"] == "FREQ=WEEKLY;BYDAY=SA"


def test_the_preview_needs_no_label_and_defaults_to_the_next_four_weeks(world, api):
    data = payload(world, trigger="rrule", recurrence="FREQ=DAILY", start_anchor="time", start_time="09:00")
    del data["label"]
    response = api.post(reverse("rule-preview"), data, format="json")
    assert response.status_code == 200
    start, end = date.fromisoformat(response.data["start"]), date.fromisoformat(response.data["end"])
    assert end - start == timedelta(days=28)
    assert len(response.data["occurrences"]) == 29


def test_the_preview_refuses_a_window_over_a_year(world, api):
    response = api.post(reverse("rule-preview"), payload(world, start="2025-01-01", end="2026-06-01"), format="json")
    assert response.status_code == 400 and "366" in str(response.data["end"])


def test_the_preview_refuses_a_bad_rule_naming_the_field(world, api):
    response = api.post(reverse("rule-preview"), payload(world, volunteers_required=0), format="json")
    assert response.status_code == 400 and "volunteers_required" in response.data


def test_the_preview_is_truncated_at_the_limit(world, api):
    data = payload(world, trigger="rrule", recurrence="FREQ=DAILY", start_anchor="time", start_time="09:00", limit=5)
    response = api.post(reverse("rule-preview"), data, format="json")
    assert len(response.data["occurrences"]) == 5 and response.data["truncated"] is True


# ---- calendar -------------------------------------------------------------------------------


def calendar(client, **params):
    return client.get(reverse("calendar"), params)


def test_the_calendar_gives_each_day_its_observances_and_times_with_offsets(world, api):
    response = calendar(api, area="area-a", start="2025-10-01", end="2025-10-02")
    assert response.status_code == 200
    erev, yom_kippur = response.json()
    assert erev["date"] == "2025-10-01"
    assert erev["observances"] == [{"key": "erev_yom_kippur", "name": "Erev Yom Kippur", "category": "erev"}]
    assert erev["candle_lighting"] == "2025-10-01T18:20:00+01:00"
    assert erev["fast_begins"].endswith("+01:00")
    assert erev["havdalah"] is None
    assert yom_kippur["observances"][0]["key"] == "yom_kippur"
    assert yom_kippur["havdalah"].startswith("2025-10-02T19:") and yom_kippur["fast_ends"]
    assert yom_kippur["sunset"].endswith("+01:00")


def test_the_calendar_gives_winter_times_in_gmt(world, api):
    [friday] = calendar(api, area="area-a", start="2025-01-03", end="2025-01-03").json()
    assert friday["candle_lighting"] == "2025-01-03T15:46:00+00:00"


def test_the_calendar_is_open_to_every_role_in_the_area(world):
    for persona in ("officer", "coordinator"):
        assert calendar(world.client(persona), area="area-a", start="2025-01-01", end="2025-01-31").status_code == 200


def test_the_calendar_covers_up_to_ten_years(world, api):
    response = calendar(api, area="area-a", start="2025-01-01", end="2034-12-31")
    assert response.status_code == 200 and len(response.json()) == 3652


@pytest.mark.parametrize(
    ("params", "field", "fragment"),
    [
        ({"start": "2025-01-01", "end": "2025-01-31"}, "area", "area's slug"),
        ({"area": "area-a", "end": "2025-01-31"}, "start", "YYYY-MM-DD"),
        ({"area": "area-a", "start": "2025-01-01"}, "end", "YYYY-MM-DD"),
        ({"area": "area-a", "start": "2025-13-01", "end": "2025-12-31"}, "start", "not a date"),
        ({"area": "area-a", "start": "tomorrow", "end": "2025-12-31"}, "start", "not a date"),
        ({"area": "area-a", "start": "20250101", "end": "2025-12-31"}, "start", "not a date"),
        ({"area": "area-a", "start": "2025-02-01", "end": "2025-01-31"}, "end", "before the start"),
        ({"area": "area-a", "start": "2025-01-01", "end": "2035-01-01"}, "end", "longer than 10 years"),
        ({"area": "area-a", "start": "1500-01-01", "end": "1500-12-31"}, "start", "from 1900 to 2200"),
    ],
    ids=[
        "no area",
        "no start",
        "no end",
        "month 13",
        "not a date",
        "basic format",
        "end before start",
        "over ten years",
        "out of range",
    ],
)
def test_a_bad_calendar_request_is_a_400_that_says_why(world, api, params, field, fragment):
    response = calendar(api, **params)
    assert response.status_code == 400
    assert fragment in str(response.json()[field])


@pytest.mark.parametrize("slug", ["nowhere", "area-b"])
def test_an_unknown_area_or_one_not_yours_is_a_404(world, api, slug):
    assert calendar(api, area=slug, start="2025-01-01", end="2025-01-31").status_code == 404


def test_the_schema_documents_the_rules_and_calendar(world, api):
    schema = api.get(reverse("api-schema"), HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    assert {"/api/v1/rules/", "/api/v1/rules/{id}/", "/api/v1/rules/preview/", "/api/v1/calendar/"} <= set(
        schema["paths"]
    )


def test_a_preview_for_a_rule_that_matches_no_site_yet_has_no_site(world, api):
    data = payload(world, site_selection="kinds", site_kinds=["school"], sites=[], start="2025-09-20", end="2025-09-30")
    response = api.post(reverse("rule-preview"), data, format="json")
    assert response.status_code == 200, response.data
    assert [row["site"] for row in response.json()["occurrences"]] == [None, None]  # Rosh Hashanah I and II


def test_the_calendar_and_the_preview_answer_in_the_shapes_the_schema_gives(world, api):
    schemas = api.get(reverse("api-schema"), HTTP_ACCEPT="application/vnd.oai.openapi+json").json()["components"]
    day_fields = set(schemas["schemas"]["CalendarDay"]["properties"])
    occurrence_fields = set(schemas["schemas"]["PreviewOccurrence"]["properties"])
    [day] = calendar(api, area="area-a", start="2025-10-01", end="2025-10-01").json()
    [occurrence] = api.post(
        reverse("rule-preview"), payload(world, start="2025-09-22", end="2025-09-22"), format="json"
    ).json()["occurrences"]
    assert set(day) == day_fields and set(occurrence) == occurrence_fields


# ---- the structured recurrence and the description --------------------------------------------


def test_a_rule_written_with_the_structured_recurrence_stores_its_rrule_and_reads_back_both(world, api):
    data = payload(
        world,
        trigger="rrule",
        observance_categories=[],
        timing="day",
        start_anchor="time",
        start_time="10:00",
        start_offset_minutes=0,
        duration_minutes=120,
        recurrence_builder={"frequency": "weekly", "weekdays": ["SA"], "exdates": ["2026-12-26"]},
    )
    response = api.post(reverse("rule-list"), data, format="json")
    assert response.status_code == 201, response.data
    assert PatrolRule.objects.get().recurrence == "RRULE:FREQ=WEEKLY;BYDAY=SA\nEXDATE;VALUE=DATE:20261226"
    body = api.get(reverse("rule-detail", args=[response.data["id"]])).data
    assert body["recurrence_builder"] == {
        "frequency": "weekly",
        "interval": 1,
        "weekdays": ["SA"],
        "month_day": None,
        "month_position": None,
        "month_weekday": None,
        "count": None,
        "until": None,
        "exdates": ["2026-12-26"],
        "rdates": [],
    }
    assert body["description"] == "Every Saturday, except 26 Dec 2026, 10:00–12:00"


def test_a_patch_of_the_structured_recurrence_alone_changes_the_rrule(world, api):
    rule = make_rule(world.area_a)
    response = api.patch(
        reverse("rule-detail", args=[rule.pk]),
        {"recurrence_builder": {"frequency": "monthly", "month_position": -1, "month_weekday": "FR"}, "version": 1},
        format="json",
    )
    assert response.status_code == 200, response.data
    rule.refresh_from_db()
    assert rule.recurrence == "FREQ=MONTHLY;BYDAY=-1FR"
    assert response.data["description"].startswith("On the last Friday of every month, ")


@pytest.mark.parametrize(
    ("builder", "field"),
    [
        ({"frequency": "weekly"}, "weekdays"),
        ({"frequency": "weekly", "weekdays": ["XX"]}, "weekdays"),
        ({"frequency": "hourly"}, "frequency"),
        ({"frequency": "monthly"}, "month_day"),
        ({"frequency": "daily", "count": 3, "until": "2027-01-01"}, "count"),
        ({"frequency": "daily", "interval": 0}, "interval"),
        ({"frequency": "daily", "rdates": ["1800-01-01"]}, "rdates"),
    ],
)
def test_a_bad_structured_recurrence_is_a_400_on_its_field_and_nothing_is_saved(world, api, builder, field):
    rule = make_rule(world.area_a)
    response = api.patch(
        reverse("rule-detail", args=[rule.pk]), {"recurrence_builder": builder, "version": 1}, format="json"
    )
    assert response.status_code == 400
    assert field in response.data["recurrence_builder"], response.data
    rule.refresh_from_db()
    assert (rule.recurrence, rule.version) == ("FREQ=DAILY", 1)


def test_a_structured_recurrence_and_a_text_that_disagree_are_refused(world, api):
    rule = make_rule(world.area_a)
    response = api.patch(
        reverse("rule-detail", args=[rule.pk]),
        {"recurrence": "FREQ=DAILY", "recurrence_builder": {"frequency": "weekly", "weekdays": ["SA"]}, "version": 1},
        format="json",
    )
    assert response.status_code == 400 and "recurrence_builder" in response.data


def test_a_recurrence_the_builder_cannot_show_reads_as_null_and_a_calendar_rule_too(world, api):
    yearly = make_rule(world.area_a, label="Yearly", recurrence="FREQ=YEARLY;BYMONTH=9;BYMONTHDAY=1")
    festival = make_rule(world.area_a, label="Festival", trigger="calendar", observance_categories=["yom_tov"])
    for rule, description in (
        (yearly, "Repeating by the rule FREQ=YEARLY;BYMONTH=9;BYMONTHDAY=1, 09:00–10:00"),
        (festival, "Yom Tov, 09:00–10:00"),
    ):
        body = api.get(reverse("rule-detail", args=[rule.pk])).data
        assert body["recurrence_builder"] is None
        assert body["description"] == description


def test_the_preview_takes_the_structured_recurrence_and_says_the_sentence(world, api):
    data = payload(
        world,
        trigger="rrule",
        observance_categories=[],
        timing="day",
        start_anchor="time",
        start_time="10:00",
        start_offset_minutes=0,
        duration_minutes=120,
        recurrence_builder={"frequency": "weekly", "weekdays": ["SA"]},
        start="2025-12-01",
        end="2025-12-14",
    )
    response = api.post(reverse("rule-preview"), data, format="json")
    assert response.status_code == 200, response.data
    assert response.data["description"] == "Every Saturday, 10:00–12:00"
    assert [row["local_start"][:10] for row in response.data["occurrences"]] == ["2025-12-06", "2025-12-13"]


def test_the_schema_has_the_description_and_the_structured_recurrence(world, api):
    schema = api.get(reverse("api-schema"), {"format": "json"}).json()
    rule = schema["components"]["schemas"]["PatrolRule"]["properties"]
    assert rule["description"]["readOnly"] is True
    assert rule["recurrence_builder"]["nullable"] is True
    builder = schema["components"]["schemas"]["RecurrenceBuilder"]["properties"]
    assert {"frequency", "interval", "weekdays", "month_day", "count", "until", "exdates", "rdates"} <= set(builder)
    assert "description" in schema["components"]["schemas"]["PreviewResponse"]["required"]
