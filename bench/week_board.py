"""Latency of the inspector's week board (/rota/) for a 200-site area, on PostgreSQL, under gunicorn.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/shomer_board python bench/week_board.py \
        [--sites 200] [--requests 40] [--workers 2] [--port 8766] [--keep] [--reuse]

Creates its own throwaway database (the URL's database name + "_bench", dropped first, and
dropped again at the end unless --keep; --reuse measures a database kept by an earlier --keep),
migrates it and fills one area with N sites (default 200, of every kind and risk tier) and
about ten patrols per site in the measured week (a daily morning patrol, and joint patrols on
Friday evening, Saturday morning and Saturday evening) — 2,000 patrols for 200 sites — of which
one in three has an officer, joint ones have two CST places (one confirmed), one in fifty is
cancelled and one in twenty edited by hand. The week is the one starting next Monday (so every
patrol lies ahead and each view is recorded as the audit asks).

Then it starts gunicorn (`--workers` sync workers, DEBUG off) on 127.0.0.1:`--port` and sends
`--requests` GETs (after 3 to warm up), one at a time over a new connection each, signed in as
the area's inspector, to:

  - /healthz (a view that touches nothing) — the baseline, measured in the same run;
  - the week board as it first arrives (/rota/?area=…&start=…): the page the inspector can use
    at once;
  - each further chunk of site rows the page loads as it scrolls into view (htmx `intersect once`);
  - the whole week: the page and then every chunk, one after the other.

It prints median and 95th percentile latency, each as a ratio of /healthz's, and the HTML size
(and, for information, its gzip size). Target: the board's median within 30× /healthz's.
"""

from __future__ import annotations

import argparse
import gzip
import html
import http.client
import os
import re
import signal
import socket
import statistics
import subprocess
import sys
import time
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from harness import bench_database, database_name_beside, use_production_settings  # noqa: E402

SITE_KINDS = ["synagogue", "school", "nursery", "community_centre", "other"]
WARM_UP = 3
TARGET_RATIO = 30
CHUNK_LINK = re.compile(r'hx-get="([^"]+)"[^>]*hx-trigger="intersect once"')


def _week_start() -> date:
    today = datetime.now(ZoneInfo("Europe/London")).date()
    return today + timedelta(days=7 - today.weekday())  # next Monday


