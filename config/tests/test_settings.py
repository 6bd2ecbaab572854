"""Settings are read from the environment and fail loudly, naming the variable."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from config.env import env_bool, env_int, env_list

ROOT = Path(__file__).resolve().parents[2]


def _settings_in_subprocess(env: dict, code: str = "import config.settings as s") -> subprocess.CompletedProcess:
    clean = {
        k: v
        for k, v in os.environ.items()
        if k not in {"SECRET_KEY", "DEBUG", "DATABASE_URL", "TIME_ZONE", "SECURE_SSL_REDIRECT"}
    }
    return subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env={**clean, **env}, capture_output=True, text=True, timeout=60
    )


@pytest.mark.parametrize("value", ["maybe", "2", "enabled"])
def test_a_boolean_that_is_not_one_names_the_variable(monkeypatch, value):
    monkeypatch.setenv("SOME_FLAG", value)
    with pytest.raises(ImproperlyConfigured, match="SOME_FLAG"):
        env_bool("SOME_FLAG", False)


def test_booleans_read_the_usual_spellings(monkeypatch):
    for text, expected in [("1", True), ("yes", True), ("On", True), ("0", False), ("false", False), ("", False)]:
        monkeypatch.setenv("SOME_FLAG", text)
        assert env_bool("SOME_FLAG", not expected) is expected


def test_an_integer_that_is_not_one_or_too_small_names_the_variable(monkeypatch):
    monkeypatch.setenv("HORIZON", "twelve")
    with pytest.raises(ImproperlyConfigured, match="HORIZON must be an integer"):
        env_int("HORIZON", 84)
    monkeypatch.setenv("HORIZON", "0")
    with pytest.raises(ImproperlyConfigured, match="HORIZON must be at least 1"):
        env_int("HORIZON", 84, minimum=1)


def test_lists_are_comma_separated(monkeypatch):
    monkeypatch.setenv("HOSTS", "shomer.example, api.shomer.example ,")
    assert env_list("HOSTS", []) == ["shomer.example", "api.shomer.example"]


def test_secret_key_is_required_when_debug_is_off():
    result = _settings_in_subprocess({"DEBUG": "0"})
    assert result.returncode != 0
    assert "SECRET_KEY must be set when DEBUG is off" in result.stderr


def test_a_bad_database_url_stops_start_up_naming_the_variable():
    result = _settings_in_subprocess({"DEBUG": "0", "SECRET_KEY": "x" * 50, "DATABASE_URL": "mongodb://nowhere/db"})
    assert result.returncode != 0
    assert "DATABASE_URL" in result.stderr


def test_a_bad_time_zone_stops_start_up_naming_the_variable():
    result = _settings_in_subprocess({"DEBUG": "0", "SECRET_KEY": "x" * 50, "TIME_ZONE": "Europe/Borehamwood"})
    assert result.returncode != 0
    assert "TIME_ZONE is not an IANA time zone" in result.stderr


def test_postgresql_connections_are_persistent_and_health_checked():
    code = (
        "import config.settings as s; d = s.DATABASES['default'];"
        "print(d['ENGINE'], d['CONN_MAX_AGE'], d['CONN_HEALTH_CHECKS'])"
    )
    result = _settings_in_subprocess(
        {"DEBUG": "0", "SECRET_KEY": "x" * 50, "DATABASE_URL": "postgres://u@db.example:5432/shomer"}, code
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["django.db.backends.postgresql", "600", "True"]


def test_without_a_broker_tasks_run_in_process():
    code = "import config.settings as s; print(s.CELERY_TASK_ALWAYS_EAGER, s.CELERY_BROKER_URL)"
    result = _settings_in_subprocess({"DEBUG": "1", "CELERY_BROKER_URL": ""}, code)
    assert result.stdout.split() == ["True", "memory://"]
    result = _settings_in_subprocess({"DEBUG": "1", "CELERY_BROKER_URL": "redis://127.0.0.1:6379/0"}, code)
    assert result.stdout.split() == ["False", "redis://127.0.0.1:6379/0"]


def test_a_broker_without_a_shared_cache_stops_start_up_in_production():
    env = {"DEBUG": "0", "SECRET_KEY": "x" * 50, "CELERY_BROKER_URL": "redis://127.0.0.1:6379/0", "REDIS_URL": ""}
    result = _settings_in_subprocess(env)
    assert result.returncode != 0
    assert "REDIS_URL must be set when CELERY_BROKER_URL is" in result.stderr


def test_deploy_check_is_clean_with_production_like_settings():
    env = {
        "DEBUG": "0",
        "SECRET_KEY": "a-production-like-secret-" + "k" * 40,
        "ALLOWED_HOSTS": "shomer.example",
    }
    drop = {"SECRET_KEY", "DEBUG", "DJANGO_SETTINGS_MODULE", "SECURE_SSL_REDIRECT"}
    clean = {k: v for k, v in os.environ.items() if k not in drop}
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env={**clean, **env, "DJANGO_SETTINGS_MODULE": "config.settings"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_manage_py_names_the_missing_setting_instead_of_a_traceback():
    clean = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DEBUG", "DJANGO_SETTINGS_MODULE"}}
    result = subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=ROOT, env=clean, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 1
    assert "Shomer cannot start: SECRET_KEY must be set when DEBUG is off." in result.stderr
    assert "Traceback" not in result.stderr


def test_the_dead_run_threshold_is_read_from_the_environment_and_checked():
    code = "import config.settings as s; print(s.RUN_STALE_AFTER_SECONDS)"
    assert _settings_in_subprocess({"DEBUG": "1", "RUN_STALE_AFTER_SECONDS": ""}, code).stdout.split() == ["120"]
    assert _settings_in_subprocess({"DEBUG": "1", "RUN_STALE_AFTER_SECONDS": "90"}, code).stdout.split() == ["90"]
    result = _settings_in_subprocess({"DEBUG": "1", "RUN_STALE_AFTER_SECONDS": "5"}, code)
    assert result.returncode != 0 and "RUN_STALE_AFTER_SECONDS must be at least 10" in result.stderr


def test_the_duty_gap_defaults_to_four_hours_and_refuses_a_bad_value():
    shown = _settings_in_subprocess({"DEBUG": "1"}, "import config.settings as s; print(s.DUTY_GAP_HOURS)")
    assert shown.returncode == 0, shown.stderr
    assert shown.stdout.strip() == "4"
    for value, message in [("-1", "DUTY_GAP_HOURS must be at least 0"), ("25", "DUTY_GAP_HOURS must be at most 24")]:
        refused = _settings_in_subprocess({"DEBUG": "1", "DUTY_GAP_HOURS": value})
        assert refused.returncode != 0
        assert message in refused.stderr
