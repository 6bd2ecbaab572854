"""Signals the lower rooms send when something the rota is planned from has changed, so that
`patrols` (a higher room, which they may not import: DESIGN.md §2) starts a run.

`plan_inputs_changed` — sent by the writer, inside its transaction, with:
- `area`: the sites.models.Area whose rota must follow;
- `trigger`: why, one of "rule" (a patrol rule saved, changed or deactivated), "surge" (the
  area's alert level raised, ended or expired), "settings" (the area's settings or a site's
  service times) — the values of patrols.models.RunTrigger;
- `by`: the user who made the change, or None (a periodic task).
patrols connects to it (PatrolsConfig.ready) and queues a run that starts once the change
commits (patrols.services.generation_run_after_change); a rolled-back change starts nothing.
"""

from django.dispatch import Signal

plan_inputs_changed = Signal()
