"""Settings for the test suite: the environment's settings, made safe for tests.

Tests need no services: SQLite and in-process Celery unless DATABASE_URL / CELERY_BROKER_URL are
set (as CI sets them, to run the same suite against PostgreSQL and Redis).
"""

import os
import secrets

os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(50))
os.environ.setdefault("SECURE_SSL_REDIRECT", "0")

from .settings import *  # noqa: E402,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# Sessions in the database whatever the cache (CI sets REDIS_URL, which makes production read
# them from the cache): the suite counts queries, and must count the same everywhere.
# sites/tests/test_auth_backend.py checks the cached sessions on their own.
SESSION_ENGINE = "django.contrib.sessions.backends.db"

# Every view record written as it happens: the suite counts queries and reads the rows at once.
# audit/tests/test_view_batch.py turns the batching on to test it.
AUDIT_VIEW_BATCH_SECONDS = 0
