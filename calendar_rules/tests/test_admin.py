from django.urls import reverse

from calendar_rules.models import PatrolRule
from calendar_rules.tests.factories import make_rule


def test_the_admin_lists_rules_and_offers_no_delete(world):
    rule = make_rule(world.area_a)
    admin = world.client("admin")
    assert admin.get(reverse("admin:calendar_rules_patrolrule_changelist")).status_code == 200
    assert admin.get(reverse("admin:calendar_rules_patrolrule_change", args=[rule.pk])).status_code == 200
    assert admin.get(reverse("admin:calendar_rules_patrolrule_delete", args=[rule.pk])).status_code == 403
    assert admin.get(reverse("admin:calendar_rules_patrolrule_history", args=[rule.pk])).status_code == 200


def test_an_admin_edit_goes_through_the_services(world):
    rule = make_rule(world.area_a, site_selection="sites", site_kinds=[], sites=[world.objects["site_a"]])
    data = {
        "area": world.area_a.pk,
        "label": "Renamed in admin",
        "kind": "police",
        "officers_required": 2,
        "volunteers_required": 0,
        "trigger": "rrule",
        "recurrence": "FREQ=DAILY",
        "observance_categories": "[]",
        "observance_keys": "[]",
        "periods": "[]",
        "timing": "day",
        "start_anchor": "time",
        "start_time": "09:00",
        "start_offset_minutes": 0,
        "duration_minutes": 60,
        "end_anchor": "",
        "end_offset_minutes": 0,
        "site_selection": "sites",
        "sites": [world.objects["site_a"].pk],
        "site_kinds": "[]",
        "site_risk_tiers": "[]",
        "precedence": 0,
        "valid_from": "2025-01-01",
        "active": "on",
    }
    response = world.client("admin").post(reverse("admin:calendar_rules_patrolrule_change", args=[rule.pk]), data)
    assert response.status_code == 302, response.content[:2000]
    rule = PatrolRule.objects.get(pk=rule.pk)
    assert (rule.label, rule.officers_required, rule.version) == ("Renamed in admin", 2, 2)
    latest = rule.history.order_by("-history_id").first()
    assert latest.history_user == world.users["admin"]
    assert rule.history.count() == 2


def test_the_admin_deactivates_rules_through_the_services(world):
    rule = make_rule(world.area_a)
    url = reverse("admin:calendar_rules_patrolrule_changelist")
    world.client("admin").post(url, {"action": "deactivate", "_selected_action": [rule.pk]})
    rule.refresh_from_db()
    assert rule.active is False
    assert rule.history.order_by("-history_id").first().history_change_reason == "deactivated"
