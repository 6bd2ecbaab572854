from datetime import date

from calendar_rules import services
from calendar_rules.selectors import active_rules_with_sites, area_location, calendar_days
from calendar_rules.tests.factories import make_rule
from conftest import make_site


def test_the_generator_input_resolves_each_rules_sites_in_two_queries(world, django_assert_num_queries):
    area = world.area_a
    synagogue = world.objects["site_a"]
    school = make_site(area, name="Test School", kind="school")
    closed = make_site(area, name="Closed Synagogue", active=False)
    make_site(world.area_b, name="B School", kind="school")
    by_kind = make_rule(area, label="Schools", site_kinds=["school"])
    chosen = make_rule(area, label="Chosen", site_selection="sites", site_kinds=[], sites=[synagogue, closed])
    retired = make_rule(area, label="Retired")
    services.rule_set_active(rule=retired, by=None, active=False)
    make_rule(world.area_b, label="Other area")

    with django_assert_num_queries(2):
        loaded = active_rules_with_sites(area)

    by_label = {rule.label: (rule, site_ids) for rule, site_ids in loaded}
    assert sorted(by_label) == ["Chosen", "Schools"]
    assert by_label["Schools"][1] == (school.pk,)  # only area A's school
    assert by_label["Chosen"][1] == (synagogue.pk,)  # the deactivated site is skipped
    assert by_label["Chosen"][0].pk == chosen.pk
    assert by_label["Schools"][0].pk == by_kind.pk


def test_an_area_location_is_its_reference_point_and_time_zone(world):
    location = area_location(world.area_a)
    assert (location.latitude, location.longitude, location.timezone) == (51.6565, -0.2715, "Europe/London")


def test_calendar_days_carry_observances_times_and_periods(world):
    days = calendar_days(area_location(world.area_a), date(2025, 10, 1), date(2025, 10, 2))
    erev, yom_kippur = days
    assert [o.key for o in erev.observances] == ["erev_yom_kippur"]
    assert erev.times.candle_lighting.isoformat() == "2025-10-01T18:20:00+01:00"
    assert {p.key for p in yom_kippur.periods} == {"autumn_festivals", "high_holy_days"}
    assert yom_kippur.times.havdalah is not None
