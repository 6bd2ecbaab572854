"""A sync's queries do not grow with the number of patrols: bulk writes, one load per span."""

from datetime import time, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from calendar_rules.services import rule_set_active, rule_update
from patrols.models import Patrol, RunTrigger
from patrols.services import rota_sync

from .conftest import NOW, TODAY, make_sites, school_rule, shabbat_rule

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]


def _sync(area):
    return rota_sync(area=area, trigger=RunTrigger.COMMAND, now=NOW, start=TODAY, end=TODAY + timedelta(days=27))


def _queries_per_phase(area, site_count: int) -> tuple[list[int], int]:
    sites = make_sites(area, site_count, prefix=f"{area.slug} site")
    school = school_rule(area, sites)
    shabbat = shabbat_rule(area, sites)
    counts = []
    with CaptureQueriesContext(connection) as first:
        _sync(area)
    counts.append(len(first))
    school = rule_update(rule=school, by=None, expected_version=school.version, start_time=time(8, 0))
    shabbat = rule_update(rule=shabbat, by=None, expected_version=shabbat.version, volunteers_required=3)
    with CaptureQueriesContext(connection) as changed:
        _sync(area)
    counts.append(len(changed))
    rule_set_active(rule=school, by=None, active=False)
    with CaptureQueriesContext(connection) as cancelled:
        _sync(area)
    counts.append(len(cancelled))
    with CaptureQueriesContext(connection) as nothing:
        _sync(area)
    counts.append(len(nothing))
    return counts, Patrol.objects.filter(area=area).count()


def test_a_syncs_queries_do_not_grow_with_the_number_of_patrols(world):
    small, small_patrols = _queries_per_phase(world.area_a, 5)
    large, large_patrols = _queries_per_phase(world.area_b, 50)
    assert (small_patrols, large_patrols) == (5 * 24, 50 * 24)
    assert small == large, f"queries per phase (create, update, cancel, nothing): {small} vs {large}"
