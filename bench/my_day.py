"""Throughput of an officer's My day (/rota/my-day/) at a million patrols, on PostgreSQL, under
gunicorn, against a trivial view (/healthz) measured in the same run.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/shomer_feed python bench/my_day.py \
        [--patrols 1000000] [--seconds 10] [--concurrency 4] [--workers 2] [--port 8767] \
        [--redis redis://127.0.0.1:6379/9] [--keep] [--reuse] [--profile 200]

Creates its own throwaway database (the URL's database name + "_bench", dropped first and again
at the end unless --keep; --reuse measures a database kept by an earlier --keep) and fills it
with bench/list_endpoints.py's builder: four areas, 2,000 sites, N patrols over ~500 days around
7 Sep 2026 (one in ten joint with two CST places, one in ten with an officer), 3,000 officers
and the measured officer ("bench-officer", on ~250 patrols of the big area's first two sites,
two days in four over the whole period, so My day always has patrols to show).

Then gunicorn (`--workers` sync workers, DEBUG off, the shared cache on `--redis`, which is
emptied first — production's set-up) on 127.0.0.1:`--port`, and for each of /healthz, My day
(signed in as bench-officer), /healthz again and My day again: `--concurrency` clients sending
GETs back to back (a new connection each, as a phone would) for `--seconds` after a warm-up.
Prints requests per second of each and My day's as a ratio of /healthz's (the two rounds
averaged). Target: at least 0.25x. Twice: with the officer's week kept in the cache between
changes (patrols/my_day.py; what every load but the first after a change costs), then with
MY_DAY_SNAPSHOTS=0, the week built on every load (what the first load after a change costs).
`--redis ''` measures only the second (no shared cache, nothing kept).

--profile N: instead, render My day N times in this process (Django's test client, the same
database) under cProfile and print where the time goes (cumulative and own time), and the
queries one request makes: with the week kept (or, with `--redis ''`, built on every load).
"""

from __future__ import annotations

import argparse
import http.client
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from harness import bench_database, database_name_beside, use_production_settings  # noqa: E402

TARGET_RATIO = 0.25
MY_DAY = "/rota/my-day/"


def _get(port: int, path: str, cookie: str | None) -> int:
    headers = {"Host": "127.0.0.1"}
    if cookie:
        headers["Cookie"] = f"sessionid={cookie}"
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        connection.request("GET", path, headers=headers)
        response = connection.getresponse()
        response.read()
        return response.status
    finally:
        connection.close()


