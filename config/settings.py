"""Shomer settings: read from the environment, typed, in one place.

Defaults run on a laptop with nothing else installed: SQLite and Celery tasks executed in-process.
Point DATABASE_URL at PostgreSQL and CELERY_BROKER_URL at Redis for anything shared. A value that
cannot be read stops start-up with ImproperlyConfigured naming the variable.
"""

import secrets
from datetime import timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from patrols.run_health import DEFAULT_STALE_AFTER_SECONDS, RUN_VISIBILITY_TIMEOUT_SECONDS

from .env import email_settings, env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = env_bool("DEBUG", False)


def _secret_key() -> str:
    key = env_str("SECRET_KEY")
    if key:
        return key
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    # A developer machine gets a random key kept outside git, so sessions survive a restart
    # without a literal key in the repository.
    key_file = BASE_DIR / ".secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(50))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


SECRET_KEY = _secret_key()
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "axes",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "knox",
    "csp",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_celery_beat",
    "django_htmx",
    "simple_history",
    "sites.apps.SitesConfig",
    "audit.apps.AuditConfig",
    "people.apps.PeopleConfig",
    "calendar_rules.apps.CalendarRulesConfig",
    "notifications.apps.NotificationsConfig",
    "patrols.apps.PatrolsConfig",
    "reports.apps.ReportsConfig",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # After WhiteNoise, so static files keep their long caching; every page and API answer below
    # carries patrol times or contact details, or a form, and is never stored.
    "config.middleware.no_store",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes asks: it turns a locked-out sign-in into its lockout response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "config.navigation.navigation",
            ],
        },
    },
]


def _database() -> dict[str, Any]:
    url = env_str("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}")
    try:
        config = dj_database_url.parse(url)
    except Exception as error:  # dj-database-url raises several types for a bad URL
        raise ImproperlyConfigured(f"DATABASE_URL is not a usable database URL: {error}") from None
    if config["ENGINE"] == "django.db.backends.postgresql":
        # A new connection per request measured ~6x slower here; keep them, and check them.
        config["CONN_MAX_AGE"] = env_int("DATABASE_CONN_MAX_AGE", 600, minimum=0)
        config["CONN_HEALTH_CHECKS"] = True
    elif config["ENGINE"] == "django.db.backends.sqlite3":
        # IMMEDIATE: a write transaction takes SQLite's lock when it begins, so a hand edit made
        # while a rota run writes waits for it (up to the timeout) instead of failing at once.
        config["OPTIONS"] = {"timeout": 20, "transaction_mode": "IMMEDIATE"}
    else:
        raise ImproperlyConfigured("DATABASE_URL must point at PostgreSQL or SQLite.")
    return dict(config)


DATABASES = {"default": _database()}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# --- Sign-in, API tokens, browser caching and Content-Security-Policy ---------------------------
# Brute-force protection for the sign-in page and the API token endpoint (django-axes): after
# LOGIN_FAILURE_LIMIT failures for one username from one address, that pair is locked out for
# LOGIN_LOCKOUT_MINUTES; after LOGIN_ADDRESS_FAILURE_LIMIT failures from one address, whatever the
# usernames, that address is (config.auth.AddressAwareAxesHandler). A successful sign-in resets
# the pair's count, not the address's.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "sites.auth.ShomerBackend",
]
AXES_HANDLER = "config.auth.AddressAwareAxesHandler"
AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5, minimum=1)
AXES_ADDRESS_FAILURE_LIMIT = env_int("LOGIN_ADDRESS_FAILURE_LIMIT", 20, minimum=1)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("LOGIN_LOCKOUT_MINUTES", 15, minimum=1))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_VERBOSE = False
# The client's address, from REMOTE_ADDR or, behind TRUSTED_PROXY_COUNT proxies, from the
# X-Forwarded-For entry the outermost trusted proxy added: one rule for axes and DRF's throttle.
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0, minimum=0)
AXES_CLIENT_IP_CALLABLE = "config.auth.client_ip"

# API tokens (django-rest-knox): only a SHA-512 digest is stored, each sign-in gets its own token,
# DELETE /api/v1/auth/token/ revokes it, and it expires API_TOKEN_TTL_HOURS after it was issued
# (no sliding renewal: a stolen token is good for that long at most). A password change or
# deactivation revokes all of a user's tokens (sites/api_tokens.py).
REST_KNOX = {
    "TOKEN_TTL": timedelta(hours=env_int("API_TOKEN_TTL_HOURS", 12, minimum=1)),
    "AUTO_REFRESH": False,
    "AUTH_HEADER_PREFIX": "Token",
}

# Content-Security-Policy (django-csp 4): scripts and styles only from this origin (no inline
# script, no inline style), no framing, forms post only here. The API docs page adds what
# Swagger UI needs (config/urls.py).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'"],
        "connect-src": ["'self'"],
        # My day's service worker and web app manifest (patrols.views.officer).
        "worker-src": ["'self'"],
        "manifest-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    }
}
# --- end of sign-in, API tokens, caching and Content-Security-Policy ---------------------------

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en-gb"
TIME_ZONE = env_str("TIME_ZONE", "Europe/London")
try:
    ZoneInfo(TIME_ZONE)
