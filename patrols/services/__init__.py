"""The only writers of patrols, assignments, slots and generation runs, by subject:

- `rota` — the generator (`rota_sync`: load → plan → diff → apply), and `rota_writes`, its bulk
  writes of one run's diff;
- `runs` — a generator run's record: queued, started, its stages, how it ended, its heartbeat
  and the marking of dead runs failed; the area lock;
- `patrols` — hand edits of patrols (each pins the patrol it changes);
- `assignments` — officers on patrols (hard refusals, and warnings overridden with a reason);
- `bulk` — one action over many patrols, each in its own transaction;
- `slots` — CST places on joint patrols;
- `escalation` — the digests of CST places still open at an area's lead times;
- `slots` — CST places on joint patrols (one or several asked at once);
- `invitations` — volunteers' Accept / Decline links, their emails and answers;
- `availability` — volunteers' availability links and the dates they cannot do;
- `outcomes` — completed and missed patrols, the reasons and corrections an inspector records;
- `visits` — officers' check-ins and check-outs;
- `officer_notices` — the emails officers get when their patrols change (queued by the services
  above) and the evening reminder before a duty;
- `editing` — what the hand edits share; `locks` — the area's rota lock.

Callers import the services from here: ``from patrols import services`` or
``from patrols.services import rota_sync``.
"""

from .assignments import OverrideNeeded, assignment_create, assignment_delete
from .bulk import BulkOutcome, patrols_bulk
from .escalation import DigestCounts, escalation_digests_queue
from .outcomes import (
    OutcomeCounts,
    patrol_completed_by_visit,
    patrol_correct_outcome,
    patrol_record_missed,
    patrols_mark_outcomes,
)
from .patrols import patrol_cancel, patrol_create_manual, patrol_restore, patrol_set_briefing, patrol_update
from .rota import rota_sync
from .runs import (
    generation_run_after_change,
    generation_run_queue,
    generation_run_start,
    generation_runs_fail_dead,
    generation_runs_fail_dead_seen_by,
    generation_runs_start_nightly,
)
from .slots import AskOutcome, slot_confirm, slot_decline, slot_fill, slot_release, slots_fill_many
from .visits import visit_check_in, visit_check_out

__all__ = [
    "AskOutcome",
    "BulkOutcome",
    "DigestCounts",
    "OutcomeCounts",
    "OverrideNeeded",
    "assignment_create",
    "assignment_delete",
    "escalation_digests_queue",
    "generation_run_after_change",
    "generation_run_queue",
    "generation_run_start",
    "generation_runs_fail_dead",
    "generation_runs_fail_dead_seen_by",
    "generation_runs_start_nightly",
    "patrol_cancel",
    "patrol_completed_by_visit",
    "patrol_correct_outcome",
    "patrol_create_manual",
    "patrol_record_missed",
    "patrol_restore",
    "patrol_set_briefing",
    "patrol_update",
    "patrols_bulk",
    "patrols_mark_outcomes",
    "rota_sync",
    "slot_confirm",
    "slot_decline",
    "slot_fill",
    "slot_release",
    "slots_fill_many",
    "visit_check_in",
    "visit_check_out",
]
