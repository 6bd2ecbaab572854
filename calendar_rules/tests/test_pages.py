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
    # The preview says the rule as a sentence, not as its RRULE.
    preview = page.split('id="rule-preview"')[1]
    assert "Every day, 09:00–10:00" in preview and 'class="preview-list"' in preview and "FREQ=DAILY" not in preview


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
    assert "Beth Test Synagogue" in page and "Every Saturday, 09:00–12:30" in page
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
        reverse("calendar_rules:rule_preview"),
        form_data(world, recurrence="FREQ=WEEKLY;BYDAY=XX", touched="recurrence"),
        **HTMX,
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


# ---- the recurrence builder, observance checkboxes, touched errors, kept preview ------------------


def builder_data(world, **overrides) -> dict:
    """The form as the builder posts it: a police patrol every Saturday, 10:00 for two hours."""
    data = form_data(
        world,
        kind="police",
        volunteers_required=0,
        recurrence="",
        start_time="10:00",
        end_anchor="",
        end_time="",
        duration_minutes=120,
        repeat_frequency="weekly",
        repeat_interval=1,
        repeat_weekdays=["SA"],
        repeat_monthly_by="day",
        repeat_ends="never",
    )
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def test_the_builder_writes_the_rrule_and_the_list_reads_it_as_a_sentence(world, inspector):
    response = inspector.post(reverse("calendar_rules:rule_create"), builder_data(world))
    assert response.status_code == 302, response.context["form"].errors
    assert PatrolRule.objects.get().recurrence == "FREQ=WEEKLY;BYDAY=SA"
    page = inspector.get(reverse("calendar_rules:rule_list")).content.decode()
    assert "Every Saturday, 10:00–12:00" in page and "FREQ=" not in page


@pytest.mark.parametrize(
    ("overrides", "recurrence"),
    [
        ({"repeat_frequency": "daily", "repeat_ends": "count", "repeat_count": 10}, "FREQ=DAILY;COUNT=10"),
        (
            {
                "repeat_weekdays": ["MO", "FR"],
                "repeat_interval": 2,
                "repeat_ends": "until",
                "repeat_until": "2027-07-01",
            },
            "FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,FR;UNTIL=20270701",
        ),
        ({"repeat_frequency": "monthly", "repeat_month_day": "-1"}, "FREQ=MONTHLY;BYMONTHDAY=-1"),
        (
            {
                "repeat_frequency": "monthly",
                "repeat_monthly_by": "weekday",
                "repeat_month_position": "1",
                "repeat_month_weekday": "SU",
            },
            "FREQ=MONTHLY;BYDAY=1SU",
        ),
        (
            {"repeat_exdates": ["2026-12-26", "", "2026-12-19"], "repeat_rdates": ["2026-12-25"]},
            "RRULE:FREQ=WEEKLY;BYDAY=SA\nEXDATE;VALUE=DATE:20261219,20261226\nRDATE;VALUE=DATE:20261225",
        ),
        ({"recurrence_advanced": "on", "recurrence": "FREQ=YEARLY;BYMONTH=9"}, "FREQ=YEARLY;BYMONTH=9"),
    ],
)
def test_each_builder_choice_is_written_into_the_rule(world, inspector, overrides, recurrence):
    response = inspector.post(reverse("calendar_rules:rule_create"), builder_data(world, **overrides))
    assert response.status_code == 302, response.context["form"].errors
    assert PatrolRule.objects.get().recurrence == recurrence


@pytest.mark.parametrize(
    ("overrides", "field", "fragment"),
    [
        ({"repeat_weekdays": []}, "repeat_weekdays", "at least one weekday"),
        ({"repeat_frequency": "monthly"}, "repeat_month_day", "day of the month"),
        ({"repeat_ends": "count"}, "repeat_count", "number of times"),
        ({"repeat_exdates": ["26/12/2026"]}, "repeat_exdates", "not a date"),
        ({"repeat_interval": 0}, "repeat_interval", "greater than or equal to 1"),
    ],
)
def test_a_builder_mistake_is_said_on_its_field_and_nothing_is_saved(world, inspector, overrides, field, fragment):
    response = inspector.post(reverse("calendar_rules:rule_create"), builder_data(world, **overrides))
    assert response.status_code == 200
    assert fragment in " ".join(response.context["form"].errors[field])
    assert not PatrolRule.objects.exists()


