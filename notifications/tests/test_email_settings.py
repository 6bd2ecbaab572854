"""Email settings from the environment: the console backend unless SMTP is configured."""

import pytest
from django.core.exceptions import ImproperlyConfigured

from config.env import email_settings

SMTP = "django.core.mail.backends.smtp.EmailBackend"
CONSOLE = "django.core.mail.backends.console.EmailBackend"
NAMES = (
    "EMAIL_URL",
    "EMAIL_HOST",
    "EMAIL_PORT",
    "EMAIL_HOST_USER",
    "EMAIL_HOST_PASSWORD",
    "EMAIL_USE_TLS",
    "EMAIL_USE_SSL",
)


@pytest.fixture(autouse=True)
def _clean(monkeypatch):
    for name in NAMES:
        monkeypatch.delenv(name, raising=False)


def test_console_by_default():
    assert email_settings() == {"EMAIL_BACKEND": CONSOLE}


def test_email_url_with_starttls(monkeypatch):
    monkeypatch.setenv("EMAIL_URL", "smtp+tls://mailer:p%40ss@mail.police.example")
    assert email_settings() == {
        "EMAIL_BACKEND": SMTP,
        "EMAIL_HOST": "mail.police.example",
        "EMAIL_PORT": 587,
        "EMAIL_HOST_USER": "mailer",
        "EMAIL_HOST_PASSWORD": "p@ss",
        "EMAIL_USE_TLS": True,
        "EMAIL_USE_SSL": False,
    }


def test_email_url_smtps_and_console(monkeypatch):
    monkeypatch.setenv("EMAIL_URL", "smtps://mail.example:2465")
    settings = email_settings()
    assert (settings["EMAIL_PORT"], settings["EMAIL_USE_SSL"], settings["EMAIL_USE_TLS"]) == (2465, True, False)
    monkeypatch.setenv("EMAIL_URL", "console://")
    assert email_settings() == {"EMAIL_BACKEND": CONSOLE}


def test_the_usual_django_variables(monkeypatch):
    monkeypatch.setenv("EMAIL_HOST", "smtp.example")
    monkeypatch.setenv("EMAIL_HOST_USER", "shomer")
    monkeypatch.setenv("EMAIL_HOST_PASSWORD", "secret")
    settings = email_settings()
    assert settings["EMAIL_BACKEND"] == SMTP
    assert (settings["EMAIL_HOST"], settings["EMAIL_PORT"], settings["EMAIL_USE_TLS"]) == ("smtp.example", 587, True)
    monkeypatch.setenv("EMAIL_PORT", "25")
    monkeypatch.setenv("EMAIL_USE_TLS", "0")
    settings = email_settings()
    assert (settings["EMAIL_PORT"], settings["EMAIL_USE_TLS"]) == (25, False)


@pytest.mark.parametrize(
    ("env", "said"),
    [
        ({"EMAIL_URL": "ftp://x"}, "EMAIL_URL must look like"),
        ({"EMAIL_URL": "smtp://mail.example:port"}, "port that is not a number"),
        ({"EMAIL_HOST": "x", "EMAIL_PORT": "many"}, "EMAIL_PORT must be an integer"),
        ({"EMAIL_HOST": "x", "EMAIL_USE_TLS": "1", "EMAIL_USE_SSL": "1"}, "cannot both be on"),
    ],
)
def test_bad_configuration_fails_loudly(monkeypatch, env, said):
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    with pytest.raises(ImproperlyConfigured, match=said):
        email_settings()