except (ZoneInfoNotFoundError, ValueError):
    raise ImproperlyConfigured(f"TIME_ZONE is not an IANA time zone: {TIME_ZONE!r}.") from None
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# Security: strict unless DEBUG. Behind a TLS-terminating proxy set SECURE_PROXY_SSL_HEADER=1.
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", not DEBUG)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", not DEBUG)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31_536_000, minimum=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_HSTS_SECONDS > 0
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", SECURE_HSTS_SECONDS > 0)
if env_bool("SECURE_PROXY_SSL_HEADER", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 12 * 3600, minimum=300)
X_FRAME_OPTIONS = "DENY"

# Cache: Redis when REDIS_URL is set (shared by every process), else per-process memory.
REDIS_URL = env_str("REDIS_URL")
CACHES: dict[str, dict[str, Any]]
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Each process's own memory, for what is checked against the database on every use (My day's
# kept weeks, patrols/my_day.py): at most this many entries a process, the oldest dropped first.
CACHES["local"] = {
    "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
    "LOCATION": "shomer-local",
    "OPTIONS": {"MAX_ENTRIES": env_int("LOCAL_CACHE_ENTRIES", 2000, minimum=10)},
}
# Sessions live in the database; with a shared cache they are read from it (written to both), which
# spares every signed-in request a query. Not with per-process memory: a session ended in one
# process would live on in another's copy.
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db" if REDIS_URL else "django.contrib.sessions.backends.db"
# Officers' My day weeks kept in memory between changes (patrols/my_day.py); 0 builds every load.
MY_DAY_SNAPSHOTS = env_bool("MY_DAY_SNAPSHOTS", True)

# Celery. With no broker configured, tasks run in-process (eagerly), so the app and the test
# suite need nothing else running.
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL")
if CELERY_BROKER_URL and not REDIS_URL and not DEBUG:
    # Several processes then serve the app: run progress and rate limits live in the cache and
    # must be shared, not kept per process.
    raise ImproperlyConfigured("REDIS_URL must be set when CELERY_BROKER_URL is (with DEBUG off).")
CELERY_TASK_ALWAYS_EAGER = CELERY_BROKER_URL is None
CELERY_TASK_EAGER_PROPAGATES = True
if CELERY_BROKER_URL is None:
    CELERY_BROKER_URL = "memory://"
CELERY_TASK_IGNORE_RESULT = True  # progress and outcomes are kept in the database, not in results
CELERY_TIMEZONE = TIME_ZONE
CELERY_ENABLE_UTC = True
# A task is acknowledged when it ends, not when it starts, and one whose worker process dies under
# it (SIGKILL, out of memory) goes back to the queue at once rather than being lost. When the
# whole worker dies, Redis hands its unacknowledged tasks out again after the visibility timeout,
# sized to just over a run's hard time limit so a live run is never handed out twice. A task run
# again must be safe to run again: see patrols.services.runs._claim_run.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": RUN_VISIBILITY_TIMEOUT_SECONDS}
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"

# The rota generator looks this many days ahead.
ROTA_HORIZON_DAYS = env_int("ROTA_HORIZON_DAYS", 84, minimum=1)
# An inspector may generate the rota ahead up to this many days from today (550: next year's
# High Holy Days are always inside it), never further: a run's work grows with its window.
ROTA_GENERATE_AHEAD_MAX_DAYS = env_int("ROTA_GENERATE_AHEAD_MAX_DAYS", 550, minimum=1)
# An officer's patrols less than this many hours apart are one duty: the area's longest duty and
# shortest rest between duties are measured on duties, not on single patrols (patrols/duties.py).
DUTY_GAP_HOURS = env_int("DUTY_GAP_HOURS", 4, minimum=0)
if DUTY_GAP_HOURS > 24:
    raise ImproperlyConfigured(f"DUTY_GAP_HOURS must be at most 24, got {DUTY_GAP_HOURS}.")
# An officer may press "Arrived" from this many minutes before a patrol's start until its end.
CHECK_IN_OPENS_MINUTES = env_int("CHECK_IN_OPENS_MINUTES", 30, minimum=0)
# A check-in made offline and sent later keeps its own time if it arrives within this many hours
# of it; older ones are refused (the phone says so) rather than rewriting the record of a shift.
CHECK_IN_LATE_LIMIT_HOURS = env_int("CHECK_IN_LATE_LIMIT_HOURS", 24, minimum=1)
# A running generation run not heard from for this long is marked failed: its process stopped
# (patrols/run_health.py). The sweep runs every two minutes, so a dead run is failed within
# this plus two minutes (at once on PostgreSQL, where its lock goes with its connection).
RUN_STALE_AFTER_SECONDS = env_int("RUN_STALE_AFTER_SECONDS", DEFAULT_STALE_AFTER_SECONDS, minimum=10)

