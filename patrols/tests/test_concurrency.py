"""Two runs of one area started at once never interleave or duplicate (PostgreSQL: real threads)."""

import threading
from datetime import timedelta

import pytest
from django.db import connection, connections

from patrols.models import GenerationRun, Patrol, RunStatus, RunTrigger
from patrols.services import rota_sync

from .conftest import NOW, TODAY, make_sites, school_rule, shabbat_rule

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL's row and advisory locks")


@pytest.mark.django_db(transaction=True)
def test_two_runs_started_at_once_do_not_duplicate(world):
    sites = make_sites(world.area_a, 20)
    school_rule(world.area_a, sites)
    shabbat_rule(world.area_a, sites)
    barrier = threading.Barrier(2)
    errors = []

    def run():
        try:
            barrier.wait()
            rota_sync(
                area=world.area_a, trigger=RunTrigger.MANUAL, now=NOW, start=TODAY, end=TODAY + timedelta(days=27)
            )
        except Exception as error:  # reported below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)

    assert not errors
    runs = list(GenerationRun.objects.order_by("finished_at"))
    assert [run.status for run in runs] == [RunStatus.SUCCEEDED, RunStatus.SUCCEEDED]
    assert sorted(run.created for run in runs) == [0, 20 * 24]
    assert Patrol.objects.count() == 20 * 24
