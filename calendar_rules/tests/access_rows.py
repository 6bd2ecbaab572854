"""Access-matrix rows for the rules pages, the calendar and their API
(see config/tests/test_access_matrix.py).

Rules are inspectors' business: officers and coordinators get 403, an inspector of another area
404 for area A's rule (or a form/serializer error when naming area A in a new rule). The
calendar API is open to any role in the area; the calendar page, like the nav link, to inspectors.
"""

from django.urls import reverse

from config.tests.access import Row, outcomes

from . import access_rows_uplifts


def build(world):
    access_rows_uplifts.build(world)
    """Rule "rule_a": a daily police patrol at site A."""
    from calendar_rules.tests.factories import make_rule

    if "rule_a" in world.objects:
        return
    world.objects["rule_a"] = make_rule(
        world.area_a, label="Matrix daily", site_selection="sites", site_kinds=[], sites=[world.objects["site_a"]]
    )


def _rule(w):
    return w.objects["rule_a"].pk


def _form(w, **overrides):
    data = {
        "area": w.area_a.pk,
        "label": "Matrix form rule",
        "kind": "police",
        "officers_required": 1,
        "volunteers_required": 0,
        "trigger": "rrule",
        "recurrence": "FREQ=WEEKLY;BYDAY=SA",
        "timing": "day",
        "start_anchor": "time",
        "start_time": "09:00",
        "start_offset_minutes": 0,
        "duration_minutes": 60,
        "end_anchor": "",
        "end_offset_minutes": 0,
        "site_selection": "kinds",
        "site_kinds": ["synagogue"],
        "valid_from": "2025-01-01",
    }
    return {**data, **overrides}


def _payload(w, **overrides):
    data = {
        "area": w.area_a.slug,
        "label": "Matrix API rule",
        "kind": "joint",
        "officers_required": 1,
        "volunteers_required": 2,
        "trigger": "calendar",
        "observance_categories": ["yom_tov"],
        "timing": "evening",
        "start_anchor": "candle_lighting",
        "start_offset_minutes": -15,
        "duration_minutes": 150,
        "site_selection": "kinds",
        "site_kinds": ["synagogue"],
        "valid_from": "2025-01-01",
    }
    return {**data, **overrides}


ROWS = [
    # Pages
    Row(
        "rule list page",
        "calendar_rules:rule_list",
        "GET",
        lambda w: reverse("calendar_rules:rule_list"),
        outcomes(302, 403, 403, 200, 200, 200),
    ),
    Row(
        "rule create page",
        "calendar_rules:rule_create",
        "GET",
        lambda w: reverse("calendar_rules:rule_create"),
        outcomes(302, 403, 403, 200, 200, 200),
    ),
    Row(
        "rule create in area A (B's inspector gets the form back)",
        "calendar_rules:rule_create",
        "POST",
        lambda w: reverse("calendar_rules:rule_create"),
        outcomes(302, 403, 403, 302, 200, 302),
        data=_form,
    ),
    Row(
        "rule edit page (area A)",
        "calendar_rules:rule_edit",
        "GET",
        lambda w: reverse("calendar_rules:rule_edit", args=[_rule(w)]),
        outcomes(302, 403, 403, 200, 404, 200),
    ),
    Row(
        "rule edit save (area A)",
        "calendar_rules:rule_edit",
        "POST",
        lambda w: reverse("calendar_rules:rule_edit", args=[_rule(w)]),
        outcomes(302, 403, 403, 302, 404, 302),
        data=lambda w: _form(w, label="Matrix renamed", version=1),
    ),
    Row(
        "rule deactivate (area A)",
        "calendar_rules:rule_active",
        "POST",
        lambda w: reverse("calendar_rules:rule_active", args=[_rule(w)]),
        outcomes(302, 403, 403, 302, 404, 302),
        data=lambda w: {"active": "0"},
    ),
    Row(
        "rule preview of a new rule",
        "calendar_rules:rule_preview",
        "POST",
        lambda w: reverse("calendar_rules:rule_preview"),
        outcomes(302, 403, 403, 200, 200, 200),
        data=_form,
    ),
    Row(
        "rule preview of rule A",
        "calendar_rules:rule_preview",
        "POST",
        lambda w: reverse("calendar_rules:rule_preview"),
        outcomes(302, 403, 403, 200, 404, 200),
        data=lambda w: _form(w, rule=_rule(w)),
    ),
    Row(
        "calendar page",
        "calendar_rules:calendar",
        "GET",
        lambda w: reverse("calendar_rules:calendar"),
        outcomes(302, 403, 403, 200, 200, 200),
    ),
    Row(
        "calendar page of area A",
        "calendar_rules:calendar",
        "GET",
        lambda w: reverse("calendar_rules:calendar") + f"?area={w.area_a.slug}&month=2025-10",
        outcomes(302, 403, 403, 200, 404, 200),
    ),
    # API
    Row("api rules list", "rule-list", "GET", lambda w: reverse("rule-list"), outcomes(401, 403, 403, 200, 200, 200)),
    Row(
        "api rule create in area A",
        "rule-list",
        "POST",
        lambda w: reverse("rule-list"),
        outcomes(401, 403, 403, 201, 400, 201),
        data=_payload,
        format="json",
    ),
    Row(
        "api rule A detail",
        "rule-detail",
        "GET",
        lambda w: reverse("rule-detail", args=[_rule(w)]),
        outcomes(401, 403, 403, 200, 404, 200),
    ),
    Row(
        "api rule A update",
        "rule-detail",
        "PATCH",
        lambda w: reverse("rule-detail", args=[_rule(w)]),
        outcomes(401, 403, 403, 200, 404, 200),
        data=lambda w: {"start_time": "10:00", "version": 1},
        format="json",
    ),
    Row(
        "api rule A delete is not offered",
        "rule-detail",
        "DELETE",
        lambda w: reverse("rule-detail", args=[_rule(w)]),
        outcomes(401, 403, 403, 405, 405, 405),
    ),
    Row(
        "api rule preview in area A",
        "rule-preview",
        "POST",
        lambda w: reverse("rule-preview"),
        outcomes(401, 403, 403, 200, 400, 200),
        data=_payload,
        format="json",
    ),
    Row(
        "api calendar of area A",
        "calendar",
        "GET",
        lambda w: reverse("calendar") + f"?area={w.area_a.slug}&start=2025-09-01&end=2025-10-31",
        outcomes(401, 200, 200, 200, 404, 200),
    ),
]
ROWS += access_rows_uplifts.ROWS
