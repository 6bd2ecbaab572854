"""PatrolRule validation and the services that write rules: refusals save nothing, every change
is kept with who made it, and a stale edit is refused."""

from datetime import date, time

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from calendar_rules import services
from calendar_rules.models import PatrolRule
from calendar_rules.tests.factories import make_rule, rule_fields
from conftest import make_site


def refusal(world, **overrides) -> dict:
    """Try to create a rule in area A; return the error dict, asserting nothing was saved."""
    with pytest.raises(ValidationError) as raised:
        services.rule_create(by=world.users["inspector_a"], **rule_fields(world.area_a, **overrides))
    assert PatrolRule.objects.count() == 0
    assert PatrolRule.history.count() == 0
    return raised.value.message_dict


# ---- refusals, each naming the field --------------------------------------------------------


def test_an_invalid_rrule_is_refused_with_the_recurrence_error(world):
    errors = refusal(world, recurrence="FREQ=WEEKLY;BYDAY=XX")
    assert "BYDAY" in errors["recurrence"][0]


def test_a_repeating_rule_without_a_recurrence_is_refused(world):
    errors = refusal(world, recurrence="  ")
    assert "recurrence" in errors


def test_a_clock_window_that_ends_before_it_starts_is_refused(world):
    errors = refusal(world, start_time=time(10, 0), duration_minutes=None, end_anchor="time", end_time=time(9, 0))
    assert errors["end_time"] == ["The window ends before it starts."]


def test_a_window_between_the_same_anchor_must_end_after_it_starts(world):
    errors = refusal(
        world,
        start_anchor="sunset",
        start_time=None,
        start_offset_minutes=30,
        duration_minutes=None,
        end_anchor="sunset",
        end_offset_minutes=-30,
    )
    assert "ends before it starts" in errors["end_offset_minutes"][0]


def test_a_window_between_different_anchors_that_ends_first_is_refused_naming_the_date(world):
    # Sunset to candle-lighting: candle-lighting is 18 minutes before sunset.
    errors = refusal(world, start_anchor="sunset", start_time=None, duration_minutes=None, end_anchor="candle_lighting")
    assert errors["end_anchor"][0].startswith("The window ends before it starts on ")


def test_a_night_window_to_a_clock_time_after_midnight_is_accepted(world):
    rule = make_rule(
        world.area_a, start_time=time(22, 0), duration_minutes=None, end_anchor="time", end_time=time(2, 0)
    )
    assert rule.pk


def test_a_joint_patrol_with_no_volunteers_is_refused(world):
    errors = refusal(world, kind="joint", volunteers_required=0)
    assert errors["volunteers_required"] == ["A joint patrol needs at least one CST volunteer."]


def test_a_police_patrol_with_volunteers_is_refused(world):
    errors = refusal(world, kind="police", volunteers_required=2)
    assert "volunteers_required" in errors


def test_a_rule_choosing_sites_one_by_one_needs_at_least_one(world):
    errors = refusal(world, site_selection="sites", site_kinds=[], sites=[])
    assert errors["sites"] == ["Choose at least one site, or choose sites by kind."]


def test_a_rule_choosing_sites_by_kind_needs_at_least_one_kind(world):
    errors = refusal(world, site_selection="kinds", site_kinds=[])
    assert "site_kinds" in errors


def test_a_rule_cannot_patrol_a_site_of_another_area(world):
    errors = refusal(world, site_selection="sites", sites=[world.objects["site_b"]])
    assert errors["sites"] == ["Not in this rule's area: Other Area Synagogue."]


def test_a_calendar_rule_needs_an_observance_or_period(world):
    errors = refusal(world, trigger="calendar", recurrence="")
    assert "observance_categories" in errors


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("observance_categories", ["holiday"]),
        ("observance_keys", ["christmas"]),
        ("periods", ["summer"]),
        ("site_kinds", ["castle"]),
    ],
)
def test_unknown_calendar_values_are_refused_by_name(world, field, value):
    overrides = {"trigger": "calendar", "recurrence": "", "observance_categories": ["shabbat"], field: value}
    errors = refusal(world, **overrides)
    assert errors[field][0].startswith("Unknown")
    assert value[0] in errors[field][0]


def test_a_duration_and_an_end_together_are_refused(world):
    errors = refusal(world, duration_minutes=60, end_anchor="time", end_time=time(10, 0))
    assert "duration_minutes" in errors


def test_a_rule_cannot_end_before_it_is_valid(world):
    errors = refusal(world, valid_from=date(2025, 6, 1), valid_until=date(2025, 5, 31))
    assert "valid_until" in errors


