"""End to end through a real Celery worker on the configured broker (Redis in CI).

Skipped when no broker is configured (CELERY_BROKER_URL unset: tasks run in-process). The
worker runs in a thread of this process against the test database, so the data it sees must be
committed: a transactional test.
"""

import os
import time

import pytest
from celery.contrib.testing.worker import start_worker
from celery.signals import task_postrun
from django.db import connections
from django.test import override_settings

from config.celery import app
from patrols.models import GenerationRun, Patrol, RunStatus
from patrols.tasks import generate_rota_nightly

from .conftest import make_sites, school_rule

pytestmark = [
    pytest.mark.broker,
    pytest.mark.skipif(not os.environ.get("CELERY_BROKER_URL"), reason="no broker configured (CELERY_BROKER_URL)"),
]


def _close_worker_connections(**kwargs):
    # The worker thread's own database connections, so the test database can be flushed/dropped.
    connections.close_all()


@pytest.fixture
def worker():
    saved = {key: app.conf[key] for key in ("task_always_eager", "task_eager_propagates")}
    app.conf.update(task_always_eager=False, task_eager_propagates=False)
    task_postrun.connect(_close_worker_connections, weak=False)
    try:
        with override_settings(CELERY_TASK_ALWAYS_EAGER=False):
            app.control.purge()  # messages left by an earlier, interrupted run
            with start_worker(app, pool="solo", perform_ping_check=False, loglevel="WARNING", shutdown_timeout=30):
                yield
    finally:
        task_postrun.disconnect(_close_worker_connections)
        app.conf.update(saved)


@pytest.mark.django_db(transaction=True)
def test_the_nightly_job_runs_end_to_end_through_a_real_worker(world, worker):
    school_rule(world.area_a, make_sites(world.area_a, 3))

    generate_rota_nightly.delay()

    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        finished = GenerationRun.objects.filter(status__in=[RunStatus.SUCCEEDED, RunStatus.FAILED])
        if finished.count() == 2:
            break
        time.sleep(0.2)
    runs = {run.area.slug: run for run in GenerationRun.objects.select_related("area")}
    assert {slug: run.status for slug, run in runs.items()} == {
        "area-a": RunStatus.SUCCEEDED,
        "area-b": RunStatus.SUCCEEDED,
    }, [run.error for run in runs.values()]
    assert runs["area-a"].created > 0
    assert Patrol.objects.filter(area=world.area_a).count() == runs["area-a"].created
