"""Where rules meet at a site: precedence (a rule replaces the overlapping patrols of lower
ones), staffing uplifts, and windows anchored to each site's own services — through the run."""

from datetime import UTC, date, datetime, time, timedelta
from itertools import combinations
from zoneinfo import ZoneInfo

import pytest

from calendar_rules.demo import seed_rules
from calendar_rules.models import StaffingUplift, UpliftMode
from patrols.models import Assignment, Patrol, PatrolKind, PatrolStatus, RunTrigger, SlotStatus, VolunteerSlot
from patrols.services import patrol_cancel, patrol_update, rota_sync
from sites.demo import seed_areas_and_sites
from sites.models import AreaSurge, RiskTier, ServiceAnchor, ServiceDay, ServicePart, SiteService

from .conftest import make_sites, shabbat_rule

pytestmark = [pytest.mark.django_db]

LONDON = ZoneInfo("Europe/London")
# Late August 2027: the autumn festivals of 5788 lie ahead.
BEFORE_AUTUMN = datetime(2027, 8, 30, 9, 0, tzinfo=UTC)


def sync(area, *, start, end, now=BEFORE_AUTUMN):
    return rota_sync(area=area, trigger=RunTrigger.COMMAND, start=start, end=end, now=now)


def local(patrol):
    return patrol.starts_at.astimezone(LONDON), patrol.ends_at.astimezone(LONDON)


def scheduled(area, **filters):
    return list(Patrol.objects.filter(area=area, status=PatrolStatus.SCHEDULED, **filters).select_related("rule"))


# ---- precedence ---------------------------------------------------------------------------


def test_no_demo_site_has_two_overlapping_patrols_from_different_rules_across_the_autumn_festivals_2027():
    area, _ = seed_areas_and_sites()
    seed_rules(area, today=date(2027, 8, 30))
    run = sync(area, start=date(2027, 9, 1), end=date(2027, 10, 31))
    assert run.status == "succeeded", run.error
    by_site: dict[int, list[Patrol]] = {}
    for patrol in scheduled(area):
        by_site.setdefault(patrol.site_id, []).append(patrol)
    overlaps = [
        (a.site.name, a.label, b.label, local(a)[0])
        for patrols in by_site.values()
        for a, b in combinations(patrols, 2)
        if a.rule_id != b.rule_id and a.starts_at < b.ends_at and b.starts_at < a.ends_at
    ]
    assert overlaps == []
    # The cases: Shabbat Rosh Hashanah, Kol Nidre and Yom Kippur, erev Sukkot (a Friday).
    synagogue = next(p.site for p in scheduled(area, label="Rosh Hashanah (CST)"))
    on = {
        (p.label, local(p)[0].date())
        for p in scheduled(area, site=synagogue)
        if date(2027, 10, 1) <= local(p)[0].date() <= date(2027, 10, 16)
    }
    assert ("Rosh Hashanah (CST)", date(2027, 10, 2)) in on
    assert ("Shabbat morning (CST)", date(2027, 10, 2)) not in on
    assert ("Daily patrol: synagogues", date(2027, 10, 11)) not in on  # Yom Kippur
    assert ("Daily patrol: synagogues", date(2027, 10, 10)) not in on  # Kol Nidre
    assert ("Festival evening (CST)", date(2027, 10, 15)) in on
    assert ("Friday evening", date(2027, 10, 15)) not in on
    rosh_hashanah = next(
        p
        for p in scheduled(area, site=synagogue, label="Rosh Hashanah (CST)")
        if local(p)[0].date() == date(2027, 10, 2)
    )
    assert rosh_hashanah.replaces_note == "Replaces Shabbat morning (CST) 09:00–12:30"
    assert Patrol.objects.filter(area=area).exclude(status=PatrolStatus.SCHEDULED).count() == 0  # not created at all


def _two_rules(world, **winner_fields):
    area = world.area_a
    sites = make_sites(area, 2)
    routine = shabbat_rule(area, sites, label="Routine", kind=PatrolKind.POLICE, volunteers_required=0)
    return area, sites, routine