def _fill(site_count: int, monday: date) -> None:
    from django.contrib.auth.models import Group, User
    from django.db import connection

    from patrols.models import Assignment, Patrol, VolunteerSlot
    from people.models import Officer, Volunteer
    from sites.models import Area, Membership, Role, Site

    began = time.perf_counter()
    area = Area.objects.create(
        name="Bench area", slug="bench-area", latitude=Decimal("51.65650"), longitude=Decimal("-0.27150")
    )
    Site.objects.bulk_create(
        [
            Site(
                area=area,
                name=f"Bench site {number:04d}",
                kind=SITE_KINDS[number % len(SITE_KINDS)],
                risk_tier=1 + number % 3,
                address="1 Bench Road",
                postcode="WD6 1AA",
                latitude=Decimal("51.65"),
                longitude=Decimal("-0.27"),
            )
            for number in range(site_count)
        ]
    )
    sites = list(Site.objects.filter(area=area).order_by("pk"))
    groups = {role: Group.objects.get_or_create(name=role)[0] for role in Role.values}
    inspector = User.objects.create_user("bench-inspector", password=None)
    Membership.objects.create(user=inspector, area=area, group=groups[Role.INSPECTOR])
    officer_users = User.objects.bulk_create([User(username=f"bench-officer{n:03d}", password="!") for n in range(60)])
    Officer.objects.bulk_create([Officer(user=user, collar_number=f"B{n:05d}") for n, user in enumerate(officer_users)])
    officers = list(Officer.objects.order_by("pk"))
    Membership.objects.bulk_create([Membership(user=u, area=area, group=groups[Role.OFFICER]) for u in officer_users])
    volunteers = Volunteer.objects.bulk_create(
        [
            Volunteer(
                area=area,
                call_sign=f"CST{n:03d}",
                name=f"Volunteer {n}",
                phone="07700 900000",
                card_expires=monday + timedelta(days=365),
            )
            for n in range(60)
        ]
    )
    zone = ZoneInfo("Europe/London")
    patrols: list[Patrol] = []
    for site_number, site in enumerate(sites):
        times = [(offset, 7, 30 + site_number % 4 * 5, "police", "Morning") for offset in range(7)]
        times += [(4, 18, 30, "joint", "Erev Shabbat"), (5, 9, 30, "joint", "Shabbat morning")]
        times += [(5, 17, 0, "police", "Motzei Shabbat")]
        for offset, hour, minute, kind, label in times:
            day = monday + timedelta(days=offset)
            starts = datetime(day.year, day.month, day.day, hour, minute, tzinfo=zone).astimezone(UTC)
            number = len(patrols)
            patrols.append(
                Patrol(
                    area=area,
                    site=site,
                    kind=kind,
                    starts_at=starts,
                    ends_at=starts + timedelta(minutes=90),
                    officers_required=1 + (number % 7 == 0),
                    volunteers_required=2 if kind == "joint" else 0,
                    status="cancelled" if number % 50 == 7 else "scheduled",
                    label=label,
                    pinned=number % 20 == 3,
                )
            )
    patrols = Patrol.objects.bulk_create(patrols, batch_size=1000)
    Assignment.objects.bulk_create(
        [
            Assignment(patrol=patrol, officer=officers[number % len(officers)])
            for number, patrol in enumerate(patrols)
            if number % 3 == 0
        ],
        batch_size=1000,
    )
    slots = []
    for number, patrol in enumerate(p for p in patrols if p.kind == "joint"):
        slots.append(VolunteerSlot(patrol=patrol, volunteer=volunteers[number % 60], status="confirmed"))
        slots.append(VolunteerSlot(patrol=patrol))
    VolunteerSlot.objects.bulk_create(slots, batch_size=1000)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(
        f"filled in {time.perf_counter() - began:.1f} s: {len(sites)} sites, {len(patrols):,} patrols in the week "
        f"from {monday:%a %d %b %Y}"
    )


def _session_cookie() -> str:
    from django.contrib.auth.models import User
    from django.test import Client

    client = Client()
    client.force_login(User.objects.get(username="bench-inspector"))
    return client.cookies["sessionid"].value


def _get(port: int, path: str, cookie: str | None) -> tuple[float, int, bytes]:
    headers = {"Host": "127.0.0.1"}
    if cookie:
        headers["Cookie"] = f"sessionid={cookie}"
    began = time.perf_counter()
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    try:
        connection.request("GET", path, headers=headers)
        response = connection.getresponse()
        body = response.read()
    finally:
        connection.close()
    return (time.perf_counter() - began) * 1000, response.status, body


def _checked(port: int, path: str, cookie: str | None) -> tuple[float, bytes]:
    elapsed, status, body = _get(port, path, cookie)
    if status != 200:
        raise SystemExit(f"GET {path} answered {status}: {body[:300]!r}")
    return elapsed, body


def _chunks(body: bytes) -> list[str]:
    return [html.unescape(link) for link in CHUNK_LINK.findall(body.decode())]


def _whole_week(port: int, path: str, cookie: str) -> tuple[float, int, int, int]:
    """The page, then each chunk it leads to: (ms, requests, bytes, gzip bytes)."""
    elapsed, body = _checked(port, path, cookie)
    total, requests, size, packed = elapsed, 1, len(body), len(gzip.compress(body))
    links = _chunks(body)
    while links:
        elapsed, body = _checked(port, links.pop(0), cookie)
        total, requests, size = total + elapsed, requests + 1, size + len(body)
        packed += len(gzip.compress(body))
        links.extend(_chunks(body))
    return total, requests, size, packed


def _stats(times: list[float]) -> tuple[float, float]:
    return statistics.median(times), statistics.quantiles(times, n=20, method="inclusive")[18]


