"""An officer finds their calendar link on their profile, on a desktop and on a phone, replaces
it, and the old link stops working (the .ics fetched with Django's test client)."""

import re

import pytest
from django.test import Client
from playwright.sync_api import Page, expect

from people.models import Officer

from .conftest import assert_fits, screenshot, sign_in

pytestmark = pytest.mark.browser


def test_an_officer_creates_copies_and_replaces_their_calendar_link(demo, page: Page, device, problems):
    sign_in(page, demo, "officer")
    if device.name == "phone":  # the menu folds away behind its toggle
        page.locator("label.nav-toggle-label").click()
    page.get_by_role("navigation", name="Main").get_by_role("link", name="My profile").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("My profile")
    expect(page.locator(".feed-warning")).to_contain_text("no addresses, notes or partners")
    page.get_by_role("button", name="Create my calendar link").click()

    link = page.get_by_test_id("feed-url")
    expect(link).to_have_value(re.compile(r"^http://.+/feeds/[A-Za-z0-9_-]{43}\.ics$"))
    first = link.input_value()
    page.get_by_role("button", name="Copy link").click()
    expect(page.get_by_role("button", name="Copied")).to_be_visible()
    assert_fits(page, device)
    screenshot(page, device, "officer-profile-feed")

    feeds = Client()
    path = first.removeprefix(demo)
    fetched = feeds.get(path)
    assert fetched.status_code == 200 and fetched["Content-Type"].startswith("text/calendar")
    assert b"BEGIN:VTIMEZONE" in fetched.content and b"SUMMARY:Shomer duty" in fetched.content

    page.locator("summary", has_text="Replace link").click()
    page.get_by_role("button", name="Replace link", exact=True).click()
    expect(page.locator(".messages")).to_contain_text("The old link no longer works")
    second = page.get_by_test_id("feed-url").input_value()
    assert second != first
    assert Officer.objects.get(user__username="officer").calendar_token in second
    assert feeds.get(path).status_code == 404
    assert feeds.get(second.removeprefix(demo)).status_code == 200
    assert_fits(page, device)
    assert not problems, problems.messages
