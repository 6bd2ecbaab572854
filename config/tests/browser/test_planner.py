"""The CST planner in a real browser, at desktop size and on a phone: the coming Shabbat's patrols
as cards with their places, the banner once Wednesday's lead time has passed, the filters and the
named ranges — without a console error, a CSP violation or a sideways scroll."""

import re

import pytest
from playwright.sync_api import Page, expect

from patrols.models import Patrol

from .conftest import MOMENT, assert_fits, screenshot, sign_in

pytestmark = pytest.mark.browser


def fits(page: Page, device, problems, name: str) -> None:
    page.wait_for_load_state("load")
    assert not problems, f"{page.url}: the browser reported {problems.messages}"
    # No sideways scroll, as the issue puts it, and nothing spilling past the right edge.
    assert page.evaluate("document.scrollingElement.scrollWidth <= window.innerWidth")
    assert_fits(page, device)
    screenshot(page, device, name)


def test_a_coordinator_plans_the_coming_shabbat(demo, page: Page, device, problems):
    sign_in(page, demo, "coordinator")
    expect(page).to_have_url(re.compile(r"/rota/joint/$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Joint patrols")
    # Thursday morning: Wednesday 18:00 has passed and Saturday's places are not all filled.
    expect(page.locator(".banner.escalation")).to_contain_text("CST places still open for Shabbat 16 January")
    shabbat = page.locator("section.planner-day", has=page.get_by_role("heading", name="Shabbat 16 Jan"))
    expect(shabbat).to_be_visible()
    summary = re.compile(r"\d+ of \d+ places confirmed, \d+ asked, \d+ open")
    expect(shabbat.locator(".day-summary")).to_contain_text(summary)
    expect(shabbat.locator("article.planner-patrol").first).to_be_visible()
    fits(page, device, problems, "coordinator-planner")

    # Open places only: every card left has a place to tick.
    page.get_by_label("Open places only").check()
    page.get_by_role("button", name="Show").click()
    expect(page).to_have_url(re.compile(r"open=1"))
    cards = page.locator("article.planner-patrol")
    expect(cards.first).to_be_visible()
    for index in range(cards.count()):
        expect(cards.nth(index).locator('input[name="slots"]').first).to_be_visible()
    fits(page, device, problems, "coordinator-planner-open")

    # A named range: the next Shabbat alone, its Friday-night patrols with it.
    page.get_by_role("link", name="Next Shabbat", exact=True).click()
    expect(page.get_by_role("link", name="Next Shabbat", exact=True)).to_have_attribute("aria-current", "true")
    expect(page.locator("section.planner-day")).to_have_count(1)
    friday_night = (
        Patrol.objects.filter(kind="joint", starts_at__date="2027-01-15", starts_at__hour__gte=12)
        .order_by("starts_at")
        .first()
    )
    if friday_night is not None:
        expect(page.locator(f"#patrol-{friday_night.pk}")).to_be_visible()
    fits(page, device, problems, "coordinator-planner-next-shabbat")

    # A festival season: the whole of it on one page, still no sideways scroll.
    page.get_by_role("link", name=re.compile(r"^Pesach 20\d\d$")).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Apr")
    fits(page, device, problems, "coordinator-planner-pesach")


def test_an_inspector_sees_the_banner_on_the_board(demo, page: Page, device, problems):
    sign_in(page, demo, "inspector")
    expect(page).to_have_url(re.compile(r"/rota/$"))
    banner = page.locator(".banner.escalation")
    expect(banner).to_contain_text("CST places still open for Shabbat 16 January")
    banner.get_by_role("link", name="See the joint patrols").click()
    expect(page).to_have_url(re.compile(r"kind=joint"))
    assert MOMENT.date().isoformat() < "2027-01-16"
    page.wait_for_load_state("load")
    assert not problems, problems.messages
