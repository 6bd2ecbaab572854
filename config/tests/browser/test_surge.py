"""The alert level in a real browser: an inspector raises it from the area page at desktop size,
sees the banner on the board, and ends it; an officer sees the banner on My day on a phone.

A raise or an end queues a run of the rota, enqueued once it commits; in CI no worker takes it,
so nothing here waits for the run (patrols/tests/test_surge_runs.py covers what the run does)."""

import re

import pytest
from playwright.sync_api import Page, expect

from sites.models import Area, AreaSurge
from sites.surges import surge_raise

from .conftest import DESKTOP, PHONE, assert_fits, screenshot, sign_in

pytestmark = pytest.mark.browser


def _inspectors_area() -> Area:
    return Area.objects.filter(memberships__user__username="inspector").order_by("name").first()


@pytest.mark.parametrize("device", [DESKTOP], indirect=True, ids=["desktop"])
def test_an_inspector_raises_and_ends_the_alert_level(demo, page: Page, device, problems):
    area = _inspectors_area()
    sign_in(page, demo, "inspector")
    page.get_by_role("link", name="Areas", exact=True).click()
    page.get_by_role("link", name=area.name).click()
    expect(page).to_have_url(re.compile(rf"/sites/areas/{area.slug}/$"))

    # A reason is needed: refused with its message, and nothing raised.
    page.get_by_role("button", name="Raise the alert level").click()
    expect(page.locator("#id_reason_error")).to_have_text("This field is required.")
    assert not AreaSurge.objects.exists()

    page.get_by_label("Reason").fill("Incident at a synagogue nearby")
    expect(page.get_by_label("Until")).not_to_have_value("")  # 72 hours from now by default
    page.get_by_role("button", name="Raise the alert level").click()
    expect(page.locator(".messages")).to_contain_text("Alert level raised")
    expect(page.locator("#alert-level .banner.surge")).to_contain_text(
        "Alert level raised: Incident at a synagogue nearby, until Sun 17 Jan 10:00"
    )
    screenshot(page, device, "inspector-area-surge")

    page.goto(f"{demo}/rota/?area={area.slug}")
    expect(page.locator(".banner.surge")).to_contain_text("Alert level raised")
    expect(page.locator(".banner.surge")).to_contain_text("Incident at a synagogue nearby, until Sun 17 Jan 10:00")
    screenshot(page, device, "inspector-board-surge")

    page.goto(f"{demo}/sites/areas/{area.slug}/")
    page.get_by_role("button", name="End the raised alert level now").click()
    expect(page.locator(".messages")).to_contain_text("Alert level back to normal")
    expect(page.locator("#surge-history")).to_contain_text(
        "raised by inspector: Incident at a synagogue nearby; ended by inspector"
    )
    expect(page.get_by_role("button", name="Raise the alert level")).to_be_visible()
    surge = AreaSurge.objects.get()
    assert (surge.raised_by.username, surge.ended_by.username) == ("inspector", "inspector")
    assert not problems, problems.messages


@pytest.mark.parametrize("device", [PHONE], indirect=True, ids=["phone"])
def test_an_officer_sees_the_raised_alert_level_on_my_day(demo, page: Page, device, problems):
    area = Area.objects.filter(memberships__user__username="officer").order_by("name").first()
    inspector = area.memberships.filter(group__name="inspector").first().user
    sign_in(page, demo, "officer")
    expect(page).to_have_url(re.compile(r"/rota/my-day/$"))
    expect(page.locator(".banner.surge")).to_have_count(0)

    surge_raise(area=area, by=inspector, reason="Incident nearby: patrols raised")
    page.reload()
    banner = page.locator(".banner.surge")
    expect(banner).to_contain_text("Alert level raised")
    expect(banner).to_contain_text("Incident nearby: patrols raised, until Sun 17 Jan 10:00")
    expect(banner).to_be_in_viewport()
    assert_fits(page, device)
    screenshot(page, device, "officer-my-day-surge")
    assert not problems, problems.messages