def _measure(port: int, path: str, cookie: str | None, requests: int) -> tuple[float, float, bytes]:
    for _ in range(WARM_UP):
        _, body = _checked(port, path, cookie)
    times = [_checked(port, path, cookie)[0] for _ in range(requests)]
    return (*_stats(times), body)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sites", type=int, default=200)
    parser.add_argument("--requests", type=int, default=40, help="Measured GETs per line.")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn sync workers.")
    parser.add_argument("--port", type=int, default=8766)
    parser.add_argument("--keep", action="store_true", help="Keep the bench database afterwards.")
    parser.add_argument("--reuse", action="store_true", help="Measure a database kept by an earlier --keep.")
    args = parser.parse_args()

    url = os.environ.get("DATABASE_URL", "")
    bench_url, admin_url = bench_database(url, name=database_name_beside(url), reuse=args.reuse, script="week_board.py")
    use_production_settings(bench_url)

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from patrols.models import Patrol

    print(f"PostgreSQL {connection.cursor().connection.info.server_version}, Python {sys.version.split()[0]}")
    if args.reuse:
        monday = Patrol.objects.order_by("starts_at").values_list("starts_at", flat=True)[0].date()
        monday -= timedelta(days=monday.weekday())
    else:
        monday = _week_start()
        call_command("migrate", verbosity=0)
        _fill(args.sites, monday)
    cookie = _session_cookie()
    connection.close()
    # DEBUG off: the pages name their static files through the manifest collectstatic writes.
    call_command("collectstatic", "--noinput", verbosity=0)

    with socket.socket() as probe:  # measure our own server, never one already on the port
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as gunicorn binds
        try:
            probe.bind(("127.0.0.1", args.port))
        except OSError:
            raise SystemExit(f"127.0.0.1:{args.port} is in use; give another --port") from None
    server = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "config.wsgi",
            "--workers",
            str(args.workers),
            "--bind",
            f"127.0.0.1:{args.port}",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=dict(os.environ),
    )
    try:
        for _ in range(100):
            try:
                if _get(args.port, "/healthz", None)[1] == 200:
                    break
            except OSError:
                time.sleep(0.1)
        else:
            raise SystemExit("gunicorn did not start")
        board = f"/rota/?area=bench-area&start={monday:%Y-%m-%d}"
        base_median, base_p95, _ = _measure(args.port, "/healthz", None, args.requests)
        print(
            f"gunicorn, {args.workers} sync workers on 127.0.0.1:{args.port}; {args.requests} GETs per line after "
            f"{WARM_UP} to warm up; baseline /healthz: median {base_median:.1f} ms, p95 {base_p95:.1f} ms"
        )
        print()
        print(f"{'what':<44}{'median ms':>10}{'p95 ms':>9}{'median/hz':>10}{'p95/hz':>8}{'HTML KB':>9}{'gzip KB':>9}")

        def line(label: str, median: float, p95: float, size: int, packed: int) -> None:
            print(
                f"{label:<44}{median:>10.1f}{p95:>9.1f}{median / base_median:>9.0f}x{p95 / base_p95:>7.0f}x"
                f"{size / 1024:>9.0f}{packed / 1024:>9.0f}"
            )

        median, p95, body = _measure(args.port, board, cookie, args.requests)
        page_ratio = median / base_median
        line("week board as it arrives (usable)", median, p95, len(body), len(gzip.compress(body)))
        links = _chunks(body)
        if links:
            chunk_median, chunk_p95, chunk = _measure(args.port, links[0], cookie, args.requests)
            line(
                "one chunk of site rows (loaded on scroll)",
                chunk_median,
                chunk_p95,
                len(chunk),
                len(gzip.compress(chunk)),
            )
        for _ in range(WARM_UP):
            _whole_week(args.port, board, cookie)
        weeks = [_whole_week(args.port, board, cookie) for _ in range(max(args.requests // 4, 5))]
        week_median, week_p95 = _stats([w[0] for w in weeks])
        line(f"whole week: page + chunks ({weeks[0][1]} requests)", week_median, week_p95, weeks[0][2], weeks[0][3])
        print()
        verdict = "within" if page_ratio <= TARGET_RATIO else "OVER"
        print(f"week board median {page_ratio:.0f}x /healthz: {verdict} the target of {TARGET_RATIO}x")
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
        if not args.keep:
            import psycopg

            with psycopg.connect(admin_url, autocommit=True) as admin:
                admin.execute(f'DROP DATABASE IF EXISTS "{bench_url.rpartition("/")[2]}" WITH (FORCE)')


if __name__ == "__main__":
    main()
