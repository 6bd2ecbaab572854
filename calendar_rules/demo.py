"""The demo's patrol rules: what an inspector in a Hertsmere-like area would set up.

`seed_rules(area, today=...)` creates or refreshes them by (area, label) through the services, so
they get history and validation; a rule that already matches is left alone (running it twice
changes nothing). School rules run on school days: weekdays with EXDATEs for the school holidays
and the festivals Jewish schools close for, over this academic year and the next.
"""

from __future__ import annotations

from datetime import date, time, timedelta

from sites.models import Area, Site, SiteKind

from . import jewish_calendar, services
from .models import Anchor, PatrolKind, PatrolRule, SiteSelection, Timing, Trigger

SYNAGOGUES = [SiteKind.SYNAGOGUE]
SCHOOLS = [SiteKind.SCHOOL, SiteKind.NURSERY]
COMMUNITY = [SiteKind.COMMUNITY_CENTRE, SiteKind.OTHER]
WEEKDAYS = "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR"

HIGH_HOLY_DAY_KEYS = {"rosh_hashanah_1", "rosh_hashanah_2", "yom_kippur"}
# Every yom tov but the High Holy Days, which have heavier rules of their own.
FESTIVAL_KEYS = sorted(
    key
    for key, kind in jewish_calendar.OBSERVANCE_KINDS.items()
    if kind.category == "yom_tov" and key not in HIGH_HOLY_DAY_KEYS
)
# Rules other than the school ones start here, so that re-seeding on another day changes nothing.
DEMO_VALID_FROM = date(2025, 1, 1)
# Days a Jewish school closes besides its holidays: yom tov, Chol HaMoed Sukkot and the eves.
SCHOOL_CLOSED_CATEGORIES = {"yom_tov", "erev"}
SCHOOL_CLOSED_KEYS_PREFIX = "chol_hamoed_sukkot"


# Precedence: a rule replaces the overlapping patrols of lower ones at the same site, so that no
# synagogue gets two patrols at once: the High Holy Days over the festivals, the festivals over
# Shabbat, Shabbat and the eves over the daily routine.
ROUTINE, EREV, SHABBAT, FESTIVAL, HIGH_HOLY_DAY = 0, 5, 10, 30, 40


def academic_year_start(today: date) -> date:
    return date(today.year if today.month >= 9 else today.year - 1, 9, 1)


def school_closures(first: date, last: date) -> list[date]:
    """Weekdays from `first` to `last` a (fictional) Hertfordshire Jewish school is closed:
    the usual holidays, approximated by fixed rules, and the festivals."""
    closed: set[date] = set()

    def add_range(start: date, end: date) -> None:
        day = start
        while day <= end:
            closed.add(day)
            day += timedelta(days=1)

    def week_of(day: date) -> tuple[date, date]:
        monday = day - timedelta(days=day.weekday())
        return monday, monday + timedelta(days=4)

    for year in range(first.year - 1, last.year + 1):
        add_range(date(year, 12, 20), date(year + 1, 1, 3))  # Christmas
        add_range(*week_of(date(year, 2, 15)))  # February half term
        add_range(*week_of(date(year, 5, 29)))  # May half term (with the spring bank holiday)
        add_range(date(year, 7, 22), date(year, 9, 2))  # summer
        add_range(*week_of(date(year, 10, 27)))  # October half term
        may_day = date(year, 5, 1) + timedelta(days=(7 - date(year, 5, 1).weekday()) % 7)
        closed.add(may_day)  # early May bank holiday
    for observance in jewish_calendar.observances_between(first, last):
        if observance.category in SCHOOL_CLOSED_CATEGORIES or observance.key.startswith(SCHOOL_CLOSED_KEYS_PREFIX):
            closed.add(observance.date)
    # The spring holiday is taken around Pesach (eight days, with a few either side).
    for observance in jewish_calendar.observances_between(first - timedelta(days=14), last):
        if observance.key == "pesach_1":
            add_range(observance.date - timedelta(days=3), observance.date + timedelta(days=10))
    return sorted(day for day in closed if first <= day <= last and day.weekday() < 5)


