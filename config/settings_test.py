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

# My day's kept weeks on, as in production with Redis: the tests run in one process (the browser
# tests' live server is a thread of it), so even per-process memory is shared by all they touch.
MY_DAY_SNAPSHOTS = True
