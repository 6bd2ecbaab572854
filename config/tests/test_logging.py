"""What the log says about a refused request: one line, no traceback."""

import io
import logging

import pytest
from django.test import override_settings
from django.urls import reverse


def _stream_handlers(logger_name: str):
    """The plain stream handlers a record of `logger_name` reaches (the configured ones; pytest's
    own capture handlers are subclasses and left alone)."""
    logger: logging.Logger | None = logging.getLogger(logger_name)
    while logger is not None:
        yield from (handler for handler in logger.handlers if type(handler) is logging.StreamHandler)
        if not logger.propagate:
            break
        logger = logger.parent


@pytest.fixture
def request_log():
    """Everything the configured handlers write for django.request, in one buffer."""
    buffer = io.StringIO()
    handlers = list(_stream_handlers("django.request"))
    assert handlers, "no stream handler receives django.request records"
    previous = [handler.setStream(buffer) for handler in handlers]
    try:
        yield buffer
    finally:
        for handler, stream in zip(handlers, previous, strict=True):
            handler.setStream(stream)


REFUSALS = [
    # (persona, url, status, the line's message)
    ("inspector_a", "/sites/999999/edit/", 404, "Not Found: /sites/999999/edit/"),
    ("inspector_a", "/api/v1/sites/999999/", 404, "Not Found: /api/v1/sites/999999/"),
    ("officer", "rules", 403, "Forbidden (Permission denied): /rules/"),
    ("officer", "/api/v1/rules/", 403, "Forbidden: /api/v1/rules/"),
]


@pytest.mark.parametrize("debug", [False, True], ids=["debug-off", "debug-on"])
@pytest.mark.parametrize(("persona", "url", "status", "message"), REFUSALS)
def test_a_refused_request_is_one_log_line_without_a_traceback(
    world, request_log, debug, persona, url, status, message
):
    url = reverse("calendar_rules:rule_list") if url == "rules" else url
    client = world.client(persona)
    request_log.seek(0)
    request_log.truncate()  # signing in is logged too
    with override_settings(DEBUG=debug):
        response = client.get(url)
    assert response.status_code == status
    lines = request_log.getvalue().splitlines()
    assert len(lines) == 1, lines
    assert lines[0].endswith(f"WARNING django.request {message}")


def test_a_server_error_keeps_its_traceback(world, request_log, monkeypatch):
    from sites import views

    def broken(*args, **kwargs):
        raise RuntimeError("the database is on fire")

    monkeypatch.setattr(views.SiteListView, "get", broken)
    client = world.client("inspector_a")
    client.raise_request_exception = False
    request_log.seek(0)
    request_log.truncate()
    response = client.get(reverse("sites:site_list"))
    assert response.status_code == 500
    logged = request_log.getvalue()
    assert "Traceback (most recent call last)" in logged and "the database is on fire" in logged