def _throughput(port: int, path: str, cookie: str | None, seconds: float, concurrency: int) -> float:
    """Requests per second with `concurrency` clients sending back to back for `seconds`."""
    for _ in range(3 * concurrency):  # warm every worker
        status = _get(port, path, cookie)
        if status != 200:
            raise SystemExit(f"GET {path} answered {status}")
    done = [0] * concurrency
    failed: list[int] = []
    stop = time.perf_counter() + seconds

    def client(number: int) -> None:
        while time.perf_counter() < stop:
            status = _get(port, path, cookie)
            if status != 200:
                failed.append(status)
                return
            done[number] += 1

    began = time.perf_counter()
    threads = [threading.Thread(target=client, args=(number,)) for number in range(concurrency)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if failed:
        raise SystemExit(f"GET {path} answered {failed[0]}")
    return sum(done) / (time.perf_counter() - began)


def _profile(count: int, *, kept: bool) -> None:
    import cProfile
    import pstats

    from django.conf import settings

    settings.MY_DAY_SNAPSHOTS = kept
    print(f"== the week {'kept' if kept else 'built on every load'}")

    from django.contrib.auth.models import User
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()
    client.force_login(User.objects.get(username="bench-officer"))
    for _ in range(5):
        assert client.get(MY_DAY).status_code == 200
    with CaptureQueriesContext(connection) as queries:
        client.get(MY_DAY)
    print(f"one request: {len(queries)} queries")
    for query in queries.captured_queries:
        print(f"  {float(query['time']) * 1000:7.2f} ms  {query['sql'][:150]}")
    profiler = cProfile.Profile()
    began = time.perf_counter()
    profiler.enable()
    for _ in range(count):
        client.get(MY_DAY)
    profiler.disable()
    print(f"\n{count} requests in process: {(time.perf_counter() - began) / count * 1000:.2f} ms each (with cProfile)")
    stats = pstats.Stats(profiler)
    stats.sort_stats("cumulative").print_stats(40)
    stats.sort_stats("tottime").print_stats(25)


def _measure(args, cookie: str, env: dict[str, str], *, label: str) -> float:
    """Serve with gunicorn (the environment plus `env`) and measure /healthz and My day twice,
    alternately; print each and return My day's mean rate as a ratio of /healthz's."""
    with socket.socket() as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
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
        env={**os.environ, **env},
    )
    try:
        for _ in range(100):
            try:
                if _get(args.port, "/healthz", None) == 200:
                    break
            except OSError:
                time.sleep(0.1)
        else:
            raise SystemExit("gunicorn did not start")
        print(label + (f" ({', '.join(f'{k}={v}' for k, v in env.items())})" if env else ""))
        rates: dict[str, list[float]] = {"/healthz": [], MY_DAY: []}
        for _round in range(2):
            for path, session in (("/healthz", None), (MY_DAY, cookie)):
                rate = _throughput(args.port, path, session, args.seconds, args.concurrency)
                rates[path].append(rate)
                print(f"  {path:<16}{rate:>9.1f} req/s")
        healthz = sum(rates["/healthz"]) / 2
        my_day = sum(rates[MY_DAY]) / 2
        print(f"  My day {my_day:.1f} req/s, /healthz {healthz:.1f} req/s")
        return my_day / healthz
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--patrols", type=int, default=1_000_000)
    parser.add_argument("--seconds", type=float, default=10.0, help="Each measurement's length.")
    parser.add_argument("--concurrency", type=int, default=4, help="Clients sending at once.")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn sync workers.")
    parser.add_argument("--port", type=int, default=8767)
    parser.add_argument("--keep", action="store_true", help="Keep the bench database afterwards.")
    parser.add_argument("--reuse", action="store_true", help="Measure a database kept by an earlier --keep.")
    parser.add_argument("--profile", type=int, default=0, metavar="N", help="Profile N renders in process instead.")
    parser.add_argument(
        "--redis",
        default="redis://127.0.0.1:6379/9",
        help="Redis database for the shared cache, emptied first (production's set-up); '' for none.",
    )
    args = parser.parse_args()

    url = os.environ.get("DATABASE_URL", "")
    bench_url, admin_url = bench_database(url, name=database_name_beside(url), reuse=args.reuse, script="my_day.py")
    use_production_settings(bench_url, allowed_hosts="127.0.0.1,testserver", redis_url=args.redis)

    import django

    django.setup()
    from django.contrib.auth.models import User
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from list_endpoints import _fill  # the million-patrol builder, shared

    print(f"PostgreSQL {connection.cursor().connection.info.server_version}, Python {sys.version.split()[0]}")
    call_command("migrate", verbosity=0)  # a kept database may predate the latest migrations
    if not args.reuse:
        _fill(args.patrols)
    # DEBUG off: the pages name their static files through the manifest collectstatic writes.
    call_command("collectstatic", "--noinput", verbosity=0)
    try:
        if args.profile:
            _profile(args.profile, kept=bool(args.redis))
            return
        client = Client()
        client.force_login(User.objects.get(username="bench-officer"))
        cookie = client.cookies["sessionid"].value
        connection.close()
        modes: list[tuple[str, dict[str, str]]] = [("kept", {})] if args.redis else []
        modes.append(("built", {"MY_DAY_SNAPSHOTS": "0"}))
        print(
            f"gunicorn, {args.workers} sync workers on 127.0.0.1:{args.port}; {args.concurrency} clients "
            f"back to back, {args.seconds:g} s per measurement, a new connection per request; "
            f"cache: {'Redis ' + args.redis if args.redis else 'per-process memory'}"
        )
        for mode, env in modes:
            ratio = _measure(args, cookie, env, label=f"My day, week {mode}")
            verdict = "meets" if ratio >= TARGET_RATIO else "misses"
            print(f"  -> ratio {ratio:.3f}x ({verdict} the target of {TARGET_RATIO}x)\n")
    finally:
        if not args.keep:
            import psycopg

            connection.close()
            with psycopg.connect(admin_url, autocommit=True) as admin:
                admin.execute(f'DROP DATABASE IF EXISTS "{bench_url.rpartition("/")[2]}" WITH (FORCE)')


if __name__ == "__main__":
    main()
