"""Benchmark of the rota generator at national scale, on PostgreSQL.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/shomer python bench/rota.py [--sites 2000] [--keep]

Creates its own throwaway database (the URL's database name + "_bench", dropped first, and
dropped again at the end unless --keep), migrates it, and builds one area with N sites (default
2,000, of every kind) and the demo rule set (calendar_rules.demo.seed_rules) over a 12-week
horizon from a Monday in September, so the High Holy Days and Sukkot fall inside it. Then, in one
run, it measures:

  (a) the first full generation;
  (b) an immediate re-run with nothing changed;
  (c) a re-run after one rule changed (a new start time for the daily synagogue patrol);
  (d) the nightly step: the window moved on by one day;
  COPY: a plain psycopg 3 COPY of as many rows as (a) created, into a table of the same shape
        (CREATE TABLE ... (LIKE patrols_patrol INCLUDING ALL): same columns, indexes, checks).

For each: rows written, seconds, rows per second, and the process's peak memory so far
(ru_maxrss). Then the ratios: (a)/COPY (target at most 3), (b)/(a) and (d)/(a) (target under
10%), and (c)'s patrols touched against that rule's patrols in the window.
"""

from __future__ import annotations

import argparse
import os
import resource
import secrets
import sys
import time
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock_time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

KINDS = [  # (kind, share of sites)
    ("synagogue", 0.40),
    ("school", 0.25),
    ("nursery", 0.10),
    ("community_centre", 0.15),
    ("other", 0.10),
]
NAMED_SITES = [("Hertsmere Jewish Community Centre", "community_centre"), ("Elstree Village Kosher Kitchen", "other")]
TODAY = date(2026, 9, 7)  # a Monday; Rosh Hashanah 5787 begins on the evening of 11 September
HORIZON_DAYS = 84
CHANGED_RULE = "Daily patrol: synagogues"