def test_a_rule_opens_in_the_builder_with_its_weekdays_ticked(world, inspector):
    rule = make_rule(world.area_a, recurrence="FREQ=WEEKLY;BYDAY=SA;COUNT=5")
    form = inspector.get(reverse("calendar_rules:rule_edit", args=[rule.pk])).context["form"]
    assert form["repeat_weekdays"].value() == ["SA"] and form["repeat_ends"].value() == "count"
    assert not form.advanced and not form.builder_cannot_show


def test_a_rule_the_builder_cannot_show_opens_in_advanced_and_says_so(world, inspector):
    rule = make_rule(world.area_a, recurrence="FREQ=YEARLY;BYMONTH=9;BYMONTHDAY=1")
    response = inspector.get(reverse("calendar_rules:rule_edit", args=[rule.pk]))
    page = response.content.decode()
    assert response.context["form"].advanced
    assert '<details class="advanced" open>' in page and "says more than the builder can show" in page
    # Saving it untouched keeps the text.
    data = form_data(
        world,
        label=rule.label,
        recurrence=rule.recurrence,
        version=1,
        rule=rule.pk,
        kind="police",
        volunteers_required=0,
        site_selection="kinds",
        site_kinds=["synagogue"],
        sites=[],
        end_anchor="",
        end_time="",
        duration_minutes=60,
        recurrence_advanced="on",
        repeat_frequency="weekly",
        repeat_ends="never",
    )
    assert inspector.post(reverse("calendar_rules:rule_edit", args=[rule.pk]), data).status_code == 302
    rule.refresh_from_db()
    assert (rule.recurrence, rule.version) == ("FREQ=YEARLY;BYMONTH=9;BYMONTHDAY=1", 2)


def test_observances_are_grouped_checkboxes_with_a_filter_box(world, inspector):
    page = inspector.get(reverse("calendar_rules:rule_create")).content.decode()
    assert 'id="observance-filter"' in page
    assert "<legend>Minor festivals (Chanukah, Purim, …)</legend>" in page
    assert page.count('name="observance_keys" value="chanukah_') == 8
    assert 'type="checkbox" name="observance_keys"' in page and '<select name="observance_keys"' not in page


def test_choosing_the_jewish_calendar_shows_no_errors_until_a_field_is_touched(world, inspector):
    data = builder_data(world, trigger="calendar", touched="trigger")
    page = inspector.post(reverse("calendar_rules:rule_preview"), data, **HTMX).content.decode()
    assert "Nothing to preview yet" not in page and "Fill in the rule" in page
    data = builder_data(world, trigger="calendar", touched="trigger,observance_categories")
    page = inspector.post(reverse("calendar_rules:rule_preview"), data, **HTMX).content.decode()
    assert "Nothing to preview yet" in page and "Choose at least one observance" in page


def test_the_preview_says_the_rule_as_a_sentence(world, inspector):
    page = inspector.post(reverse("calendar_rules:rule_preview"), builder_data(world), **HTMX).content.decode()
    assert "Every Saturday, 10:00–12:00" in page and "preview-list" in page


def test_a_refused_save_keeps_the_preview(world, inspector):
    make_rule(world.area_a, label="Shabbat morning")
    response = inspector.post(reverse("calendar_rules:rule_create"), builder_data(world))
    page = response.content.decode()
    assert response.status_code == 200 and "already has a rule with this label" in page
    assert response.context["preview_rows"] and "preview-list" in page
    assert "Every Saturday, 10:00–12:00" in page


def test_an_edit_refused_as_stale_keeps_the_preview_and_changes_nothing(world, inspector):
    rule = make_rule(world.area_a, recurrence="FREQ=WEEKLY;BYDAY=SA")
    PatrolRule.objects.filter(pk=rule.pk).update(version=2)  # someone saved it since
    data = builder_data(
        world, label=rule.label, version=1, rule=rule.pk, site_selection="kinds", site_kinds=["synagogue"], sites=[]
    )
    response = inspector.post(reverse("calendar_rules:rule_edit", args=[rule.pk]), data)
    page = response.content.decode()
    assert response.status_code == 200 and "changed by someone else" in page
    assert response.context["preview_rows"] and "Every Saturday, 10:00–12:00" in page
    rule.refresh_from_db()
    assert (rule.version, rule.start_time.hour) == (2, 9)
