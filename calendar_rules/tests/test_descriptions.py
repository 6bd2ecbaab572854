"""Rules read as sentences: every trigger kind and every anchor kind, and what narrows a rule."""

from datetime import time

import pytest

from calendar_rules.descriptions import describe, describe_recurrence
from calendar_rules.models import Anchor, PatrolRule, SiteSelection, Timing, Trigger


def rule(**fields) -> PatrolRule:
    """An unsaved rule (describe needs no database): a weekly one, 10:00 for two hours, unless told."""
    base = {
        "trigger": Trigger.RRULE,
        "recurrence": "FREQ=WEEKLY;BYDAY=SA",
        "start_anchor": Anchor.TIME,
        "start_time": time(10),
        "duration_minutes": 120,
    }
    return PatrolRule(**{**base, **fields})


@pytest.mark.parametrize(
    ("fields", "sentence"),
    [
        # The issue's three examples.
        ({}, "Every Saturday, 10:00–12:00"),
        (
            {
                "trigger": Trigger.CALENDAR,
                "observance_keys": [f"chanukah_{day}" for day in range(1, 9)],
                "timing": Timing.EVENING,
                "start_anchor": Anchor.CANDLE_LIGHTING,
                "start_time": None,
            },
            "Each evening of Chanukah, from candle-lighting for 2 hours",
        ),
        (
            {
                "trigger": Trigger.CALENDAR,
                "observance_categories": ["shabbat", "yom_tov"],
                "start_anchor": Anchor.SERVICE,
                "start_time": None,
                "duration_minutes": None,
                "end_anchor": Anchor.SERVICE,
                "service_part": "morning",
            },
            "Yom Tov and Shabbat during the morning service",
        ),
    ],
    ids=["weekly", "chanukah evenings", "service"],
)
def test_the_issue_examples_read_as_written(fields, sentence):
    assert describe(rule(**fields)) == sentence


# ---- every trigger kind ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("recurrence", "when"),
    [
        ("FREQ=DAILY", "Every day"),
        ("FREQ=DAILY;INTERVAL=2", "Every other day"),
        ("FREQ=DAILY;INTERVAL=3;COUNT=10", "Every 3 days, 10 times"),
        ("FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR", "Every weekday (Monday to Friday)"),
        ("FREQ=WEEKLY;BYDAY=FR,SA", "Every Friday and Saturday"),
        ("FREQ=WEEKLY;INTERVAL=2;BYDAY=SU", "Every other Sunday"),
        ("FREQ=WEEKLY;INTERVAL=3;BYDAY=MO,WE,FR", "Every 3 weeks on Monday, Wednesday and Friday"),
        ("FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR,SA,SU;UNTIL=20271231", "Every day, until 31 Dec 2027"),
        ("FREQ=MONTHLY;BYMONTHDAY=1", "On the 1st of every month"),
        ("FREQ=MONTHLY;BYMONTHDAY=-1;COUNT=1", "On the last day of every month, once"),
        ("FREQ=MONTHLY;INTERVAL=2;BYDAY=1SU", "On the first Sunday of every other month"),
        ("FREQ=MONTHLY;INTERVAL=6;BYDAY=-1FR", "On the last Friday of every 6 months"),
        (
            "RRULE:FREQ=DAILY\nEXDATE:20261225,20261226\nRDATE:20270101",
            "Every day, except 25 Dec 2026 and 26 Dec 2026, and also 1 Jan 2027",
        ),
        ("RRULE:FREQ=DAILY\nEXDATE:20261221,20261222,20261223,20261224", "Every day, except 4 dates"),
        ("FREQ=YEARLY;BYMONTH=9", "Repeating by the rule FREQ=YEARLY;BYMONTH=9"),
        ("", "No recurrence given"),
    ],
)
def test_a_repeating_rule_says_its_days(recurrence, when):
    assert describe_recurrence(recurrence) == when