def _bench_database(url: str, keep_name: str | None = None) -> tuple[str, str]:
    import psycopg

    if not url.startswith(("postgres://", "postgresql://")):
        sys.exit("bench/rota.py needs DATABASE_URL to point at PostgreSQL.")
    base, _, name = url.rpartition("/")
    name = name.split("?")[0] or "postgres"
    bench = keep_name or f"{name}_bench"
    with psycopg.connect(f"{base}/postgres", autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{bench}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{bench}"')
    return f"{base}/{bench}", f"{base}/postgres"


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: kilobytes


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sites", type=int, default=2000)
    parser.add_argument("--keep", action="store_true", help="Keep the bench database afterwards.")
    args = parser.parse_args()

    url = os.environ.get("DATABASE_URL", "")
    bench_url, admin_url = _bench_database(url)
    os.environ["DATABASE_URL"] = bench_url
    os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(50))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("LOG_LEVEL", "WARNING")

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)

    from calendar_rules.demo import seed_rules
    from calendar_rules.models import PatrolRule
    from calendar_rules.services import rule_update
    from patrols.models import Patrol, RunTrigger, VolunteerSlot
    from patrols.services import rota_sync
    from patrols.services.rota_writes import PATROL_COLUMNS
    from sites.models import Area, Site

    print(f"PostgreSQL {connection.cursor().connection.info.server_version}, Python {sys.version.split()[0]}")
    area = Area.objects.create(
        name="National (bench)", slug="national-bench", latitude=Decimal("51.65650"), longitude=Decimal("-0.27150")
    )
    sites = [
        Site(
            area=area,
            name=name,
            kind=kind,
            address="1 Bench Road",
            postcode="WD6 1AA",
            latitude=Decimal("51.65"),
            longitude=Decimal("-0.27"),
        )
        for name, kind in NAMED_SITES
    ]
    for kind, share in KINDS:
        for number in range(round(args.sites * share)):
            if len(sites) >= args.sites:
                break
            sites.append(
                Site(
                    area=area,
                    name=f"{kind} {number:05d}",
                    kind=kind,
                    address="1 Bench Road",
                    postcode="WD6 1AA",
                    latitude=Decimal("51.65"),
                    longitude=Decimal("-0.27"),
                )
            )
    Site.objects.bulk_create(sites, batch_size=2000)
    rules = seed_rules(area, today=TODAY)
    print(
        f"Area: {Site.objects.filter(area=area).count()} sites, {len(rules)} demo rules, "
        f"{HORIZON_DAYS}-day horizon from {TODAY}"
    )

    start_of_today = datetime(2026, 9, 7, 1, 0, tzinfo=UTC)  # 02:00 in London (BST)
    results = []

    def measure(label: str, now: datetime, today: date):
        slots_before = VolunteerSlot.objects.count()
        began = time.perf_counter()
        run = rota_sync(
            area=area, trigger=RunTrigger.COMMAND, now=now, start=today, end=today + timedelta(days=HORIZON_DAYS - 1)
        )
        seconds = time.perf_counter() - began
        rows = run.created + run.updated + run.cancelled + run.restored
        slots = VolunteerSlot.objects.count() - slots_before
        results.append((label, rows, seconds, run, slots))
        return run, seconds

    run_a, seconds_a = measure("(a) first full generation", start_of_today, TODAY)
    run_b, seconds_b = measure("(b) re-run, nothing changed", start_of_today, TODAY)
    rule = PatrolRule.objects.get(area=area, label=CHANGED_RULE)
    window_end = start_of_today + timedelta(days=HORIZON_DAYS)
    rule_patrols = Patrol.objects.filter(rule=rule, starts_at__gte=start_of_today, starts_at__lt=window_end).count()
    # queue_run=False: the bench times the run after the change itself, as (c).
    rule_update(
        rule=rule,
        by=None,
        expected_version=rule.version,
        start_time=clock_time(18, 45),
        end_time=clock_time(19, 30),
        queue_run=False,
    )
    run_c, seconds_c = measure(f"(c) one rule changed ({CHANGED_RULE})", start_of_today, TODAY)
    run_d, seconds_d = measure(
        "(d) nightly step (one day on)", start_of_today + timedelta(days=1), TODAY + timedelta(days=1)
    )

    # Baseline: COPY the same number of rows as (a) created into a table shaped like patrols_patrol.
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT " + ", ".join(PATROL_COLUMNS) + " FROM patrols_patrol ORDER BY id LIMIT %s", [run_a.created]
        )
        rows = cursor.fetchall()
        cursor.execute("CREATE TABLE bench_copy (LIKE patrols_patrol INCLUDING ALL)")
    began = time.perf_counter()
    with (
        connection.cursor() as cursor,
        cursor.cursor.copy(f"COPY bench_copy ({', '.join(PATROL_COLUMNS)}) FROM STDIN") as copy,
    ):
        for row in rows:
            copy.write_row(row)
    seconds_copy = time.perf_counter() - began
    del rows

    print()
    print(f"{'measure':<52}{'rows':>9}{'seconds':>10}{'rows/s':>11}{'peak MB':>9}")
    peak = _peak_mb()
    for label, rows_written, seconds, run, slots in results:
        rate = rows_written / seconds if seconds else 0
        detail = (
            f"created={run.created} updated={run.updated} cancelled={run.cancelled} restored={run.restored} "
            f"kept={run.kept} pinned={run.pinned} held={run.held} slots+={slots} rules replanned={run.rules_replanned} "
            f"extended={run.rules_extended}"
        )
        print(f"{label:<52}{rows_written:>9}{seconds:>10.2f}{rate:>11,.0f}{'':>9}   {detail}")
    print(
        f"{'COPY baseline (psycopg 3 copy, same shape)':<52}{run_a.created:>9}{seconds_copy:>10.2f}"
        f"{run_a.created / seconds_copy:>11,.0f}"
    )
    print(f"{'peak memory of this process (ru_maxrss)':<52}{'':>9}{'':>10}{'':>11}{peak:>9.0f}")
    print()
    print(f"(a)/COPY  = {seconds_a / seconds_copy:.2f}x   (target <= 3x)")
    print(f"(b)/(a)   = {seconds_b / seconds_a:.1%}   (target < 10%)")
    print(f"(d)/(a)   = {seconds_d / seconds_a:.1%}   (target < 10%)")
    print(
        f"(c) patrols touched = {run_c.updated + run_c.created + run_c.cancelled} of the rule's {rule_patrols} "
        f"patrols in the window; time {seconds_c:.2f}s = {seconds_c / seconds_a:.1%} of (a)"
    )
    print(f"peak memory {peak:.0f} MB (target < 1024 MB)")

    connection.close()
    if not args.keep:
        import psycopg

        with psycopg.connect(admin_url, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{bench_url.rpartition("/")[2]}" WITH (FORCE)')


if __name__ == "__main__":
    main()