# Who viewed future patrol times is kept this long, then purged nightly (audit/).
AUDIT_RETENTION_DAYS = env_int("AUDIT_RETENTION_DAYS", 400, minimum=1)
# A view record commits without waiting for its WAL flush (audit/services.py): see the README.
AUDIT_VIEW_ASYNC_COMMIT = env_bool("AUDIT_VIEW_ASYNC_COMMIT", False)
# Repeats of a view already on record this hour are added to its count at most this many seconds
# later, by one write (audit/services.py); 0 writes every view at once.
AUDIT_VIEW_BATCH_SECONDS = env_int("AUDIT_VIEW_BATCH_SECONDS", 60, minimum=0)

# --- Email and the outbox (notifications/) ---------------------------------------------------------
# Django's console backend unless SMTP is configured: EMAIL_URL (smtp://, smtp+tls://, smtps://,
# console://) or EMAIL_HOST with EMAIL_PORT, EMAIL_HOST_USER, EMAIL_HOST_PASSWORD, EMAIL_USE_TLS,
# EMAIL_USE_SSL (config.env.email_settings).
globals().update(email_settings())
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Shomer <shomer@localhost>")
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 30, minimum=1)
# The links in emails start with this (no request to build them from in a Celery task).
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
# A message that fails is tried again after NOTIFICATION_RETRY_SECONDS, doubling each time (at
# most an hour), and marked failed after NOTIFICATION_MAX_ATTEMPTS tries.
NOTIFICATION_MAX_ATTEMPTS = env_int("NOTIFICATION_MAX_ATTEMPTS", 5, minimum=1)
NOTIFICATION_RETRY_SECONDS = env_int("NOTIFICATION_RETRY_SECONDS", 60, minimum=1)
# A scheduled patrol nobody checked in on is missed this long after its end.
MISSED_GRACE_MINUTES = env_int("MISSED_GRACE_MINUTES", 30, minimum=0)
# Inspectors are emailed about a missed patrol only if it was found missed within this many hours
# of its end (the first run after an outage, or after deployment, marks older patrols quietly).
MISSED_ALERT_MAX_AGE_HOURS = env_int("MISSED_ALERT_MAX_AGE_HOURS", 24, minimum=1)

REST_FRAMEWORK = {
    # Token first, so an anonymous API call gets 401 with a WWW-Authenticate header.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "knox.auth.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    # JSON nested deeper than any request of ours is a 400, not a RecursionError (config.parsers).
    "DEFAULT_PARSER_CLASSES": [
        "config.parsers.BoundedJSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    # The token endpoint is also rate-limited per client address (scope "token").
    "DEFAULT_THROTTLE_RATES": {"token": env_str("API_TOKEN_RATE", "10/minute")},
    "NUM_PROXIES": TRUSTED_PROXY_COUNT,
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "EXCEPTION_HANDLER": "config.api.exception_handler",  # a service's ValidationError is a 400 by field
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    # Documents the error answers of every operation too (sites.openapi).
    "DEFAULT_SCHEMA_CLASS": "sites.openapi.ShomerAutoSchema",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Shomer API",
    "DESCRIPTION": "Patrol scheduling for protected community sites.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "COMPONENT_SPLIT_REQUEST": True,
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "sites.openapi.require_version_on_patch",
    ],
    # Swagger UI served from the installed sidecar package, not a CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Fields of one name with different choices ("kind", "trigger") in several apps: name each set.
    "ENUM_NAME_OVERRIDES": {
        "SiteKindEnum": "sites.models.SiteKind",
        "PatrolKindEnum": "calendar_rules.models.PatrolKind",
        "RuleTriggerEnum": "calendar_rules.models.Trigger",
        "RunTriggerEnum": "patrols.models.RunTrigger",
        # A patrol's detail carries its CST places: two "status" fields in one answer.
        "PatrolStatusEnum": "patrols.models.PatrolStatus",
        "SlotStatusEnum": "patrols.models.SlotStatus",
        "AbsenceKindEnum": "people.models.AbsenceKind",
        # One name per choice set used by several fields (rules, services, uplifts, the builder).
        "WeekdayEnum": "calendar_rules.recurrence_builder.WEEKDAYS",
        "ServicePartEnum": "sites.models.ServicePart",
        "RiskTierEnum": "sites.models.RiskTier",
        "AnchorEnum": "calendar_rules.models.Anchor",
        "ServiceAnchorEnum": "sites.models.ServiceAnchor",
    },
}

# One handler, on the root: Django's own "django" logger handlers (a console one with DEBUG on,
# mail_admins) are replaced by none, so each record is written once; a 4xx is one line, without
# the traceback Django attaches to a PermissionDenied or a SuspiciousOperation.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"client_errors_without_traceback": {"()": "config.log_filters.ClientErrorsWithoutTraceback"}},
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": ["client_errors_without_traceback"],
        }
    },
    "loggers": {"django": {"handlers": [], "level": "INFO", "propagate": True}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
}
