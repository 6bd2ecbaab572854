"""The real-browser harness: Playwright's Python client driving Debian's chromium.

`playwright install` cannot download a browser here, so the tests drive the distribution's
`/usr/bin/chromium`, which `scripts/bootstrap` installs with apt when it is missing and we are
root. Without it the tests marked `browser` skip and say so — except under CI (`CI=true`), which
runs as root and so must have it: there a missing browser fails.

One browser for the whole package, a fresh context (cookies, viewport) per test, two sizes:
`desktop` (1280 × 800) and `phone` (390 × 844, touch, mobile layout). Each page records console
errors, uncaught exceptions and Content-Security-Policy violations; `open_page` hands them to the
test, which asserts there are none.

The server side is pytest-django's `live_server` (a real server thread) on a database filled by
`seed_demo` with the clock frozen at `MOMENT` (time-machine patches the whole process, so the
server thread sees it too; the browser's own clock is untouched, and nothing on these pages reads
it). So the pages show the same days whatever the real date and time.
"""

import io
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command
from django.test import override_settings

CHROMIUM = Path(os.environ.get("SHOMER_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCREENS = Path(os.environ.get("SHOMER_SCREENS", Path(__file__).resolve().parents[3] / "screens"))

# A plain Thursday morning in winter: the demo's rota has patrols today and tomorrow, and the
# coming Saturday's joint patrols have open CST places.
MOMENT = datetime(2027, 1, 14, 10, 0, tzinfo=ZoneInfo("Europe/London"))
DEMO_PASSWORD = "shomer-demo"


@dataclass(frozen=True)
class Device:
    name: str
    options: dict


DESKTOP = Device("desktop", {"viewport": {"width": 1280, "height": 800}})
PHONE = Device(
    "phone",
    {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 2, "is_mobile": True, "has_touch": True},
)
DEVICES = [DESKTOP, PHONE]


@pytest.fixture(scope="package")
def browser():
    """One headless chromium for every browser test."""
    if not CHROMIUM.exists():
        message = (
            f"no chromium at {CHROMIUM}: run scripts/bootstrap as root (it installs Debian's chromium), "
            "or `sudo apt-get install chromium`"
        )
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    # Playwright's sync client runs an asyncio loop on this thread, so Django would refuse ORM calls
    # from the tests (fixtures, assertions) as if they were made from async code. They are not.
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        with sync_playwright() as playwright:
            chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            yield chromium
            chromium.close()


@pytest.fixture(params=DEVICES, ids=lambda device: device.name)
def device(request) -> Device:
    return request.param


@pytest.fixture
def context(browser, device):
    context = browser.new_context(**device.options)
    context.set_default_timeout(10_000)
    # A CSP violation is an event, not always a console message: report each one as an error.
    context.add_init_script(
        "document.addEventListener('securitypolicyviolation', event => console.error("
        "`CSP violation: ${event.violatedDirective} blocked ${event.blockedURI || 'inline'}`));"
    )
    yield context
    context.close()


@dataclass
class BrowserProblems:
    """What went wrong in the browser while a test drove it."""

    messages: list[str] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.messages)


@pytest.fixture
def problems() -> BrowserProblems:
    return BrowserProblems()


@pytest.fixture
def page(context, problems):
    page = context.new_page()
    page.on("console", lambda message: message.type == "error" and problems.messages.append(message.text))
    page.on("pageerror", lambda error: problems.messages.append(f"uncaught: {error}"))
    yield page
    assert not problems, f"the browser reported: {problems.messages}"


@pytest.fixture
def demo(transactional_db, live_server) -> Iterator[str]:
    """The demo, seeded and served with the clock frozen at MOMENT; yields the server's address."""
    with time_machine.travel(MOMENT, tick=True):
        with override_settings(DEBUG=True):  # seed_demo refuses to run with DEBUG off
            call_command("seed_demo", stdout=io.StringIO())
        yield live_server.url


def sign_in(page, base_url: str, username: str) -> None:
    """Through the real login page, as a person would; lands on the role's start page."""
    page.goto(f"{base_url}/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r"^(?!.*/accounts/login/)"))


def screenshot(page, device: Device, name: str) -> Path:
    """The top of the page — up to three screens of it, enough to judge the layout and small enough
    to look at — in screens/ (git-ignored), named for the page and the device."""
    SCREENS.mkdir(parents=True, exist_ok=True)
    path = SCREENS / f"{name}-{device.name}.png"
    viewport = device.options["viewport"]
    height = min(page.evaluate("document.documentElement.scrollHeight"), 3 * viewport["height"])
    page.screenshot(path=str(path), full_page=True, clip={"x": 0, "y": 0, "width": viewport["width"], "height": height})
    return path


# The page's width against the viewport's, and the elements sticking out past its right edge.
_SPILL = """() => {
  const width = window.innerWidth;
  const spilling = [...document.querySelectorAll('body *')]
    .filter(element => element.getBoundingClientRect().right > width + 0.5)
    .filter(element => !element.parentElement || element.parentElement.getBoundingClientRect().right <= width + 0.5)
    .slice(0, 8)
    .map(element => {
      const classes = typeof element.className === 'string' ? element.className.trim().replace(/\\s+/g, '.') : '';
      const id = element.id ? '#' + element.id : '';
      const name = element.tagName.toLowerCase() + id + (classes ? '.' + classes : '');
      return `${name} (right edge ${Math.round(element.getBoundingClientRect().right)})`;
    });
  return {scrollWidth: document.documentElement.scrollWidth, innerWidth: width, spilling};
}"""


def assert_fits(page, device: Device) -> None:
    """No horizontal scroll: the page is no wider than the viewport (a spill on a phone is a bug)."""
    fit = page.evaluate(_SPILL)
    assert fit["innerWidth"] == device.options["viewport"]["width"], fit
    assert fit["scrollWidth"] <= fit["innerWidth"], f"{page.url} spills on the {device.name}: {fit}"
