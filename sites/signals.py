"""Signals sites sends for work in higher rooms (DESIGN.md §2: sites must not import them)."""

from django.dispatch import Signal

# Sent inside the transaction of a change an area's rota is planned from — its alert level raised,
# ended or expired (sites.surges), or a planning setting edited (sites.services.area_update).
# Arguments: `area`, `trigger` (the value of patrols.models.RunTrigger naming the change:
# "surge" or "settings") and `by` (the user, or None for the expiry task). The patrols room
# connects to it to queue a run of the area, enqueued once the change commits, so a rolled-back
# change starts nothing.
area_plan_changed = Signal()

SURGE_TRIGGER = "surge"
SETTINGS_TRIGGER = "settings"
