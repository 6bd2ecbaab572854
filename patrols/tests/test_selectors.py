"""The generator's loaders: what a rule brings to the planner."""

from calendar_rules.tests.factories import make_rule
from conftest import make_site
from patrols.selectors import rules_to_plan


def test_a_rules_staffing_reaches_the_planners_input(world, django_assert_num_queries):
    area = world.area_a
    synagogue = world.objects["site_a"]
    school = make_site(area, name="Test School", kind="school")
    joint = make_rule(
        area,
        label="Joint",
        kind="joint",
        officers_required=2,
        volunteers_required=3,
        site_kinds=["synagogue", "school"],
    )
    police = make_rule(area, label="Police", kind="police", officers_required=4, volunteers_required=0)

    with django_assert_num_queries(2):
        loaded = {rule.rule_id: rule for rule in rules_to_plan(area)}

    assert set(loaded) == {joint.pk, police.pk}
    assert (
        loaded[joint.pk].kind,
        loaded[joint.pk].officers_required,
        loaded[joint.pk].volunteers_required,
        loaded[joint.pk].site_ids,
    ) == ("joint", 2, 3, tuple(sorted((synagogue.pk, school.pk))))
    assert (
        loaded[police.pk].kind,
        loaded[police.pk].officers_required,
        loaded[police.pk].volunteers_required,
        loaded[police.pk].site_ids,
    ) == ("police", 4, 0, (synagogue.pk,))
    # The spec the run expands is the rule's own, not a default.
    spec = loaded[joint.pk].spec
    assert spec is not None
    assert (spec.rule_id, spec.label) == (joint.pk, "Joint")
    assert loaded[joint.pk].occurrences == ()  # expanded later, over the dates a run reconciles
