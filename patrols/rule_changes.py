"""The rota follows a saved rule: calendar_rules announces every change to a rule
(`calendar_rules.signals.rule_changed`, sent in the saving transaction); this queues a run of the
rule's area, enqueued once that commits. Runs are incremental, so a run per change is cheap."""

from __future__ import annotations

from typing import Any

from .models import GenerationRun, RunTrigger
from .services import generation_run_after_change


def on_rule_changed(sender: Any, *, rule: Any, by: Any, **kwargs: Any) -> GenerationRun:
    return generation_run_after_change(area=rule.area, trigger=RunTrigger.RULE, by=by)