@pytest.mark.parametrize(
    ("fields", "when"),
    [
        ({"observance_categories": ["shabbat"]}, "Shabbat"),
        ({"observance_categories": ["erev"], "timing": Timing.EVENING}, "Each evening of the eve of each festival"),
        ({"observance_categories": ["fast", "minor"]}, "The minor festivals and fast days"),
        ({"observance_keys": ["yom_kippur"], "timing": Timing.EVENING}, "Each evening of Yom Kippur"),
        ({"observance_keys": ["chanukah_1", "chanukah_2"]}, "Chanukah (day 1) and Chanukah (day 2)"),
        ({"observance_categories": ["shabbat"], "periods": ["high_holy_days"]}, "Shabbat in the High Holy Days"),
        (
            {"periods": ["high_holy_days", "autumn_festivals"]},
            "Every day of the High Holy Days or Autumn festival season",
        ),
        ({}, "No observance chosen"),
        (
            {"observance_keys": ["pesach_1", "pesach_2", "shavuot_1", "pesach_7", "yom_kippur"]},
            "Pesach I, II and VII, Shavuot I and Yom Kippur",
        ),
    ],
)
def test_a_calendar_rule_names_its_observances(fields, when):
    assert describe(rule(trigger=Trigger.CALENDAR, **fields)) == f"{when}, 10:00–12:00"


# ---- every anchor kind -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fields", "window"),
    [
        ({"start_time": time(22), "duration_minutes": 240}, "22:00–02:00 the next day"),
        ({"start_offset_minutes": -15}, "09:45–11:45"),
        ({"duration_minutes": None, "end_anchor": Anchor.TIME, "end_time": time(12, 15)}, "10:00–12:15"),
        (
            {"duration_minutes": None, "end_anchor": Anchor.NIGHTFALL},
            "from 10:00 until nightfall",
        ),
        ({"start_anchor": Anchor.SUNSET, "duration_minutes": 90}, "from sunset for 90 minutes"),
        (
            {"start_anchor": Anchor.SUNSET, "start_offset_minutes": -30, "duration_minutes": 60},
            "from 30 minutes before sunset for 1 hour",
        ),
        (
            {"start_anchor": Anchor.CANDLE_LIGHTING, "duration_minutes": 135},
            "from candle-lighting for 2 hours 15 minutes",
        ),
        (
            {
                "start_anchor": Anchor.CANDLE_LIGHTING,
                "duration_minutes": None,
                "end_anchor": Anchor.NIGHTFALL,
                "end_offset_minutes": 60,
            },
            "from candle-lighting until 1 hour after nightfall",
        ),
        (
            {
                "start_anchor": Anchor.NIGHTFALL,
                "duration_minutes": None,
                "end_anchor": Anchor.TIME,
                "end_time": time(23),
            },
            "from nightfall until 23:00",
        ),
        (
            {
                "start_anchor": Anchor.SERVICE,
                "service_part": "evening",
                "duration_minutes": None,
                "end_anchor": Anchor.SERVICE,
            },
            "during the evening service",
        ),
        (
            {
                "start_anchor": Anchor.SERVICE,
                "service_part": "morning",
                "start_offset_minutes": -15,
                "duration_minutes": None,
                "end_anchor": Anchor.SERVICE,
                "end_offset_minutes": 30,
            },
            "from 15 minutes before the start of the morning service until 30 minutes after its end",
        ),
        (
            {"start_anchor": Anchor.SERVICE, "service_part": "afternoon", "duration_minutes": 60},
            "from the start of the afternoon service for 1 hour",
        ),
        (
            {"duration_minutes": None, "end_anchor": Anchor.SERVICE, "service_part": "morning"},
            "from 10:00 until the end of the morning service",
        ),
    ],
)
def test_the_window_reads_for_every_anchor(fields, window):
    sentence = describe(rule(**fields))
    joiner = " " if window.startswith("during ") else ", "
    assert sentence == f"Every Saturday{joiner}{window}"


def test_every_anchor_kind_is_covered_at_the_start_and_the_end():
    # The table above names each anchor; a new anchor must be worded here too.
    assert {anchor.value for anchor in Anchor} == {"time", "sunset", "candle_lighting", "nightfall", "service"}


# ---- what narrows a rule -----------------------------------------------------------------------


def test_a_surge_rule_at_tier_one_and_two_sites_says_both():
    sentence = describe(
        rule(surge_only=True, site_selection=SiteSelection.KINDS, site_kinds=["synagogue"], site_risk_tiers=[2, 1])
    )
    assert sentence == "Every Saturday, 10:00–12:00, at tier-1 and tier-2 sites, while the alert level is raised"


def test_risk_tiers_are_named_only_when_sites_are_chosen_by_kind():
    assert describe(rule(site_selection=SiteSelection.SITES, site_risk_tiers=[1])) == "Every Saturday, 10:00–12:00"
