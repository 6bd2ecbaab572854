from datetime import date

from calendar_rules.demo import school_closures, seed_rules
from calendar_rules.models import PatrolRule
from calendar_rules.occurrences import expand_rule
from calendar_rules.selectors import active_rules_with_sites, area_location
from sites.demo import seed_areas_and_sites

TODAY = date(2026, 8, 20)


def test_seeding_the_demo_rules_twice_changes_nothing(db):
    area, second = seed_areas_and_sites()
    first = seed_rules(area, today=TODAY)
    seed_rules(second, today=TODAY, minimal=True)
    history = PatrolRule.history.count()
    again = seed_rules(area, today=TODAY)
    seed_rules(second, today=TODAY, minimal=True)
    assert [r.pk for r in again] == [r.pk for r in first]
    assert PatrolRule.history.count() == history
    assert PatrolRule.objects.filter(area=second).count() == 1


def test_seeding_restores_a_demo_rule_someone_changed(db):
    area, _ = seed_areas_and_sites()
    seed_rules(area, today=TODAY)
    PatrolRule.objects.filter(area=area, label="Kol Nidre (CST)").update(active=False, officers_required=1)
    seed_rules(area, today=TODAY)
    rule = PatrolRule.objects.get(area=area, label="Kol Nidre (CST)")
    assert (rule.active, rule.officers_required) == (True, 2)


def test_the_demo_rules_cover_what_the_area_needs(db):
    area, _ = seed_areas_and_sites()
    rules = {rule.label: rule for rule in seed_rules(area, today=TODAY)}
    specs = {rule.label: (rule.as_spec(), sites) for rule, sites in active_rules_with_sites(area)}
    location = area_location(area)

    def dates(label, start, end):
        return [o.local_date for o in expand_rule(specs[label][0], location, start, end)]

    # every site patrolled daily, schools at drop-off and pick-up
    assert len(specs["Daily patrol: synagogues"][1]) == 5
    assert len(specs["School drop-off"][1]) == 4 and len(specs["School pick-up"][1]) == 4
    # Saturday mornings at each synagogue, jointly with CST
    assert rules["Shabbat morning (CST)"].kind == "joint"
    # Kol Nidre: the evening before Yom Kippur 2026 (21 September)
    assert dates("Kol Nidre (CST)", date(2026, 9, 1), date(2026, 10, 31)) == [date(2026, 9, 20)]
    # both days of Rosh Hashanah 2026, morning and evening
    assert dates("Rosh Hashanah (CST)", date(2026, 9, 1), date(2026, 9, 30)) == [date(2026, 9, 12), date(2026, 9, 13)]
    assert dates("Rosh Hashanah evening (CST)", date(2026, 9, 1), date(2026, 9, 30)) == [
        date(2026, 9, 11),
        date(2026, 9, 12),
    ]
    # festival evenings and mornings outside the High Holy Days: Sukkot, Shemini Atzeret, Simchat Torah
    assert len(dates("Festival morning (CST)", date(2026, 9, 1), date(2026, 10, 31))) == 4
    # Chanukah evenings at community sites; Purim evening at the two chosen sites
    assert len(dates("Chanukah evening", date(2026, 11, 1), date(2027, 1, 31))) == 8
    assert len(specs["Purim evening"][1]) == 2
    # an erev afternoon patrol before each festival
    assert date(2026, 9, 11) in dates("Erev afternoon", date(2026, 9, 1), date(2026, 9, 30))


def test_schools_are_not_patrolled_on_yom_tov_or_in_the_holidays(db):
    area, _ = seed_areas_and_sites()
    seed_rules(area, today=TODAY)
    spec = next(rule.as_spec() for rule, _ in active_rules_with_sites(area) if rule.label == "School drop-off")
    days = set(o.local_date for o in expand_rule(spec, area_location(area), date(2026, 9, 1), date(2027, 8, 31)))
    assert date(2026, 9, 14) in days  # an ordinary Monday in term
    assert date(2026, 9, 21) not in days  # Yom Kippur
    assert date(2026, 12, 24) not in days  # Christmas holidays
    assert date(2027, 8, 2) not in days  # summer holidays
    assert all(day.weekday() < 5 for day in days)


def test_school_closures_are_weekdays_inside_the_window():
    closed = school_closures(date(2026, 9, 1), date(2027, 8, 31))
    assert closed and all(day.weekday() < 5 for day in closed)
    assert min(closed) >= date(2026, 9, 1) and max(closed) <= date(2027, 8, 31)
    assert date(2027, 4, 22) in closed  # Pesach I
    assert date(2026, 9, 2) in closed  # the last day of the summer holidays


def test_seed_demo_adds_the_rules_and_says_how_many(db, settings):
    from io import StringIO

    from django.core.management import call_command

    settings.DEBUG = True
    out = StringIO()
    call_command("seed_demo", stdout=out)
    assert "Patrol rules: 15 in Hertsmere South (demo), 1 in Colne Vale (demo)." in out.getvalue()
