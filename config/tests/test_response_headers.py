"""No page or API answer is kept by a browser or proxy, and every page carries a
Content-Security-Policy that allows only this origin's scripts and styles.

(Every route of the access matrix is also checked for `no-store`, persona by persona, in
config/tests/test_access_matrix.py.)"""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

TEMPLATES = Path(settings.BASE_DIR) / "templates"


def _directives(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    return {part.split()[0]: part.split()[1:] for part in header.split(";") if part.strip()}


@pytest.mark.parametrize(
    ("persona", "route"),
    [
        ("officer", "patrols:my_day"),
        ("inspector_a", "patrols:rota"),
        ("coordinator", "patrols:joint"),
        ("coordinator", "people:volunteer_list"),
        ("inspector_a", "patrol-list"),
        ("coordinator", "volunteer-list"),
    ],
)
def test_pages_and_api_answers_with_patrol_times_or_contact_details_are_never_stored(world, persona, route):
    response = world.client(persona).get(reverse(route))
    assert response.status_code == 200
    cache_control = {part.strip() for part in response["Cache-Control"].split(",")}
    assert {"no-store", "private"} <= cache_control


def test_the_sign_in_page_and_errors_are_not_stored_either(world):
    client = world.client("anonymous")
    assert "no-store" in client.get(reverse("login"))["Cache-Control"]
    assert "no-store" in client.get("/no-such-page/")["Cache-Control"]
    assert "no-store" in client.get(reverse("patrol-list"))["Cache-Control"]  # 401


def test_pages_carry_a_strict_content_security_policy(world):
    response = world.client("inspector_a").get(reverse("patrols:rota"))
    directives = _directives(response)
    assert directives["default-src"] == ["'self'"]
    assert directives["script-src"] == ["'self'"]
    assert directives["style-src"] == ["'self'"]
    assert directives["frame-ancestors"] == ["'none'"]
    assert directives["form-action"] == ["'self'"]
    assert directives["object-src"] == ["'none'"]
    assert directives["base-uri"] == ["'none'"]
    assert not any("unsafe" in source for sources in directives.values() for source in sources)


def test_the_sign_in_page_carries_it_too(db, client):
    assert _directives(client.get(reverse("login")))["script-src"] == ["'self'"]


def test_the_api_docs_relax_styles_and_images_only_and_load_their_script_as_a_file(world):
    client = world.client("inspector_a")
    response = client.get(reverse("api-docs"))
    directives = _directives(response)
    assert directives["script-src"] == ["'self'"]
    assert directives["style-src"] == ["'self'", "'unsafe-inline'"]
    assert directives["img-src"] == ["'self'", "data:"]
    page = response.content.decode()
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", page), "the docs page has an inline script"
    script_url = re.search(r'<script src="([^"]*script=[^"]*)"', page).group(1).replace("&amp;", "&")
    script = client.get(script_url)
    assert script.status_code == 200
    assert script["Content-Type"].startswith("application/javascript")
    assert "SwaggerUIBundle" in script.content.decode()


# An inline <script> (one without src), an on* event handler attribute, a style attribute or
# element, or a javascript: URL: each is refused by the policy above and would break the page.
_INLINE = re.compile(
    r"<script(?![^>]*\bsrc=)[^>]*>|\son[a-z]+\s*=|\sstyle\s*=|<style[\s>]|javascript:",
    re.IGNORECASE,
)


def test_no_template_has_inline_script_or_style():
    offenders = [
        f"{path.relative_to(TEMPLATES)}: {match.group(0).strip()}"
        for path in sorted(TEMPLATES.rglob("*.html"))
        for match in _INLINE.finditer(path.read_text())
    ]
    assert not offenders, offenders


def test_the_template_check_would_catch_inline_script_and_handlers():
    for sample in ["<script>alert(1)</script>", '<a onclick="x()">', '<p style="color:red">', "<style>p{}</style>"]:
        assert _INLINE.search(sample), sample
    assert not _INLINE.search('<script src="/static/x.js" defer></script>')


def test_htmx_keeps_no_page_snapshots_and_uses_no_eval(world):
    page = world.client("coordinator").get(reverse("people:volunteer_list")).content.decode()
    config = re.search(r"<meta name=\"htmx-config\" content='([^']*)'>", page).group(1)
    assert '"historyCacheSize": 0' in config
    assert '"allowEval": false' in config
    assert '"includeIndicatorStyles": false' in config