def school_days_recurrence(first: date, last: date) -> str:
    exdates = ",".join(day.strftime("%Y%m%d") for day in school_closures(first, last))
    return f"RRULE:{WEEKDAYS}\nEXDATE;VALUE=DATE:{exdates}" if exdates else f"RRULE:{WEEKDAYS}"


def _rule(label, *, kind=PatrolKind.POLICE, officers=1, volunteers=0, kinds=None, sites=None, **fields) -> dict:
    fields.setdefault("timing", Timing.DAY)
    fields.setdefault("precedence", ROUTINE)
    fields.setdefault("start_offset_minutes", 0)
    fields.setdefault("end_offset_minutes", 0)
    return {
        "label": label,
        "kind": kind,
        "officers_required": officers,
        "volunteers_required": volunteers,
        "site_selection": SiteSelection.KINDS if kinds else SiteSelection.SITES,
        "site_kinds": list(kinds or []),
        "site_names": list(sites or []),
        **fields,
    }


def _calendar(label, *, categories=(), keys=(), periods=(), **fields) -> dict:
    return _rule(
        label,
        trigger=Trigger.CALENDAR,
        recurrence="",
        observance_categories=sorted(categories),
        observance_keys=sorted(keys),
        periods=sorted(periods),
        **fields,
    )


def _repeating(label, recurrence: str, **fields) -> dict:
    return _rule(label, trigger=Trigger.RRULE, recurrence=recurrence, **fields)


def _clock(start: time, end: time) -> dict:
    return {
        "start_anchor": Anchor.TIME,
        "start_time": start,
        "duration_minutes": None,
        "end_anchor": Anchor.TIME,
        "end_time": end,
    }


def _anchored(anchor: str, offset: int, duration: int) -> dict:
    return {
        "start_anchor": anchor,
        "start_time": None,
        "start_offset_minutes": offset,
        "duration_minutes": duration,
        "end_anchor": "",
        "end_time": None,
    }


