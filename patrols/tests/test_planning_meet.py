"""The planner's pure handling of rules that meet at a site: uplifts and precedence."""

from datetime import UTC, date, datetime, timedelta

from calendar_rules.occurrences import Occurrence
from calendar_rules.staffing import UpliftToApply
from patrols.planning import PlanContext, RuleToPlan, patrols_of, precedence_matters, resolve_precedence

ROSH_HASHANAH = date(2027, 10, 2)  # Rosh Hashanah I, on Shabbat
ORDINARY = date(2027, 10, 5)


def occurrence(day, hour, hours=1, for_date=None):
    start = datetime(day.year, day.month, day.day, hour, tzinfo=UTC)
    return Occurrence(day, 0, start, start + timedelta(hours=hours), "Patrol", "", None, for_date)


def rule(rule_id, *occurrences, sites=(1, 2), precedence=0, kind="police", officers=1, volunteers=0):
    return RuleToPlan(rule_id, kind, officers, volunteers, sites, tuple(occurrences), precedence=precedence)


HIGH_HOLY_DAYS = UpliftToApply(
    label="High Holy Days",
    keys=frozenset({"rosh_hashanah_1", "rosh_hashanah_2", "yom_kippur"}),
    risk_tiers=frozenset({1}),
    officers_value=1,
    cst_places=2,
)
CONTEXT = PlanContext(uplifts=(HIGH_HOLY_DAYS,), sites={1: ("synagogue", 1), 2: ("synagogue", 3)})


def test_an_uplift_raises_only_the_patrols_of_its_days_at_its_tiers():
    planned = list(patrols_of([rule(1, occurrence(ROSH_HASHANAH, 9), occurrence(ORDINARY, 9))], CONTEXT))
    raised = [(p.site_id, p.starts_at.date(), p.kind, p.officers_required, p.volunteers_required) for p in planned]
    assert raised == [
        (1, ROSH_HASHANAH, "joint", 2, 2),
        (1, ORDINARY, "police", 1, 0),
        (2, ROSH_HASHANAH, "police", 1, 0),
        (2, ORDINARY, "police", 1, 0),
    ]
    assert planned[0].uplift_note == "High Holy Days: +1 officer, joint with 2 CST places"


def test_an_evening_patrol_is_raised_for_the_festival_it_is_for():
    erev = date(2027, 10, 1)
    (evening, _) = patrols_of([rule(1, occurrence(erev, 17, for_date=ROSH_HASHANAH))], CONTEXT)
    assert evening.officers_required == 2


def test_at_least_never_lowers_and_every_uplift_is_capped_at_the_most_a_patrol_takes():
    at_least = UpliftToApply(
        label="Festivals", categories=frozenset({"yom_tov"}), officers_mode="at_least", officers_value=3
    )
    big = UpliftToApply(label="Big", categories=frozenset({"yom_tov"}), officers_value=20)
    context = PlanContext(uplifts=(at_least, big), sites={1: ("synagogue", 1)}, max_officers=20)
    (patrol,) = patrols_of([rule(1, occurrence(ROSH_HASHANAH, 9), sites=(1,), officers=4)], context)
    assert patrol.officers_required == 20
    assert patrol.uplift_note == "Big: +20 officers"  # "at least 3" changed nothing: not named


def test_a_surge_uplift_applies_only_while_a_surge_covers_the_start():
    surge = UpliftToApply(label="Surge", during_surge=True, officers_value=1)
    start = datetime(2027, 10, 5, 12, tzinfo=UTC)
    context = PlanContext(uplifts=(surge,), sites={1: ("school", 2)}, surges=((start, start + timedelta(days=1)),))
    patrols = list(
        patrols_of([rule(1, occurrence(ORDINARY, 9), occurrence(date(2027, 10, 6), 9), sites=(1,))], context)
    )
    assert [p.officers_required for p in patrols] == [1, 2]


def test_a_higher_rule_replaces_overlapping_patrols_and_yields_only_to_kept_ones():
    daily = rule(1, occurrence(ORDINARY, 9, 1), precedence=0)
    festival = rule(2, occurrence(ORDINARY, 9, 3), sites=(1,), precedence=10)
    top = rule(3, occurrence(ORDINARY, 11, 3), sites=(1,), precedence=20)
    assert precedence_matters([daily, festival, top])
    kept, replacements = resolve_precedence(patrols_of([daily, festival, top]), {1: 0, 2: 10, 3: 20}, "Europe/London")
    # The festival (09:00–12:00 UTC) yields to the top rule (11:00–14:00); the daily patrol at
    # site 1 (09:00–10:00) then overlaps no kept patrol of a higher rule, so it stays.
    assert sorted((p.rule_id, p.site_id) for p in kept) == [(1, 1), (1, 2), (3, 1)]
    assert [(r.replaced.rule_id, r.by.rule_id) for r in replacements] == [(2, 3)]
    assert next(p for p in kept if p.rule_id == 3).replaces_note == "Replaces Patrol 10:00–13:00"


def test_rules_of_one_precedence_or_no_shared_site_never_compete():
    assert not precedence_matters([rule(1, precedence=5), rule(2, precedence=5)])
    assert not precedence_matters([rule(1, sites=(1,), precedence=0), rule(2, sites=(2,), precedence=9)])
    touching = [rule(1, occurrence(ORDINARY, 9), precedence=0), rule(2, occurrence(ORDINARY, 10), precedence=9)]
    kept, replacements = resolve_precedence(patrols_of(touching), {1: 0, 2: 9}, "UTC")
    assert len(kept) == 4 and replacements == []
