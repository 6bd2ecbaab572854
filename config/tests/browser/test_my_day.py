"""My day on a phone in a real browser: the week ahead, checking in and out, and a check-in made
with no signal that is sent when the phone is back online.

The server's clock is frozen at MOMENT (see conftest); the browser's clock is set to the same
moment, since My day's script decides from it whether "Arrived" is open and stamps each tap with
it. The phone's position is granted and placed a few metres from the site."""

import re
from datetime import datetime, timedelta

import pytest
from playwright.sync_api import Page, expect

from patrols.models import Assignment, Visit
from patrols.services import assignment_create, patrol_create_manual

from .conftest import MOMENT, PHONE, assert_fits, screenshot, sign_in

pytestmark = pytest.mark.browser

NARROW = PHONE.__class__("phone-320", {**PHONE.options, "viewport": {"width": 320, "height": 720}})


@pytest.fixture
def device():
    return PHONE


def _officer_site():
    return (
        Assignment.objects.filter(officer__user__username="officer").select_related("patrol__site").first().patrol.site
    )


@pytest.fixture
def context(browser, device, demo):
    """The phone, allowed to give its position (a few metres from the officer's site), with its
    clock at MOMENT."""
    site = _officer_site()
    context = browser.new_context(
        **device.options,
        geolocation={"latitude": float(site.latitude) + 0.0001, "longitude": float(site.longitude)},
        permissions=["geolocation"],
    )
    context.set_default_timeout(10_000)
    context.add_init_script(
        "document.addEventListener('securitypolicyviolation', event => console.error("
        "`CSP violation: ${event.violatedDirective} blocked ${event.blockedURI || 'inline'}`));"
    )
    yield context
    context.close()


@pytest.fixture
def page(demo, context, problems):
    page = context.new_page()
    page.clock.set_system_time(MOMENT)
    # The one error expected: a request the page makes while the test holds the phone offline.
    page.on(
        "console",
        lambda message: (
            message.type == "error"
            and "ERR_INTERNET_DISCONNECTED" not in message.text
            and problems.messages.append(message.text)
        ),
    )
    page.on("pageerror", lambda error: problems.messages.append(f"uncaught: {error}"))
    yield page
    assert not problems, f"the browser reported: {problems.messages}"


@pytest.fixture
def open_patrol(demo):
    """A police patrol of the officer's starting in ten minutes: "Arrived" is open."""
    site = _officer_site()
    start = MOMENT + timedelta(minutes=10)
    patrol = patrol_create_manual(site=site, starts_at=start, ends_at=start + timedelta(minutes=30), by=None)
    officer = Assignment.objects.filter(officer__user__username="officer").first().officer
    assignment_create(patrol=patrol, officer=officer, by=None)
    return patrol


def test_an_officer_reads_the_week_ahead(demo, page: Page, device, problems):
    sign_in(page, demo, "officer")
    expect(page).to_have_url(re.compile(r"/rota/my-day/$"))
    tabs = page.get_by_role("navigation", name="Days").get_by_role("link")
    expect(tabs).to_have_count(8)
    expect(tabs.first).to_contain_text("Today")
    saturday = page.get_by_role("link", name=re.compile(r"^Sat 16"))
    saturday.tap()
    expect(page).to_have_url(re.compile(r"#day-2027-01-16$"))
    expect(page.locator("#day-2027-01-16")).to_be_in_viewport()
    expect(page.locator("#day-2027-01-16 .patrol-card").first).to_contain_text("Joint with CST")
    expect(page.locator('.address a[href^="geo:"]').first).to_be_visible()
    assert not problems, problems.messages
    page.goto(f"{demo}/rota/my-day/")
    assert_fits(page, device)
    screenshot(page, device, "officer-my-week")
    page.set_viewport_size(NARROW.options["viewport"])
    assert_fits(page, NARROW)
    screenshot(page, NARROW, "officer-my-week")


def test_an_officer_checks_in_and_out(demo, open_patrol, page: Page, device, problems):
    sign_in(page, demo, "officer")
    card = page.locator(f"#patrol-{open_patrol.pk}")
    card.get_by_label("Note").first.fill("All quiet")
    card.get_by_role("button", name="Arrived").tap()
    expect(card.locator(".visit-status")).to_have_text("Checked in.")
    expect(card.get_by_role("button", name="Arrived")).to_be_hidden()
    visit = Visit.objects.get(patrol=open_patrol)
    assert visit.note == "All quiet" and visit.distance_m is not None and visit.distance_m < 20
    assert abs(visit.checked_in_at - MOMENT) < timedelta(minutes=2)
    expect(card.locator(".visit-list")).to_contain_text("Arrived 10:0")
    assert_fits(page, device)
    screenshot(page, device, "officer-checked-in")

    card.get_by_role("button", name="Leaving").tap()
    expect(card.locator(".visit-status")).to_have_text("Checked out.")
    visit.refresh_from_db()
    assert visit.checked_out_at is not None
    expect(card.locator(".visit-list")).to_contain_text("left 10:0")
    # A reload shows it as the server has it: one visit, "Arrived" open again for a second visit.
    page.reload()
    expect(card.locator(".visit-list li")).to_have_count(1)
    assert Visit.objects.filter(patrol=open_patrol).count() == 1


def test_a_check_in_made_offline_is_sent_when_back_online(demo, open_patrol, context, page: Page, device, problems):
    sign_in(page, demo, "officer")
    # The service worker takes over My day; once it controls the page, a reload is kept for offline.
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    page.reload()
    page.wait_for_function("navigator.serviceWorker.controller !== null")

    context.set_offline(True)
    card = page.locator(f"#patrol-{open_patrol.pk}")
    card.get_by_role("button", name="Arrived").tap()
    expect(card.locator(".visit-status")).to_have_text("Saved on this phone, will send.")
    expect(page.locator("#outbox-note")).to_contain_text("saved on this phone, will send")
    expect(page.locator("#offline-note")).to_be_visible()
    assert not Visit.objects.filter(patrol=open_patrol).exists()
    tapped = page.evaluate("JSON.parse(localStorage.getItem('shomer.outbox'))[0].at")
    assert_fits(page, device)
    screenshot(page, device, "officer-offline-check-in")

    # Still offline: My day reloads from the copy the service worker kept, the queue still there.
    page.reload()
    expect(page.get_by_role("heading", level=1)).to_have_text("My day")
    expect(page.locator(f"#patrol-{open_patrol.pk} .visit-status")).to_have_text("Saved on this phone, will send.")

    context.set_offline(False)
    expect(page.locator(f"#patrol-{open_patrol.pk} .visit-status")).to_have_text("Checked in.", timeout=15_000)
    expect(page.locator("#outbox-note")).to_be_hidden()
    # Sent with the time of the tap, not of its sending.
    visit = Visit.objects.get(patrol=open_patrol)
    assert visit.checked_in_at == datetime.fromisoformat(tapped.replace("Z", "+00:00"))
    assert visit.received_at > visit.checked_in_at

    # Signing out leaves nothing of My day on the phone.
    page.get_by_text("Menu").click()
    page.get_by_role("button", name=re.compile("Sign out")).click()
    page.wait_for_url(re.compile(r"/accounts/login/"))
    page.wait_for_function("caches.keys().then(keys => keys.length === 0)")
    assert page.evaluate("Object.keys(localStorage).filter(key => key.startsWith('shomer.')).length") == 0
    assert page.evaluate("navigator.serviceWorker.getRegistrations().then(r => r.length)") == 0
