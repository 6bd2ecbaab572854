"""Every URL the app exposes × every persona, each cell an exact expected status.

Rows live beside each app in `<app>/tests/access_rows.py` (a ROWS list, and optionally a
`build(world)` that adds the objects its rows need). This test fails when a named route has no
row, so a new page or endpoint cannot ship without deciding who may use it.
"""

import importlib

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from conftest import PERSONAS

APPS = ["config", "sites", "audit", "people", "calendar_rules", "notifications", "patrols", "reports"]
# Routes outside the matrix: Django's own admin (staff-only, tested by Django) and its statics.
EXEMPT_PREFIXES = ("admin:",)


def _row_modules():
    modules = []
    for app in APPS:
        try:
            modules.append(importlib.import_module(f"{app}.tests.access_rows"))
        except ModuleNotFoundError as error:
            if error.name not in (f"{app}.tests", f"{app}.tests.access_rows"):
                raise
    return modules


ROWS = [row for module in _row_modules() for row in module.ROWS]


def _route_names(patterns=None, namespace=""):
    names = set()
    for pattern in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(pattern, URLResolver):
            child_ns = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            names |= _route_names(pattern.url_patterns, child_ns)
        elif isinstance(pattern, URLPattern) and pattern.name:
            names.add(f"{namespace}{pattern.name}")
    return names


def test_every_named_route_has_a_row_in_the_matrix():
    covered = {row.route for row in ROWS}
    missing = {name for name in _route_names() if not name.startswith(EXEMPT_PREFIXES)} - covered
    assert not missing, f"routes with no access-matrix row: {sorted(missing)}"


def test_every_row_names_every_persona():
    for row in ROWS:
        assert set(row.expect) == set(PERSONAS), f"{row.id}: expected outcomes for {PERSONAS}"


@pytest.mark.parametrize("row", ROWS, ids=[row.id for row in ROWS])
@pytest.mark.parametrize("persona", PERSONAS)
def test_access(world, row, persona):
    for module in _row_modules():
        if hasattr(module, "build"):
            module.build(world)
    client = world.client(persona)
    url = row.url(world)
    response = getattr(client, row.method.lower())(url, data=row.data(world) if row.data else None, format=row.format)
    assert response.status_code == row.expect[persona], (
        f"{row.method} {url} as {persona}: got {response.status_code}, expected {row.expect[persona]}"
        f"\n{getattr(response, 'data', None) or response.content[:300]}"
    )
    # Whatever the answer, no browser or proxy may keep it (config.middleware.no_store).
    assert "no-store" in response.get("Cache-Control", ""), f"{row.method} {url} as {persona}: may be cached"
