"""Signals calendar_rules sends for work in higher rooms (DESIGN.md §2: it must not import them)."""

from django.dispatch import Signal

# Sent inside the transaction that creates, edits, deactivates or reactivates a patrol rule, once
# the rule is written. Arguments: `rule`, `by` (the editor). The patrols room connects to it to
# queue a generation run of the rule's area (enqueued only once the change commits, so a refused
# or rolled-back save queues nothing) and returns that run; `services` keeps it on the rule as
# `queued_run`, so the page that saved can show the run's progress.
rule_changed = Signal()
