"""The inspector pages: rules list, create, edit, deactivate, preview, and the month calendar."""

from datetime import time

import pytest
from django.urls import reverse

from calendar_rules.models import PatrolRule
from calendar_rules.tests.factories import make_rule
from conftest import make_site

HTMX = {"HTTP_HX_REQUEST": "true"}


def form_data(world, **overrides) -> dict:
    data = {
        "area": world.area_a.pk,
        "label": "Shabbat morning",
        "kind": "joint",
        "officers_required": 1,
        "volunteers_required": 2,
        "trigger": "rrule",
        "recurrence": "FREQ=WEEKLY;BYDAY=SA",
        "timing": "day",
        "start_anchor": "time",
        "start_time": "09:00",
        "start_offset_minutes": 0,
        "duration_minutes": "",
        "end_anchor": "time",
        "end_time": "12:30",
        "end_offset_minutes": 0,
        "site_selection": "sites",
        "sites": [world.objects["site_a"].pk],
        "valid_from": "2025-01-01",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


@pytest.fixture
def inspector(world):
    return world.client("inspector_a")


# ---- list -----------------------------------------------------------------------------------


def test_the_rules_list_shows_an_inspectors_rules_and_not_another_areas(world, inspector):
    make_rule(world.area_a, label="Daily patrol A")
    make_rule(world.area_b, label="Daily patrol B")
    page = inspector.get(reverse("calendar_rules:rule_list")).content.decode()
    assert "Daily patrol A" in page and "Daily patrol B" not in page


def test_the_rules_list_filters_by_active_kind_and_trigger(world, inspector):
    make_rule(world.area_a, label="Police daily")
    make_rule(world.area_a, label="Joint Shabbat", kind="joint", volunteers_required=2)
    make_rule(world.area_a, label="Festival", trigger="calendar", observance_categories=["yom_tov"])
    retired = make_rule(world.area_a, label="Retired rule")
    retired.active = False
    PatrolRule.objects.filter(pk=retired.pk).update(active=False)
    url = reverse("calendar_rules:rule_list")

    def labels(query):
        response = inspector.get(url, query, **HTMX)
        return sorted(rule.label for rule in response.context["object_list"])

    assert labels({"kind": "joint"}) == ["Joint Shabbat"]
    assert labels({"trigger": "calendar"}) == ["Festival"]
    assert labels({"active": "false"}) == ["Retired rule"]
    assert labels({"active": "true", "trigger": "rrule"}) == ["Joint Shabbat", "Police daily"]


def test_the_rules_list_filter_answers_htmx_with_only_the_rows(world, inspector):
    make_rule(world.area_a)
    response = inspector.get(reverse("calendar_rules:rule_list"), **HTMX)
    assert [t.name for t in response.templates][0] == "calendar_rules/partials/rule_rows.html"


def test_the_rules_list_takes_the_same_number_of_queries_for_3_or_30_rules(world, inspector, django_assert_num_queries):
    sites = [make_site(world.area_a, name=f"Site {n}") for n in range(3)]
    url = reverse("calendar_rules:rule_list")

    def add_rules(first, last):
        for n in range(first, last):
            if n % 2:
                make_rule(world.area_a, label=f"Rule {n:02}", site_selection="sites", site_kinds=[], sites=sites)
            else:
                make_rule(world.area_a, label=f"Rule {n:02}", trigger="calendar", observance_keys=["yom_kippur"])

    add_rules(0, 3)
    inspector.get(url)  # warm the session
    # session, user, memberships, count, rules (with area), their sites (prefetched)
    with django_assert_num_queries(5):
        assert len(inspector.get(url).context["object_list"]) == 3
    add_rules(3, 30)
    with django_assert_num_queries(5):
        assert len(inspector.get(url).context["object_list"]) == 30


# ---- create, edit, deactivate ---------------------------------------------------------------


def test_an_inspector_creates_a_rule_from_the_form(world, inspector):
    response = inspector.post(reverse("calendar_rules:rule_create"), form_data(world))
    assert response.status_code == 302
    rule = PatrolRule.objects.get(label="Shabbat morning")
    assert (rule.kind, rule.volunteers_required, rule.end_time) == ("joint", 2, time(12, 30))
    assert list(rule.sites.all()) == [world.objects["site_a"]]
    assert rule.history.get().history_user == world.users["inspector_a"]


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"recurrence": "FREQ=WEEKLY;BYDAY=XX"}, "BYDAY"),
        ({"end_time": "08:00"}, "The window ends before it starts."),
        ({"volunteers_required": 0}, "A joint patrol needs at least one CST volunteer."),
        ({"sites": []}, "Choose at least one site, or choose sites by kind."),
    ],
    ids=["invalid rrule", "window ends before it starts", "joint with no volunteers", "no sites"],
)
def test_the_form_refuses_bad_rules_with_a_message_and_saves_nothing(world, inspector, overrides, message):
    response = inspector.post(reverse("calendar_rules:rule_create"), form_data(world, **overrides))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert PatrolRule.objects.count() == 0


