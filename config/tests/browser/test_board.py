"""The inspector's week board at desktop size and its day view on a phone, in a real browser: no
console error or CSP violation, nothing spilling, the "All" buttons tick a day's patrols (static
JS), and the rows past the first screen arrive as they scroll into view."""

import re

import pytest
from playwright.sync_api import Page, expect

from sites.models import Area, Site

from .conftest import DESKTOP, MOMENT, PHONE, assert_fits, screenshot, sign_in

pytestmark = pytest.mark.browser


def _more_sites(count: int) -> Area:
    """Enough sites in the demo inspector's (first) area that the board loads some of its rows as
    they scroll into view; returns the area."""
    area = Area.objects.filter(memberships__user__username="inspector").order_by("name").first()
    first = Site.objects.filter(area=area).order_by("pk").first()
    Site.objects.bulk_create(
        [
            Site(
                area=first.area,
                name=f"Zz extra site {number:02d}",
                kind=first.kind,
                address=first.address,
                postcode=first.postcode,
                latitude=first.latitude,
                longitude=first.longitude,
            )
            for number in range(count)
        ]
    )
    return area


@pytest.mark.parametrize("device", [DESKTOP], indirect=True, ids=["desktop"])
def test_the_week_board_at_desktop_size(demo, page: Page, device, problems):
    area = _more_sites(20)
    sign_in(page, demo, "inspector")
    expect(page).to_have_url(re.compile(r"/rota/$"))
    board = page.locator("table.board")
    expect(board.locator("thead th.day")).to_have_count(7)
    expect(page.locator(".board-horizon")).to_contain_text("Generate to")
    page.wait_for_load_state("load")
    screenshot(page, device, "inspector-board")

    # "All" on today's column ticks every patrol of that day, and again unticks them.
    today = MOMENT.date().isoformat()
    boxes = board.locator(f'td[data-day="{today}"] input[name="patrols"]')
    assert boxes.count() > 0
    board.locator(f'th button[data-select="day"][data-day="{today}"]').click()
    assert all(box.is_checked() for box in boxes.all())
    board.locator(f'th button[data-select="day"][data-day="{today}"]').click()
    assert not any(box.is_checked() for box in boxes.all())

    # The rows past the first screen load as they scroll into view — scrolled inside the board's
    # own box, as a person scrolls it, not the window.
    rows = board.locator("tbody tr[data-site]")
    before = rows.count()
    assert before < Site.objects.filter(area=area).count()
    page.locator(".board-wrap").evaluate(
        "box => { box.scrollIntoView({block: 'end'}); box.scrollTop = box.scrollHeight; }"
    )
    expect(rows).not_to_have_count(before)
    expect(page.locator("tr.more")).to_have_count(0, timeout=10_000)
    assert rows.count() == Site.objects.filter(area=area).count()

    assert not problems, f"the browser reported {problems.messages}"
    assert_fits(page, device)


@pytest.mark.parametrize("device", [PHONE], indirect=True, ids=["phone"])
def test_the_day_view_on_a_phone(demo, page: Page, device, problems):
    sign_in(page, demo, "inspector")
    page.locator("table.board thead th.day a").first.click()
    expect(page).to_have_url(re.compile(r"/rota/day/\d{4}-\d{2}-\d{2}/"))
    expect(page.get_by_role("heading", level=1)).to_contain_text(MOMENT.strftime("%A"))
    expect(page.locator(".day-list .chip").first).to_be_visible()
    page.wait_for_load_state("load")
    assert not problems, f"the browser reported {problems.messages}"
    assert_fits(page, device)
    screenshot(page, device, "inspector-day")
    # The board itself on the phone: it scrolls inside its own box, the page does not.
    page.goto(f"{demo}/rota/")
    page.wait_for_load_state("load")
    assert_fits(page, device)
    screenshot(page, device, "inspector-board")
