"""A real `manage.py generate_rota` killed with SIGKILL in the middle of its transaction: its run is
found dead and marked failed — by the sweep, by the progress partial, or by the next run of the
area — nothing it wrote is kept, and a new run then succeeds (PostgreSQL: the process runs
against the test database, which it can only share with this test when committed).

The run is caught mid-way without a test-only hook: this test holds a lock on the rule's
generation state row, which the run writes last, so the run waits there inside its transaction —
area lock held, patrols written — until it is killed."""

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection, connections, transaction
from django.urls import reverse

from patrols.models import GenerationRun, Patrol, RuleGenerationState, RunStatus
from patrols.tasks import sweep_dead_runs

from .conftest import make_sites, school_rule

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql", reason="kills a process sharing PostgreSQL")

ROOT = Path(__file__).resolve().parents[2]


def _database_url() -> str:
    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    return f"postgres://{db['USER']}{password}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def _start_generate_rota(*args: str) -> subprocess.Popen:
    env = {
        key: value for key, value in os.environ.items() if key not in {"CELERY_BROKER_URL", "REDIS_URL", "DATABASE_URL"}
    }
    env.update(DJANGO_SETTINGS_MODULE="config.settings_test", DATABASE_URL=_database_url())
    return subprocess.Popen(
        [sys.executable, "manage.py", "generate_rota", *args],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )


def _wait_for(predicate, timeout: float = 60.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.1)
    return False


def _someone_waits_for_a_row_lock() -> bool:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'"
        )
        return cursor.fetchone()[0] > 0


class _RowLock:
    """Holds `SELECT … FOR UPDATE` on a rule's generation state in a thread of its own."""

    def __init__(self, rule_id: int):
        self.rule_id = rule_id
        self.held = threading.Event()
        self.release = threading.Event()
        self.thread = threading.Thread(target=self._hold, daemon=True)

    def _hold(self):
        try:
            with transaction.atomic():
                list(RuleGenerationState.objects.select_for_update().filter(rule_id=self.rule_id))
                self.held.set()
                self.release.wait(120)
        finally:
            connections.close_all()

    def __enter__(self):
        self.thread.start()
        assert self.held.wait(30)
        return self

    def __exit__(self, *exc_info):
        self.release.set()
        self.thread.join(30)


def _sweep(world, run):
    return sweep_dead_runs.delay().get() == 1


def _progress_partial(world, run):
    partial = world.client("inspector_a").get(reverse("patrols:run_progress", args=[run.pk])).content.decode()
    return "The process running it stopped without finishing" in partial and "hx-trigger" not in partial


def _next_run(world, run):
    call_command("generate_rota", "--area", "area-a", "--days", "3")
    return True


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("finder", [_sweep, _progress_partial, _next_run], ids=["sweep", "progress", "next-run"])
def test_a_run_killed_mid_transaction_is_marked_failed_and_the_next_run_succeeds(world, finder):
    rule = school_rule(world.area_a, make_sites(world.area_a, 10))
    call_command("generate_rota", "--area", "area-a", "--days", "3")
    before = Patrol.objects.count()

    with _RowLock(rule.pk):
        process = _start_generate_rota("--area", "area-a", "--days", "28")
        try:
            assert _wait_for(lambda: GenerationRun.objects.filter(status=RunStatus.RUNNING).exists())
            run = GenerationRun.objects.get(status=RunStatus.RUNNING)
            # Mid-run: it has written its patrols and waits for the state row, inside its transaction.
            assert _wait_for(_someone_waits_for_a_row_lock), process.stderr.read1().decode()
            # While it lives, nothing calls it dead.
            assert sweep_dead_runs.delay().get() == 0
        finally:
            process.send_signal(signal.SIGKILL)
            process.wait(30)
    assert process.returncode == -signal.SIGKILL

    run.refresh_from_db()
    assert run.status == RunStatus.RUNNING  # what the dead process left behind

    # Its connections close with it (the liveness lock goes at once); then the finder looks.
    assert _wait_for(lambda: finder(world, run) and GenerationRun.objects.get(pk=run.pk).is_finished, timeout=30)
    run.refresh_from_db()
    assert run.status == RunStatus.FAILED
    assert run.error.startswith("The process running it stopped without finishing")

    # Nothing of the killed run was kept; a new run does the work.
    assert _wait_for(lambda: Patrol.objects.filter(last_run=run).count() == 0)
    assert Patrol.objects.count() == before
    call_command("generate_rota", "--area", "area-a", "--days", "28")
    last = GenerationRun.objects.latest("id")
    assert last.status == RunStatus.SUCCEEDED and last.created > 0
    assert Patrol.objects.count() == before + last.created
