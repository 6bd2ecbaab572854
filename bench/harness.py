"""What the server benchmarks share: a database of their own, and production-like settings.

Each benchmark (list_endpoints.py, week_board.py, my_day.py) fills a PostgreSQL database of its
own next to DATABASE_URL's and serves it with gunicorn under `config.settings` as production
would (DEBUG off, no broker: nothing is enqueued while measuring), so its figures are a real
server's, compared with a trivial view measured in the same run.
"""

from __future__ import annotations

import os
import secrets
import sys


def bench_database(url: str, *, name: str, reuse: bool, script: str) -> tuple[str, str]:
    """(URL of the bench database `name`, URL of the server's `postgres` database) on the server of
    `url`. The bench database is made afresh unless `reuse` (measure one kept by --keep)."""
    import psycopg

    if not url.startswith(("postgres://", "postgresql://")):
        sys.exit(f"bench/{script} needs DATABASE_URL to point at PostgreSQL.")
    base = url.rpartition("/")[0]
    if not reuse:
        with psycopg.connect(f"{base}/postgres", autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            admin.execute(f'CREATE DATABASE "{name}"')
    return f"{base}/{name}", f"{base}/postgres"


def database_name_beside(url: str) -> str:
    """The bench database's name for DATABASE_URL `url`: its own name + "_bench"."""
    name = url.rpartition("/")[2].split("?")[0] or "postgres"
    return f"{name}_bench"


def use_production_settings(database_url: str, *, allowed_hosts: str = "127.0.0.1", redis_url: str = "") -> None:
    """Point this process (and the gunicorn it starts) at `database_url` with production-like
    settings, plain HTTP on loopback, and no broker; with `redis_url`, the shared cache (and so
    cached sessions and My day's kept weeks) on that Redis database, emptied first."""
    for name in ("CELERY_BROKER_URL", "REDIS_URL"):
        os.environ.pop(name, None)
    if redis_url:
        import redis

        redis.Redis.from_url(redis_url).flushdb()
        os.environ["REDIS_URL"] = redis_url
    os.environ.update(
        {
            "DATABASE_URL": database_url,
            "DEBUG": "0",
            "SECRET_KEY": secrets.token_urlsafe(50),
            "ALLOWED_HOSTS": allowed_hosts,
            "SECURE_SSL_REDIRECT": "0",
            "SESSION_COOKIE_SECURE": "0",
            "CSRF_COOKIE_SECURE": "0",
            "SECURE_HSTS_SECONDS": "0",
            "LOG_LEVEL": "WARNING",
            "DJANGO_SETTINGS_MODULE": "config.settings",
        }
    )
