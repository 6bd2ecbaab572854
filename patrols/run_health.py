"""Whether a generation run is still alive: pure rules, no Django, no clock.

A run's status is written outside its main transaction (so the runs page can see it start), so a
process that dies mid-run — SIGKILL, an out-of-memory kill, a machine that stops — leaves it
"running" for good unless something notices. Two signs say that nobody is working on a run:

- **Its heartbeat is silent.** While a run works, a thread of its process writes
  `GenerationRun.heartbeat_at` on a connection of its own (outside the run's transaction), every
  `heartbeat_interval_seconds(...)`. A run not heard from for `stale_after_seconds` (the
  RUN_STALE_AFTER_SECONDS setting) is dead. The thread beats while the run waits for its area's
  lock too, so a run queued behind a long one is not mistaken for a dead one.
- **Its run lock is free (PostgreSQL).** The same thread holds a session advisory lock on the run
  for as long as the process lives; PostgreSQL drops it the moment the process's connection
  closes, so a killed run is seen at once, without waiting for the heartbeat to go stale.

The services (`patrols.services`, "runs that die") apply these rules and mark such a run failed
with `DEAD_RUN_ERROR`; this module only decides.
"""

from __future__ import annotations

from datetime import datetime

# The Celery time limits of one area's run (patrols.tasks.generate_rota_for_area). A run still
# queued after the hard limit has been lost by the broker or the workers: the progress page stops
# polling it and says so.
RUN_SOFT_TIME_LIMIT_SECONDS = 20 * 60
RUN_TIME_LIMIT_SECONDS = 25 * 60
# How long Redis waits before handing an unacknowledged task (its worker died with it) to another
# worker. Longer than the hard time limit, so a task still running — or still waiting in a busy
# worker's prefetch buffer — is never handed out twice; a redelivered run that is in fact alive is
# refused anyway by its run lock and heartbeat.
RUN_VISIBILITY_TIMEOUT_SECONDS = RUN_TIME_LIMIT_SECONDS + 5 * 60
# How many times one run may be started (Celery's retries of database errors, redeliveries of a
# task whose worker died). A task that kills its worker every time would otherwise be redelivered
# for ever (task_reject_on_worker_lost).
RUN_MAX_ATTEMPTS = 8
# Default of the RUN_STALE_AFTER_SECONDS setting: a run not heard from for this long is dead.
DEFAULT_STALE_AFTER_SECONDS = 120

DEAD_RUN_ERROR = (
    "The process running it stopped without finishing (it was killed, ran out of memory, or its "
    "machine stopped); nothing it wrote was kept, so the rota is as it was before the run. "
    "Start it again with Generate now, or wait for the nightly run."
)


def heartbeat_interval_seconds(stale_after_seconds: float) -> float:
    """How often a working run beats: six beats per staleness threshold, so a few late beats
    (a busy database, a paused thread) never make a live run look dead."""
    return max(0.5, stale_after_seconds / 6)


def last_sign_of_life(
    *, heartbeat_at: datetime | None, started_at: datetime | None, queued_at: datetime | None
) -> datetime | None:
    """The latest moment the run is known to have been alive."""
    known = [moment for moment in (heartbeat_at, started_at, queued_at) if moment is not None]
    return max(known) if known else None


def is_silent(*, last_sign: datetime | None, now: datetime, stale_after_seconds: float) -> bool:
    """True when a running run has not been heard from for longer than the threshold."""
    return last_sign is None or (now - last_sign).total_seconds() > stale_after_seconds


def may_start_again(attempts: int) -> bool:
    """Whether a run already started `attempts` times may be started once more."""
    return attempts < RUN_MAX_ATTEMPTS