def test_a_rule_of_higher_precedence_cancels_the_overlapping_patrols_it_replaces(world):
    area, sites, routine = _two_rules(world)
    start, end = date(2027, 9, 1), date(2027, 9, 30)
    sync(area, start=start, end=end)
    assert len(scheduled(area, rule=routine)) == 8  # four Saturdays at two sites
    festival = shabbat_rule(
        area, sites[:1], label="Festival", start_time=time(10, 0), duration_minutes=60, precedence=10
    )
    run = sync(area, start=start, end=end)
    assert run.cancelled == 4 and run.created == 4
    assert len(scheduled(area, rule=routine, site=sites[0])) == 0
    assert len(scheduled(area, rule=routine, site=sites[1])) == 4  # the other site keeps its routine
    winner = scheduled(area, rule=festival)[0]
    assert winner.replaces_note == "Replaces Routine 09:00–12:00"
    # Running it again changes nothing; dropping the precedence brings the routine back.
    again = sync(area, start=start, end=end)
    assert (again.created, again.updated, again.cancelled, again.restored) == (0, 0, 0, 0)
    festival.precedence = 0
    festival.save()
    back = sync(area, start=start, end=end)
    assert back.restored == 4
    assert {p.replaces_note for p in scheduled(area, rule=festival)} == {""}


def test_a_replaced_patrol_with_an_officer_on_it_stays_beside_its_replacement_with_a_warning(world):
    area, sites, routine = _two_rules(world)
    start, end = date(2027, 9, 1), date(2027, 9, 30)
    sync(area, start=start, end=end)
    held = min(scheduled(area, rule=routine, site=sites[0]), key=lambda p: p.starts_at)
    Assignment.objects.create(patrol=held, officer=world.users["officer"].officer)
    shabbat_rule(area, sites[:1], label="Festival", start_time=time(10, 0), duration_minutes=60, precedence=10)
    run = sync(area, start=start, end=end)
    held.refresh_from_db()
    assert held.status == PatrolStatus.SCHEDULED
    assert run.held == 1 and run.cancelled == 3
    assert "Routine" in run.warnings and "people are on it" in run.warnings


def test_a_pinned_patrol_is_not_cancelled_by_a_rule_of_higher_precedence(world):
    area, sites, routine = _two_rules(world)
    start, end = date(2027, 9, 1), date(2027, 9, 30)
    sync(area, start=start, end=end)
    pinned = min(scheduled(area, rule=routine, site=sites[0]), key=lambda p: p.starts_at)
    patrol_update(patrol=pinned, by=world.users["inspector_a"], expected_version=pinned.version, label="By hand")
    shabbat_rule(area, sites[:1], label="Festival", start_time=time(10, 0), duration_minutes=60, precedence=10)
    run = sync(area, start=start, end=end)
    pinned.refresh_from_db()
    assert pinned.status == PatrolStatus.SCHEDULED and run.pinned == 1
    assert "edited by hand" in run.warnings


def test_a_patrol_cancelled_or_moved_by_hand_replaces_nothing_so_the_routine_patrol_stays(world):
    area, sites, routine = _two_rules(world)
    start, end = date(2027, 9, 1), date(2027, 9, 30)
    festival = shabbat_rule(
        area, sites[:1], label="Festival", start_time=time(10, 0), duration_minutes=60, precedence=10
    )
    sync(area, start=start, end=end)
    assert len(scheduled(area, rule=routine, site=sites[0])) == 0  # all four replaced
    first, second = sorted(scheduled(area, rule=festival), key=lambda p: p.starts_at)[:2]
    inspector = world.users["inspector_a"]
    patrol_cancel(patrol=first, by=inspector, reason="Site closed", expected_version=first.version)
    moved_to = second.starts_at + timedelta(hours=5)  # 15:00, clear of the routine 09:00–12:00
    patrol_update(
        patrol=second,
        by=inspector,
        expected_version=second.version,
        starts_at=moved_to,
        ends_at=moved_to + timedelta(hours=1),
    )
    sync(area, start=start, end=end)
    # The routine patrols of those two Saturdays are back; the other two stay replaced.
    back = sorted(p.starts_at.astimezone(LONDON).date() for p in scheduled(area, rule=routine, site=sites[0]))
    assert back == sorted({first.starts_at.astimezone(LONDON).date(), second.starts_at.astimezone(LONDON).date()})


# ---- uplifts ------------------------------------------------------------------------------


def _uplift(area, **fields):
    defaults = {"label": "High Holy Days", "observance_keys": ["rosh_hashanah_1", "rosh_hashanah_2", "yom_kippur"]}
    uplift = StaffingUplift(area=area, **{**defaults, **fields})
    uplift.full_clean()
    uplift.save()
    return uplift