def test_the_form_does_not_offer_another_areas_sites(world, inspector):
    page = inspector.get(reverse("calendar_rules:rule_create")).content.decode()
    assert "Beth Test Synagogue" in page and "Other Area Synagogue" not in page


def test_the_edit_page_shows_the_rules_history_and_a_preview(world, inspector):
    rule = make_rule(world.area_a, by=world.users["inspector_a"])
    page = inspector.get(reverse("calendar_rules:rule_edit", args=[rule.pk])).content.decode()
    assert "created by inspector_a" in page
    assert "FREQ=DAILY" in page  # the preview's trigger column


def test_an_inspector_edits_a_rule(world, inspector):
    rule = make_rule(
        world.area_a, label="Daily patrol", site_selection="sites", site_kinds=[], sites=[world.objects["site_a"]]
    )
    data = form_data(world, label="Daily patrol", kind="police", volunteers_required=0, version=1)
    response = inspector.post(reverse("calendar_rules:rule_edit", args=[rule.pk]), data)
    assert response.status_code == 302
    rule.refresh_from_db()
    assert (rule.recurrence, rule.version) == ("FREQ=WEEKLY;BYDAY=SA", 2)


def test_an_edit_from_a_stale_page_is_refused_and_saves_nothing(world, inspector):
    rule = make_rule(world.area_a, label="Daily patrol")
    from calendar_rules import services

    services.rule_update(rule=PatrolRule.objects.get(pk=rule.pk), by=None, expected_version=1, start_time=time(7, 0))
    data = form_data(world, label="Daily patrol", kind="police", volunteers_required=0, version=1)
    response = inspector.post(reverse("calendar_rules:rule_edit", args=[rule.pk]), data)
    assert response.status_code == 200
    assert "changed by someone else since you opened it" in response.content.decode()
    rule.refresh_from_db()
    assert (rule.recurrence, rule.start_time, rule.version) == ("FREQ=DAILY", time(7, 0), 2)


def test_an_inspector_deactivates_and_reactivates_a_rule(world, inspector):
    rule = make_rule(world.area_a)
    url = reverse("calendar_rules:rule_active", args=[rule.pk])
    assert inspector.post(url, {"active": "0"}).status_code == 302
    assert PatrolRule.objects.get(pk=rule.pk).active is False
    inspector.post(url, {"active": "1"})
    assert PatrolRule.objects.get(pk=rule.pk).active is True


# ---- preview --------------------------------------------------------------------------------


def test_the_preview_lists_the_next_patrols_and_saves_nothing(world, inspector):
    response = inspector.post(reverse("calendar_rules:rule_preview"), form_data(world), **HTMX)
    page = response.content.decode()
    assert response.status_code == 200
    assert [t.name for t in response.templates][0] == "calendar_rules/partials/rule_preview.html"
    rows = response.context["preview_rows"]
    assert rows and all(row.local_start.weekday() == 5 for row in rows)
    assert "Beth Test Synagogue" in page and "FREQ=WEEKLY;BYDAY=SA" in page
    assert PatrolRule.objects.count() == 0


def test_the_preview_needs_no_label_yet(world, inspector):
    response = inspector.post(reverse("calendar_rules:rule_preview"), form_data(world, label=""), **HTMX)
    assert response.context["preview_rows"]


def test_the_preview_of_a_calendar_rule_names_the_observance(world, inspector):
    data = form_data(
        world,
        trigger="calendar",
        recurrence="",
        observance_keys=["yom_kippur"],
        timing="evening",
        start_anchor="candle_lighting",
        start_time="",
        start_offset_minutes=-15,
        duration_minutes=240,
        end_anchor="",
        end_time="",
    )
    response = inspector.post(reverse("calendar_rules:rule_preview"), data, **HTMX)
    [first, *_] = response.context["preview_rows"]
    assert first.trigger == "Yom Kippur (evening)"
    assert "Yom Kippur (evening)" in response.content.decode()