def test_two_rules_of_an_area_cannot_share_a_label(world):
    make_rule(world.area_a, label="Shabbat morning")
    with pytest.raises(ValidationError) as raised:
        make_rule(world.area_a, label="Shabbat morning")
    assert raised.value.message_dict["label"] == ["This area already has a rule with this label; choose another."]
    assert make_rule(world.area_b, label="Shabbat morning").pk  # another area may


def test_the_database_refuses_a_joint_patrol_without_volunteers_even_past_the_services(world):
    rule = make_rule(world.area_a)
    with pytest.raises(IntegrityError), transaction.atomic():
        PatrolRule.objects.filter(pk=rule.pk).update(kind="joint", volunteers_required=0)


def test_fields_a_trigger_does_not_use_are_cleared(world):
    rule = make_rule(world.area_a, observance_categories=["shabbat"], timing="evening")
    assert rule.observance_categories == [] and rule.timing == "day"
    calendar = make_rule(world.area_a, label="Shabbat", trigger="calendar", observance_categories=["shabbat"])
    assert calendar.recurrence == ""


# ---- services and history -------------------------------------------------------------------


def test_creating_a_rule_records_one_history_entry_with_who_and_its_sites(world):
    site = world.objects["site_a"]
    rule = make_rule(world.area_a, by=world.users["inspector_a"], site_selection="sites", site_kinds=[], sites=[site])
    [record] = rule.history.all()
    assert record.history_type == "+"
    assert record.history_user == world.users["inspector_a"]
    assert record.history_change_reason == "created"
    assert [row.site_id for row in record.sites.all()] == [site.pk]
    assert rule.version == 1


def test_editing_a_rule_records_who_changed_what(world):
    rule = make_rule(world.area_a, by=world.users["inspector_a"])
    second = make_site(world.area_a, name="Second Synagogue")
    services.rule_update(
        rule=rule,
        by=world.users["admin"],
        expected_version=1,
        start_time=time(10, 30),
        site_selection="sites",
        site_kinds=[],
        sites=[second],
    )
    latest = rule.history.order_by("-history_id").first()
    assert rule.history.count() == 2
    assert latest.history_user == world.users["admin"]
    assert latest.history_type == "~"
    assert latest.history_change_reason == "edited: start time, site selection, site kinds, sites"
    assert latest.start_time == time(10, 30)
    assert [row.site_id for row in latest.sites.all()] == [second.pk]
    assert rule.version == 2


def test_an_edit_carrying_a_stale_version_is_refused_and_saves_nothing(world):
    rule = make_rule(world.area_a)
    services.rule_update(rule=PatrolRule.objects.get(pk=rule.pk), by=None, expected_version=1, label="Renamed")
    with pytest.raises(services.StaleVersion) as raised:
        services.rule_update(rule=rule, by=None, expected_version=1, start_time=time(11, 0))
    assert raised.value.message_dict["version"] == [
        "This rule was changed by someone else since you opened it; reload to see their changes."
    ]
    stored = PatrolRule.objects.get(pk=rule.pk)
    assert (stored.label, stored.start_time, stored.version) == ("Renamed", time(9, 0), 2)
    assert stored.history.count() == 2


def test_a_refused_edit_saves_nothing_and_keeps_the_version(world):
    rule = make_rule(world.area_a)
    with pytest.raises(ValidationError):
        services.rule_update(rule=rule, by=None, expected_version=1, kind="joint", volunteers_required=0)
    stored = PatrolRule.objects.get(pk=rule.pk)
    assert (stored.kind, stored.version, stored.history.count()) == ("police", 1, 1)
    assert rule.version == 1


def test_deactivating_and_reactivating_a_rule_is_recorded(world):
    rule = make_rule(world.area_a)
    services.rule_set_active(rule=rule, by=world.users["inspector_a"], active=False)
    services.rule_set_active(rule=rule, by=world.users["inspector_a"], active=True)
    reasons = list(rule.history.order_by("history_id").values_list("history_change_reason", flat=True))
    assert reasons == ["created", "deactivated", "reactivated"]
    assert PatrolRule.objects.get(pk=rule.pk).version == 3


def test_a_rule_as_a_spec_carries_its_fields(world):
    rule = make_rule(world.area_a, trigger="calendar", observance_keys=["yom_kippur"], timing="evening")
    spec = rule.as_spec()
    assert (spec.rule_id, spec.trigger, spec.keys, spec.timing) == (
        rule.pk,
        "calendar",
        frozenset({"yom_kippur"}),
        "evening",
    )
    assert spec.end_anchor is None