def test_an_uplift_raises_the_patrols_of_its_days_at_its_tiers_and_makes_them_joint(world):
    area = world.area_a
    tier_one, tier_three = make_sites(area, 2)
    tier_one.risk_tier = RiskTier.values[0]
    tier_one.save()
    tier_three.risk_tier = RiskTier.values[-1]
    tier_three.save()
    # Every day 08:00–09:00, a police patrol with one officer.
    rule = shabbat_rule(
        area,
        [tier_one, tier_three],
        label="Morning",
        kind=PatrolKind.POLICE,
        volunteers_required=0,
        recurrence="FREQ=DAILY",
        start_time=time(8, 0),
        duration_minutes=60,
    )
    _uplift(area, risk_tiers=[RiskTier.values[0]], officers_value=1, cst_places=2)
    run = sync(area, start=date(2027, 10, 1), end=date(2027, 10, 12))
    assert run.status == "succeeded", run.error
    raised = {local(p)[0].date() for p in scheduled(area, rule=rule, site=tier_one) if p.uplift_note}
    # Rosh Hashanah 2 and 3 October, Yom Kippur 11 October 2027; only the tier-1 site.
    assert raised == {date(2027, 10, 2), date(2027, 10, 3), date(2027, 10, 11)}
    assert not any(p.uplift_note for p in scheduled(area, rule=rule, site=tier_three))
    patrol = next(p for p in scheduled(area, rule=rule, site=tier_one) if local(p)[0].date() == date(2027, 10, 11))
    assert (patrol.kind, patrol.officers_required, patrol.volunteers_required) == ("joint", 2, 2)
    assert patrol.uplift_note == "High Holy Days: +1 officer, joint with 2 CST places"
    assert VolunteerSlot.objects.filter(patrol=patrol, status=SlotStatus.OPEN).count() == 2
    ordinary = next(p for p in scheduled(area, rule=rule, site=tier_one) if local(p)[0].date() == date(2027, 10, 5))
    assert (ordinary.kind, ordinary.officers_required, ordinary.uplift_note) == ("police", 1, "")


def test_changing_or_deactivating_an_uplift_replans_but_never_touches_pinned_or_held_patrols(world):
    area = world.area_a
    sites = make_sites(area, 3)
    rule = shabbat_rule(area, sites, label="Shabbat", volunteers_required=1)  # joint, Saturdays 09:00–12:00
    uplift = _uplift(
        area, observance_keys=[], observance_categories=["yom_tov"], officers_mode=UpliftMode.AT_LEAST, officers_value=3
    )
    start, end = date(2027, 10, 1), date(2027, 10, 31)
    sync(area, start=start, end=end)
    # Shabbat Rosh Hashanah (2 Oct), Shabbat Sukkot (16 Oct), Shemini Atzeret on Shabbat (23 Oct).
    on_yom_tov = [p for p in scheduled(area, rule=rule) if p.uplift_note]
    assert len(on_yom_tov) == 9
    assert {p.officers_required for p in on_yom_tov} == {3}
    assert on_yom_tov[0].uplift_note == "High Holy Days: at least 3 officers"
    pinned, held = sorted(on_yom_tov, key=lambda p: p.pk)[:2]
    patrol_update(patrol=pinned, by=world.users["inspector_a"], expected_version=pinned.version, label="By hand")
    Assignment.objects.create(patrol=held, officer=world.users["officer"].officer)
    uplift.active = False
    uplift.save()
    run = sync(area, start=start, end=end)
    assert run.updated == 7
    pinned.refresh_from_db()
    held.refresh_from_db()
    assert pinned.officers_required == held.officers_required == 3
    assert {p.officers_required for p in scheduled(area, rule=rule) if p.pk not in (pinned.pk, held.pk)} == {1}


def test_a_surge_uplift_applies_to_the_patrols_that_start_while_the_surge_is_open(world):
    area = world.area_a
    sites = make_sites(area, 1)
    rule = shabbat_rule(area, sites, label="Shabbat", volunteers_required=1)
    _uplift(area, label="Surge", observance_keys=[], during_surge=True, officers_value=2)
    raised_at = datetime(2027, 9, 1, 12, 0, tzinfo=UTC)
    AreaSurge.objects.create(
        area=area,
        reason="Incident",
        raised_by=world.users["inspector_a"],
        raised_at=raised_at,
        ends_at=raised_at + timedelta(days=10),
    )
    sync(area, start=date(2027, 9, 1), end=date(2027, 9, 30), now=raised_at)
    officers = sorted((local(p)[0].date(), p.officers_required) for p in scheduled(area, rule=rule))
    assert officers == [
        (date(2027, 9, 4), 3),
        (date(2027, 9, 11), 3),
        (date(2027, 9, 18), 1),
        (date(2027, 9, 25), 1),
    ]
    AreaSurge.objects.update(ended_at=raised_at + timedelta(hours=1), ended_by=world.users["inspector_a"])
    sync(area, start=date(2027, 9, 1), end=date(2027, 9, 30), now=raised_at + timedelta(hours=1))
    assert {p.officers_required for p in scheduled(area, rule=rule)} == {1}


