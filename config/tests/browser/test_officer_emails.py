"""An officer turns the evening reminder off on their profile, on a desktop and on a phone; the
page keeps fitting the screen and says it is saved."""

import pytest
from playwright.sync_api import Page, expect

from people.models import Officer

from .conftest import assert_fits, screenshot, sign_in

pytestmark = pytest.mark.browser


def test_an_officer_turns_the_evening_reminder_off(demo, page: Page, device, problems):
    sign_in(page, demo, "officer")
    page.goto(f"{demo}/me/")
    reminder = page.get_by_label("Email me the evening before a duty")
    changes = page.get_by_label("Email me when I am put on or taken off a patrol, or my patrol is moved or cancelled")
    expect(reminder).to_be_checked()
    expect(changes).to_be_checked()
    reminder.uncheck()
    page.get_by_role("button", name="Save email settings").click()
    expect(page.locator(".messages")).to_contain_text("Your email settings are saved.")
    expect(page.get_by_label("Email me the evening before a duty")).not_to_be_checked()
    expect(
        page.get_by_label("Email me when I am put on or taken off a patrol, or my patrol is moved or cancelled")
    ).to_be_checked()
    officer = Officer.objects.get(user__username="officer")
    assert (officer.notify_patrol_changes, officer.notify_evening_reminder) == (True, False)
    page.locator("#emails-heading").scroll_into_view_if_needed()
    assert_fits(page, device)
    screenshot(page, device, "officer-profile-emails")
    assert not problems, problems.messages
