"""Rule fields for tests: a valid rule by default, changed by keyword."""

from datetime import date, time

from calendar_rules import services


def rule_fields(area, **overrides) -> dict:
    fields = {
        "area": area,
        "label": "Daily patrol",
        "kind": "police",
        "officers_required": 1,
        "volunteers_required": 0,
        "trigger": "rrule",
        "recurrence": "FREQ=DAILY",
        "timing": "day",
        "start_anchor": "time",
        "start_time": time(9, 0),
        "start_offset_minutes": 0,
        "duration_minutes": 60,
        "end_anchor": "",
        "site_selection": "kinds",
        "site_kinds": ["synagogue"],
        "valid_from": date(2025, 1, 1),
    }
    fields.update(overrides)
    return fields


def make_rule(area, *, by=None, **overrides):
    """A rule already there (a fixture, not a change a planner makes): no run is queued for it."""
    return services.rule_create(by=by, queue_run=False, **rule_fields(area, **overrides))
