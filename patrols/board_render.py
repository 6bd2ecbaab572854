"""The week board's grid and the day view's list, rendered with Jinja2.

The grid is the one place where the cost of a template engine shows: a 200-site week is ~2,000
patrol chips and ~1,400 cells. Django's engine spent 80% of a 2.9 s response on them; Jinja2
compiles templates to Python functions and renders the same chips about ten times faster. The
page around the grid (layout, navigation, forms, CSRF) stays a Django template; it takes the
grid as HTML Jinja2 escaped (autoescape on, like Django's).

Templates live in templates/patrols/jinja/; `chip.html` holds the one macro that renders a
patrol's chip on the board and in the day view."""

from __future__ import annotations

from functools import cache
from typing import Any

from django.conf import settings
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape


@cache
def environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(str(settings.BASE_DIR / "templates" / "patrols" / "jinja")),
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        # Templates are read once per process, as Django's cached loader does when DEBUG is off.
        auto_reload=settings.DEBUG,
    )
    # Where a chip's link opens its patrol (the dialog) and a row's "+" adds one: reversed once,
    # not per chip.
    env.globals["patrol_path"] = reverse("patrols:patrol", args=[0]).removesuffix("0/")
    env.globals["add_path"] = reverse("patrols:patrol_add")
    return env


def render(template: str, context: dict[str, Any]) -> SafeString:
    # Jinja2 escaped every value it rendered (autoescape): the result is safe HTML.
    return mark_safe(environment().get_template(template).render(context))  # noqa: S308