# ---- services -----------------------------------------------------------------------------


def _service(site, day, part, **fields):
    service = SiteService(site=site, day=day, part=part, **fields)
    service.full_clean()
    service.save()
    return service


def _service_rule(area, sites, part, **fields):
    defaults = {
        "label": f"During the {part} service",
        "trigger": "calendar",
        "recurrence": "",
        "observance_categories": ["shabbat", "yom_tov"],
        "start_anchor": "service",
        "start_time": None,
        "duration_minutes": None,
        "end_anchor": "service",
        "service_part": part,
    }
    return shabbat_rule(area, sites, **{**defaults, **fields})


def test_a_service_rule_gives_each_synagogue_its_own_times_and_none_to_a_site_without_the_service(world):
    area = world.area_a
    early, late, none = make_sites(area, 3)
    _service(early, ServiceDay.SHABBAT, ServicePart.MORNING, start_time=time(9, 0), end_time=time(12, 15))
    _service(late, ServiceDay.SHABBAT, ServicePart.MORNING, start_time=time(9, 30), duration_minutes=150)
    _service(late, ServiceDay.YOM_TOV, ServicePart.MORNING, start_time=time(8, 30), end_time=time(13, 0))
    rule = _service_rule(
        area, [early, late, none], ServicePart.MORNING, start_offset_minutes=-15, end_offset_minutes=15
    )
    # Shemini Atzeret 2027 falls on Shabbat (23 Oct), Simchat Torah on Sunday 24 Oct.
    run = sync(area, start=date(2027, 10, 22), end=date(2027, 11, 6))
    assert run.status == "succeeded", run.error
    windows = sorted(
        (p.site_id, local(p)[0].date(), local(p)[0].strftime("%H:%M"), local(p)[1].strftime("%H:%M"))
        for p in scheduled(area, rule=rule)
    )
    assert windows == [
        (early.pk, date(2027, 10, 23), "08:45", "12:30"),  # no Yom Tov service: its Shabbat one
        (early.pk, date(2027, 10, 30), "08:45", "12:30"),
        (early.pk, date(2027, 11, 6), "08:45", "12:30"),  # the clocks went back on 31 Oct: still 08:45
        (late.pk, date(2027, 10, 23), "08:15", "13:15"),  # Yom Tov on Shabbat: its Yom Tov service
        (late.pk, date(2027, 10, 24), "08:15", "13:15"),  # Simchat Torah
        (late.pk, date(2027, 10, 30), "09:15", "12:15"),
        (late.pk, date(2027, 11, 6), "09:15", "12:15"),
    ]
    before, after = sorted((p for p in scheduled(area, rule=rule, site=early)), key=lambda p: p.starts_at)[-2:]
    assert (before.starts_at.hour, after.starts_at.hour) == (7, 8)  # 08:45 BST, then 08:45 GMT (UTC)


def test_evening_services_are_held_the_evening_before_friday_for_shabbat_and_kol_nidre_on_erev_yom_kippur(world):
    area = world.area_a
    (site,) = make_sites(area, 1)
    _service(
        site, ServiceDay.SHABBAT, ServicePart.EVENING, start_anchor=ServiceAnchor.CANDLE_LIGHTING, duration_minutes=90
    )
    _service(
        site,
        ServiceDay.YOM_KIPPUR,
        ServicePart.EVENING,
        start_anchor=ServiceAnchor.CANDLE_LIGHTING,
        start_offset_minutes=-10,
        duration_minutes=150,
        label="Kol Nidre",
    )
    rule = _service_rule(
        area,
        [site],
        ServicePart.EVENING,
        observance_categories=["shabbat"],
        observance_keys=["yom_kippur"],
        end_offset_minutes=30,
    )
    run = sync(area, start=date(2027, 10, 1), end=date(2027, 10, 13))
    assert run.status == "succeeded", run.error
    patrols = sorted(scheduled(area, rule=rule), key=lambda p: p.starts_at)
    assert [(local(p)[0].strftime("%a %d"), p.occurrence_key.split(":")[1]) for p in patrols] == [
        ("Fri 01", "2027-10-01"),
        ("Fri 08", "2027-10-08"),
        ("Sun 10", "2027-10-10"),  # Kol Nidre, on erev Yom Kippur
    ]
    friday, _, kol_nidre = patrols
    assert friday.ends_at - friday.starts_at == timedelta(minutes=120)  # 90 + the rule's 30
    assert kol_nidre.ends_at - kol_nidre.starts_at == timedelta(minutes=180)