def demo_rules(today: date) -> list[dict]:
    """The demo area's rules (see the module docstring)."""
    school_from = academic_year_start(today)
    school_until = date(school_from.year + 2, 8, 31)
    school_days = school_days_recurrence(school_from, school_until)
    school = {"valid_from": school_from, "valid_until": school_until}
    joint = {"kind": PatrolKind.JOINT, "kinds": SYNAGOGUES}
    return [
        # Every site, every day.
        _repeating("Daily patrol: synagogues", "FREQ=DAILY", kinds=SYNAGOGUES, **_clock(time(18, 30), time(19, 15))),
        _repeating("Daily patrol: community sites", "FREQ=DAILY", kinds=COMMUNITY, **_clock(time(12, 0), time(12, 45))),
        _repeating("School drop-off", school_days, kinds=SCHOOLS, **school, **_clock(time(8, 15), time(8, 55))),
        _repeating("School pick-up", school_days, kinds=SCHOOLS, **school, **_clock(time(15, 0), time(15, 40))),
        # Shabbat.
        _calendar(
            "Friday evening",
            precedence=SHABBAT,
            categories={"shabbat"},
            timing=Timing.EVENING,
            kinds=SYNAGOGUES,
            **_anchored(Anchor.CANDLE_LIGHTING, -30, 120),
        ),
        _repeating(
            "Shabbat morning (CST)",
            "FREQ=WEEKLY;BYDAY=SA",
            precedence=SHABBAT,
            volunteers=2,
            **joint,
            **_clock(time(9, 0), time(12, 30)),
        ),
        # Festivals: every yom tov evening and morning, jointly with CST.
        _calendar(
            "Festival evening (CST)",
            precedence=FESTIVAL,
            keys=FESTIVAL_KEYS,
            timing=Timing.EVENING,
            volunteers=2,
            **joint,
            **_anchored(Anchor.CANDLE_LIGHTING, -15, 150),
        ),
        _calendar(
            "Festival morning (CST)",
            precedence=FESTIVAL,
            keys=FESTIVAL_KEYS,
            volunteers=2,
            **joint,
            **_clock(time(9, 0), time(13, 0)),
        ),
        # The High Holy Days: more officers and volunteers, longer windows.
        _calendar(
            "Rosh Hashanah evening (CST)",
            precedence=HIGH_HOLY_DAY,
            keys={"rosh_hashanah_1", "rosh_hashanah_2"},
            timing=Timing.EVENING,
            officers=2,
            volunteers=3,
            **joint,
            **_anchored(Anchor.CANDLE_LIGHTING, -30, 180),
        ),
        _calendar(
            "Rosh Hashanah (CST)",
            precedence=HIGH_HOLY_DAY,
            keys={"rosh_hashanah_1", "rosh_hashanah_2"},
            officers=2,
            volunteers=3,
            **joint,
            **_clock(time(8, 30), time(14, 0)),
        ),
        _calendar(
            "Kol Nidre (CST)",
            precedence=HIGH_HOLY_DAY,
            keys={"yom_kippur"},
            timing=Timing.EVENING,
            officers=2,
            volunteers=4,
            **joint,
            **_anchored(Anchor.CANDLE_LIGHTING, -45, 240),
        ),
        _calendar(
            "Yom Kippur (CST)",
            precedence=HIGH_HOLY_DAY,
            keys={"yom_kippur"},
            officers=2,
            volunteers=3,
            **joint,
            start_anchor=Anchor.TIME,
            start_time=time(9, 0),
            duration_minutes=None,
            end_anchor=Anchor.NIGHTFALL,
            end_time=None,
            end_offset_minutes=30,
        ),
        # The afternoon before each festival, while families travel to synagogue.
        _calendar(
            "Erev afternoon",
            precedence=EREV,
            categories={"erev"},
            kinds=SYNAGOGUES,
            **_anchored(Anchor.CANDLE_LIGHTING, -180, 150),
        ),
        # Community evenings.
        _calendar(
            "Chanukah evening",
            keys={f"chanukah_{day}" for day in range(1, 9)},
            timing=Timing.EVENING,
            kinds=COMMUNITY,
            **_anchored(Anchor.SUNSET, 0, 150),
        ),
        _calendar(
            "Purim evening",
            keys={"purim"},
            timing=Timing.EVENING,
            sites=["Hertsmere Jewish Community Centre", "Elstree Village Kosher Kitchen"],
            **_anchored(Anchor.NIGHTFALL, -15, 180),
        ),
    ]


def minimal_rules(today: date) -> list[dict]:
    """A second area's rules: one daily patrol at every site."""
    return [
        _repeating(
            "Daily patrol",
            "FREQ=DAILY",
            kinds=[SiteKind.SYNAGOGUE, SiteKind.SCHOOL, SiteKind.NURSERY, SiteKind.COMMUNITY_CENTRE, SiteKind.OTHER],
            **_clock(time(16, 0), time(17, 0)),
        )
    ]


def seed_rules(area: Area, *, today: date, minimal: bool = False, by=None) -> list[PatrolRule]:
    """Create or refresh the demo rules of `area` by (area, label); returns them. Idempotent:
    a rule that already has these values is not written again. No run is queued per rule: the
    demo generates its rota once the rules are in."""
    specs = minimal_rules(today) if minimal else demo_rules(today)
    rules = []
    for spec in specs:
        spec = dict(spec)
        site_names = spec.pop("site_names")
        sites = list(Site.objects.filter(area=area, name__in=site_names)) if site_names else []
        spec.setdefault("valid_from", DEMO_VALID_FROM)
        spec.setdefault("valid_until", None)
        existing = PatrolRule.objects.filter(area=area, label=spec["label"]).first()
        if existing is None:
            rules.append(services.rule_create(by=by, area=area, sites=sites, active=True, queue_run=False, **spec))
            continue
        wanted = {**spec, "active": True}
        same_sites = {site.pk for site in sites} == set(existing.sites.values_list("pk", flat=True))
        if same_sites and all(getattr(existing, name) == value for name, value in wanted.items()):
            rules.append(existing)
            continue
        rules.append(
            services.rule_update(
                rule=existing, by=by, expected_version=existing.version, sites=sites, queue_run=False, **wanted
            )
        )
    return rules