def test_the_preview_shows_errors_inline(world, inspector):
    response = inspector.post(
        reverse("calendar_rules:rule_preview"), form_data(world, recurrence="FREQ=WEEKLY;BYDAY=XX"), **HTMX
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "Nothing to preview yet" in page and "BYDAY" in page


def test_the_preview_without_javascript_returns_the_whole_form(world, inspector):
    response = inspector.post(reverse("calendar_rules:rule_preview"), form_data(world))
    assert [t.name for t in response.templates][0] == "calendar_rules/rule_form.html"
    assert response.context["preview_rows"]


def test_previewing_an_edit_does_not_clash_with_the_rules_own_label(world, inspector):
    rule = make_rule(world.area_a, label="Shabbat morning")
    data = form_data(world, rule=rule.pk)
    response = inspector.post(reverse("calendar_rules:rule_preview"), data, **HTMX)
    assert response.context["preview_rows"]


# ---- calendar -------------------------------------------------------------------------------


def test_the_calendar_shows_festivals_with_candle_lighting_and_havdalah(world, inspector):
    response = inspector.get(reverse("calendar_rules:calendar"), {"area": "area-a", "month": "2025-10"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "October 2025" in page
    assert "Yom Kippur" in page and "Sukkot I" in page
    assert 'datetime="2025-10-01T18:20:00+01:00"' in page  # Kol Nidre candles
    assert "Havdalah" in page and "Fast begins" in page
    assert "month=2025-09" in page and "month=2025-11" in page  # previous and next
    assert len(response.context["days"]) == 31


def test_the_calendar_shows_the_coming_festival_season(world, inspector):
    page = inspector.get(reverse("calendar_rules:calendar")).content.decode()
    assert "Coming up" in page and "High Holy Days" in page and "Autumn festival season" in page


def test_the_calendar_defaults_to_the_users_first_area_and_this_month(world, inspector):
    response = inspector.get(reverse("calendar_rules:calendar"))
    assert response.context["area"] == world.area_a
    assert response.context["month"] == response.context["today"].replace(day=1)


def test_the_calendar_says_when_a_month_cannot_be_read(world, inspector):
    response = inspector.get(reverse("calendar_rules:calendar"), {"month": "next"})
    assert "is not a month like 2026-09" in response.content.decode()


@pytest.mark.parametrize(
    ("month", "said"),
    [
        ("next", "month: “next” is not a month like 2026-09. Showing this month."),
        ("2026-13", "month: “2026-13” is not a month like 2026-09. Showing this month."),
        ("1899-12", "month: The calendar covers 1900 to 2200. Showing this month."),
    ],
)
def test_the_calendar_names_a_month_it_refuses_and_shows_this_month(world, inspector, month, said):
    response = inspector.get(reverse("calendar_rules:calendar"), {"month": month})
    assert response.status_code == 200
    assert said in response.content.decode()
    assert response.context["month"] == response.context["today"].replace(day=1)


@pytest.mark.parametrize("slug", ["area-b", "no such area", "area-a\x00"])
def test_the_calendar_of_an_area_not_yours_or_no_area_at_all_is_not_found(world, inspector, slug):
    assert inspector.get(reverse("calendar_rules:calendar"), {"area": slug}).status_code == 404


def test_the_calendar_of_another_area_is_not_found(world, inspector):
    assert inspector.get(reverse("calendar_rules:calendar"), {"area": "area-b"}).status_code == 404


def test_the_calendar_has_a_month_picker_that_keeps_the_area(world):
    page = world.client("inspector_a").get(reverse("calendar_rules:calendar"), {"month": "2027-09"}).content.decode()
    assert 'type="month" name="month" id="id_month" value="2027-09"' in page
    assert f'name="area" value="{world.area_a.slug}"' in page


def test_the_rules_list_names_a_filter_it_cannot_read(world, inspector):
    make_rule(world.area_a, label="Shabbat morning")
    response = inspector.get(reverse("calendar_rules:rule_list"), {"trigger": "moon"})
    html = response.content.decode()
    assert (
        'role="alert"' in html and "trigger: Select a valid choice. moon is not one of the available choices." in html
    )
    assert [rule.label for rule in response.context["object_list"]] == ["Shabbat morning"]
