"""Signals sites sends for work in higher rooms (DESIGN.md §2: sites must not import them)."""

from django.dispatch import Signal

# Sent inside the transaction of a change an area's rota is planned from — its alert level raised,
# ended or expired (sites.surges), a planning setting edited (sites.services.area_update), a
# site's services (sites.site_services), a rule (calendar_rules.services) or an uplift saved.
# Arguments: `area`, `trigger` (the value of patrols.models.RunTrigger naming the change:
# "rule", "surge" or "settings") and `by` (the user, or None for the expiry task). The patrols room
# connects to it to queue a run of the area, enqueued once the change commits, so a rolled-back
# change starts nothing.
area_plan_changed = Signal()

RULE_TRIGGER = "rule"
SURGE_TRIGGER = "surge"
SETTINGS_TRIGGER = "settings"
