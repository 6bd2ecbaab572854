"""Latency of every list endpoint of /api/v1/ at a million patrols, on PostgreSQL, under gunicorn.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/shomer python bench/list_endpoints.py \
        [--patrols 1000000] [--requests 40] [--workers 2] [--keep] [--reuse]

Creates its own throwaway database (`shomer_bench_lists`, dropped first, and dropped again at the
end unless --keep; --reuse measures a database kept by an earlier --keep), migrates it and fills
it with SQL (INSERT ... SELECT generate_series, so a million rows take seconds, not minutes):

  - four areas of unequal size (60%, 25%, 10%, 5% of 2,000 sites) with the demo rule set each;
  - N patrols (default a million) over about 500 days around "today", one a day per site at one
    of four start times, so hundreds of patrols share each start instant (keyset ties); one in
    ten joint (with two CST places: one confirmed, one open), one in fifty cancelled, one in ten
    with an officer assigned, all tied to their area's rules;
  - 3,000 officers and 3,000 CST volunteers over the areas; a nightly generation run per area
    and day;
  - the measured people: an administrator, an inspector, a CST coordinator and an officer of
    the largest area (the officer on ~250 of its patrols, spread over the whole period).

Then it starts gunicorn on a free loopback port (`--workers` sync workers, DEBUG off) and, for
each person, sends `--requests` GETs (after 3 to warm up) to every list endpoint that person may
read — with no filter (the case that took 8.3 s), with each patrol filter, and a page deep in
the table reached by its cursor — one at a time, over a new connection each, signed in with a
session cookie. It prints the median and 95th percentile per endpoint and person, and each as
a ratio of the same figures for /healthz (a view that touches nothing) measured in the same run.
Target: 95th percentile under 300 ms for each.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import time
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from harness import bench_database, use_production_settings  # noqa: E402

BENCH_DATABASE = "shomer_bench_lists"
TODAY = date(2026, 9, 7)  # the middle of the patrols' period
AREAS = [  # (slug, share of the sites)
    ("north-bench", 0.60),
    ("south-bench", 0.25),
    ("east-bench", 0.10),
    ("west-bench", 0.05),
]
SITES = 2_000
NAMED_SITES = [("Hertsmere Jewish Community Centre", "community_centre"), ("Elstree Village Kosher Kitchen", "other")]
OFFICERS = 3_000
VOLUNTEERS = 3_000
SITE_KINDS = ["synagogue", "school", "nursery", "community_centre", "other"]
WARM_UP = 3
TARGET_P95_MS = 300


def _count_of(row: tuple[Any, ...] | None) -> int:
    assert row is not None  # count(*) always answers one row
    return int(row[0])


def _fill(patrol_count: int) -> dict[str, Any]:
    """The rows, mostly in SQL. Returns what the measuring needs (the people, ids, dates)."""
    from django.contrib.auth.models import Group, User
    from django.db import connection

    from calendar_rules.demo import seed_rules
    from people.models import Officer, Volunteer
    from sites.models import Area, Membership, Role, Site

    began = time.perf_counter()
    areas = [
        Area.objects.create(name=f"{slug} area", slug=slug, latitude=Decimal("51.65650"), longitude=Decimal("-0.27150"))
        for slug, _ in AREAS
    ]
    sites = []
    for area, (_, share) in zip(areas, AREAS, strict=True):
        for number in range(round(SITES * share)):
            # The demo rules name two sites; the others are chosen by kind.
            name, kind = NAMED_SITES[number] if number < len(NAMED_SITES) else (None, None)
            sites.append(
                Site(
                    area=area,
                    name=name or f"{area.slug} site {number:04d}",
                    kind=kind or SITE_KINDS[number % len(SITE_KINDS)],
                    address="1 Bench Road",
                    postcode="WD6 1AA",
                    latitude=Decimal("51.65"),
                    longitude=Decimal("-0.27"),
                )
            )
    Site.objects.bulk_create(sites, batch_size=2000)
    for area in areas:
        seed_rules(area, today=TODAY)
    groups = {role: Group.objects.get_or_create(name=role)[0] for role in Role.values}

    users = User.objects.bulk_create(
        [User(username=f"officer{number:05d}", password="!") for number in range(OFFICERS)], batch_size=2000
    )
    Officer.objects.bulk_create(
        [Officer(user=user, collar_number=f"B{number:05d}") for number, user in enumerate(users)], batch_size=2000
    )
    Membership.objects.bulk_create(
        [
            Membership(user=user, area=areas[number % len(areas)], group=groups[Role.OFFICER])
            for number, user in enumerate(users)
        ],
        batch_size=2000,
    )
    Volunteer.objects.bulk_create(
        [
            Volunteer(
                area=areas[number % len(areas)],
                call_sign=f"CST{number:05d}",
                name=f"Volunteer {number}",
                phone="07700 900000",
                card_expires=TODAY + timedelta(days=365),
            )
            for number in range(VOLUNTEERS)
        ],
        batch_size=2000,
    )

    big = areas[0]
    User.objects.create_superuser("bench-admin", password=None)
    inspector = User.objects.create_user("bench-inspector", password=None)
    coordinator = User.objects.create_user("bench-coordinator", password=None)
    officer_user = User.objects.create_user("bench-officer", password=None)
    officer = Officer.objects.create(user=officer_user, collar_number="B99999")
    Membership.objects.create(user=inspector, area=big, group=groups[Role.INSPECTOR])
    Membership.objects.create(user=coordinator, area=big, group=groups[Role.CST_COORDINATOR])
    Membership.objects.create(user=officer_user, area=big, group=groups[Role.OFFICER])

    first_day = datetime(TODAY.year, TODAY.month, TODAY.day, tzinfo=UTC) - timedelta(days=patrol_count // SITES // 2)
    with connection.cursor() as cursor:
        # Sites numbered 0..n-1 in a temporary table; each site's area rule: the first of its area.
        cursor.execute(
            """
            CREATE TEMPORARY TABLE bench_site AS
            SELECT (row_number() OVER (ORDER BY s.id) - 1)::int AS n, s.id, s.area_id,
                   (SELECT min(r.id) FROM calendar_rules_patrolrule r WHERE r.area_id = s.area_id) AS rule_id
            FROM protected_sites_site s
            """
        )
        cursor.execute("CREATE UNIQUE INDEX ON bench_site (n)")
        # Patrol g: site g mod 2000, day g / 2000, at one of four times by site; one in ten
        # joint, one in fifty cancelled.
        cursor.execute(
            """
            INSERT INTO patrols_patrol (
                area_id, site_id, rule_id, occurrence_key, occurrence_date, kind, starts_at, ends_at,
                officers_required, volunteers_required, status, label, pinned, cancelled_by_generator,
                cancel_reason, uplift_note, replaces_note, missed_reason, missed_note, briefing_point, version,
                created_at, updated_at)
            SELECT s.area_id, s.id, s.rule_id, 'bench-' || g,
                   (%(first)s::timestamptz + (g / %(sites)s) * interval '1 day')::date,
                   CASE WHEN g %% 10 = 0 THEN 'joint' ELSE 'police' END,
                   t.starts_at, t.starts_at + interval '90 minutes',
                   1, CASE WHEN g %% 10 = 0 THEN 2 ELSE 0 END,
                   CASE WHEN (g / %(sites)s + s.n) %% 50 = 7 THEN 'cancelled' ELSE 'scheduled' END,
                   'Bench patrol', false, false, '', '', '', '', '', '', 1, now(), now()
            FROM generate_series(0, %(count)s - 1) AS g
            JOIN bench_site s ON s.n = g %% %(sites)s
            CROSS JOIN LATERAL (
                SELECT %(first)s::timestamptz + (g / %(sites)s) * interval '1 day'
                       + (ARRAY[interval '7 hours 30 minutes', interval '8 hours 30 minutes',
                                interval '15 hours', interval '19 hours'])[1 + s.n %% 4] AS starts_at
            ) AS t
            """,
            {"first": first_day, "sites": len(sites), "count": patrol_count},
        )
        # One patrol in ten (varying by day) has an officer of its area (not the measured one).
        cursor.execute(
            """
            CREATE TEMPORARY TABLE bench_officer AS
            SELECT (row_number() OVER (PARTITION BY m.area_id ORDER BY o.id) - 1)::int AS n, o.id, m.area_id
            FROM people_officer o JOIN protected_sites_membership m ON m.user_id = o.user_id
            WHERE o.id <> %(officer)s
            """,
            {"officer": officer.pk},
        )
        cursor.execute("CREATE UNIQUE INDEX ON bench_officer (area_id, n)")
        cursor.execute(
            """
            INSERT INTO patrols_assignment (patrol_id, officer_id, created_at, override_reason)
            SELECT p.id, o.id, now(), ''
            FROM patrols_patrol p
            JOIN (SELECT area_id, count(*) AS officers FROM bench_officer GROUP BY area_id) k USING (area_id)
            JOIN bench_officer o ON o.area_id = p.area_id AND o.n = (p.id / 10) %% k.officers
            WHERE (p.occurrence_date - DATE '2000-01-01' + p.site_id) %% 10 = 3
            """,
            {},
        )
        # The measured officer: about 250 patrols of the big area's first two sites (one joint,
        # so they have CST partners), every other day over the whole period.
        cursor.execute(
            """
            WITH two AS (SELECT id, row_number() OVER (ORDER BY id) - 1 AS n FROM protected_sites_site
                         WHERE area_id = %(area)s ORDER BY id LIMIT 2)
            INSERT INTO patrols_assignment (patrol_id, officer_id, created_at, override_reason)
            SELECT p.id, %(officer)s, now(), '' FROM patrols_patrol p JOIN two ON two.id = p.site_id
            WHERE (p.occurrence_date - DATE '2000-01-01') %% 4 = 2 * two.n
            """,
            {"officer": officer.pk, "area": big.pk},
        )
        # Two CST places on each joint patrol: one confirmed (a volunteer of its area), one open.
        cursor.execute(
            """
            CREATE TEMPORARY TABLE bench_volunteer AS
            SELECT (row_number() OVER (PARTITION BY area_id ORDER BY id) - 1)::int AS n, id, area_id
            FROM people_volunteer
            """
        )
        cursor.execute("CREATE UNIQUE INDEX ON bench_volunteer (area_id, n)")
        cursor.execute(
            """
            INSERT INTO patrols_volunteerslot (patrol_id, volunteer_id, status, confirmed_at)
            SELECT p.id, v.id, 'confirmed', now()
            FROM patrols_patrol p
            JOIN (SELECT area_id, count(*) AS volunteers FROM bench_volunteer GROUP BY area_id) k USING (area_id)
            JOIN bench_volunteer v ON v.area_id = p.area_id AND v.n = (p.id / 10) %% k.volunteers
            WHERE p.kind = 'joint'
            UNION ALL
            SELECT p.id, NULL, 'open', NULL FROM patrols_patrol p WHERE p.kind = 'joint'
            """,
            {},
        )
        # A nightly run per area and day of the period.
        cursor.execute(
            """
            INSERT INTO patrols_generationrun (
                area_id, trigger, window_start, window_end, status, progress, progress_message,
                created, updated, cancelled, restored, kept, pinned, held, rules_replanned, rules_extended,
                queued_at, started_at, finished_at, error, warnings, attempts, heartbeat_at)
            SELECT a.id, 'nightly', d::date, d::date + 83, 'succeeded', 100, 'Done', 0, 0, 0, 0, 0, 0, 0, 0, 1,
                   d, d + interval '1 second', d + interval '3 seconds', '', '', 1, d + interval '2 seconds'
            FROM protected_sites_area a,
                 generate_series(%(first)s::timestamptz, %(first)s::timestamptz + interval '500 days',
                                 interval '1 day') AS d
            """,
            {"first": first_day},
        )
        cursor.execute("DROP TABLE bench_site, bench_officer, bench_volunteer")
    connection.close()
    import psycopg

    with psycopg.connect(os.environ["DATABASE_URL"], autocommit=True) as raw:
        raw.execute("VACUUM ANALYZE")
        counts = {
            table: _count_of(raw.execute(f"SELECT count(*) FROM {table}").fetchone())
            for table in (
                "patrols_patrol",
                "patrols_assignment",
                "patrols_volunteerslot",
                "patrols_generationrun",
                "protected_sites_site",
                "people_officer",
                "people_volunteer",
                "calendar_rules_patrolrule",
            )
        }
    print(f"filled in {time.perf_counter() - began:.1f} s: " + ", ".join(f"{t} {n:,}" for t, n in counts.items()))
    return {"area": big.slug, "site": Site.objects.filter(area=big).order_by("id").values_list("id", flat=True)[5]}


def _session_cookies() -> dict[str, str]:
    from django.contrib.auth.models import User
    from django.test import Client

    cookies = {}
    for person, username in (
        ("admin", "bench-admin"),
        ("inspector", "bench-inspector"),
        ("coordinator", "bench-coordinator"),
        ("officer", "bench-officer"),
    ):
        client = Client()
        client.force_login(User.objects.get(username=username))
        cookies[person] = client.cookies["sessionid"].value
    return cookies


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _get(port: int, path: str, cookie: str | None) -> tuple[float, int, bytes]:
    headers = {"Host": "127.0.0.1", "Accept": "application/json"}
    if cookie:
        headers["Cookie"] = f"sessionid={cookie}"
    began = time.perf_counter()
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        connection.request("GET", path, headers=headers)
        response = connection.getresponse()
        body = response.read()
    finally:
        connection.close()
    return (time.perf_counter() - began) * 1000, response.status, body


def _measure(port: int, path: str, cookie: str | None, requests: int) -> tuple[float, float]:
    for _ in range(WARM_UP):
        _, status, body = _get(port, path, cookie)
        if status != 200:
            raise SystemExit(f"GET {path} answered {status}: {body[:300]!r}")
    times = [_get(port, path, cookie)[0] for _ in range(requests)]
    return statistics.median(times), statistics.quantiles(times, n=20, method="inclusive")[18]


def _endpoints(port: int, cookie: str, person: str, area: str, site: int) -> list[tuple[str, str]]:
    """(label, path) of every list this person may read, with the patrol filters and a deep page."""
    week = {"start": "2026-09-07", "end": "2026-09-13"}
    patrols = [
        ("patrols", "/api/v1/patrols/"),
        ("patrols ?area", f"/api/v1/patrols/?area={area}"),
        ("patrols ?site", f"/api/v1/patrols/?site={site}"),
        ("patrols ?kind=joint", "/api/v1/patrols/?kind=joint"),
        ("patrols ?status=cancelled", "/api/v1/patrols/?status=cancelled"),
        ("patrols ?start&end (a week)", f"/api/v1/patrols/?{urlencode(week)}"),
    ]
    # A page deep in the table: the cursor of the page after the first one of the week.
    _, status, body = _get(port, f"/api/v1/patrols/?start={week['start']}", cookie)
    next_link = json.loads(body)["next"] if status == 200 else None
    if next_link:
        split = urlsplit(next_link)
        patrols.append(("patrols, a page mid-table (cursor)", f"{split.path}?{split.query}"))
    calendar = ("calendar (a month)", f"/api/v1/calendar/?area={area}&start=2026-09-01&end=2026-09-30")
    everyone = [("areas", "/api/v1/areas/"), calendar]
    slots = [("slots", "/api/v1/slots/")]
    inspector = [
        ("runs", "/api/v1/runs/"),
        ("rules", "/api/v1/rules/"),
        ("sites", "/api/v1/sites/"),
        ("officers", "/api/v1/officers/"),
    ]
    return {
        "admin": [*patrols, *slots, *inspector, ("volunteers", "/api/v1/volunteers/"), *everyone],
        "inspector": [*patrols, *slots, *inspector, *everyone],
        "coordinator": [
            *patrols,
            *slots,
            ("officers", "/api/v1/officers/"),
            ("volunteers", "/api/v1/volunteers/"),
            *everyone,
        ],
        "officer": [*patrols, *slots, *everyone],
    }[person]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--patrols", type=int, default=1_000_000)
    parser.add_argument("--requests", type=int, default=40, help="Measured GETs per endpoint and person.")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn sync workers.")
    parser.add_argument("--keep", action="store_true", help="Keep the bench database afterwards.")
    parser.add_argument("--reuse", action="store_true", help="Measure a database kept by an earlier --keep.")
    args = parser.parse_args()

    url = os.environ.get("DATABASE_URL", "")
    bench_url, admin_url = bench_database(url, name=BENCH_DATABASE, reuse=args.reuse, script="list_endpoints.py")
    use_production_settings(bench_url)

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from sites.models import Area, Site

    print(f"PostgreSQL {connection.cursor().connection.info.server_version}, Python {sys.version.split()[0]}")
    facts: dict[str, Any]
    if args.reuse:
        big = Area.objects.get(slug=AREAS[0][0])
        facts = {"area": big.slug, "site": Site.objects.filter(area=big).order_by("id").values_list("id", flat=True)[5]}
    else:
        call_command("migrate", verbosity=0)
        facts = _fill(args.patrols)
    cookies = _session_cookies()
    connection.close()

    port = _free_port()
    server = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "config.wsgi",
            "--workers",
            str(args.workers),
            "--bind",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=dict(os.environ),
    )
    try:
        for _ in range(100):
            try:
                if _get(port, "/healthz", None)[1] == 200:
                    break
            except OSError:
                time.sleep(0.1)
        else:
            raise SystemExit("gunicorn did not start")
        base_median, base_p95 = _measure(port, "/healthz", None, args.requests)
        print(
            f"gunicorn, {args.workers} sync workers on 127.0.0.1; {args.requests} GETs per line after {WARM_UP} "
            f"to warm up; baseline /healthz: median {base_median:.1f} ms, p95 {base_p95:.1f} ms"
        )
        print()
        print(f"{'person':<12}{'endpoint':<38}{'median ms':>10}{'p95 ms':>9}{'median/':>9}{'p95/':>7}")
        print(f"{'':<12}{'':<38}{'':>10}{'':>9}{'healthz':>9}{'hz':>7}")
        worst = (0.0, "")
        for person, cookie in cookies.items():
            for label, path in _endpoints(port, cookie, person, facts["area"], facts["site"]):
                median, p95 = _measure(port, path, cookie, args.requests)
                worst = max(worst, (p95, f"{person} {label}"))
                flag = "" if p95 < TARGET_P95_MS else "  over target"
                print(
                    f"{person:<12}{label:<38}{median:>10.1f}{p95:>9.1f}{median / base_median:>8.0f}x"
                    f"{p95 / base_p95:>6.0f}x{flag}"
                )
        print()
        print(f"slowest p95: {worst[0]:.1f} ms ({worst[1]}); target: every p95 under {TARGET_P95_MS} ms")
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
        if not args.keep:
            import psycopg

            with psycopg.connect(admin_url, autocommit=True) as admin:
                admin.execute(f'DROP DATABASE IF EXISTS "{BENCH_DATABASE}" WITH (FORCE)')


if __name__ == "__main__":
    main()
