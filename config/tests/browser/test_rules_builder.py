"""Writing rules without RFC 5545, in a real browser: a weekly rule with the recurrence builder,
and a Chanukah rule with the observance checkboxes and their filter box. The live preview shows
no errors for fields not yet touched, and the list reads each saved rule as a sentence."""

import re

import pytest
from playwright.sync_api import Page, expect

from calendar_rules.models import PatrolRule
from sites.models import Site

from .conftest import DESKTOP, MOMENT, assert_fits, screenshot, sign_in

pytestmark = pytest.mark.browser


def open_new_rule(page: Page, demo: str) -> Site:
    sign_in(page, demo, "inspector")
    page.goto(f"{demo}/rules/new/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Add a patrol rule")
    return Site.objects.filter(area__slug="hertsmere-demo", active=True).order_by("name").first()


def fill_window_and_place(page: Page, site: Site) -> None:
    page.get_by_label("Duration (minutes)").fill("120")
    page.locator(f'input[name="sites"][value="{site.pk}"]').check()
    page.get_by_label("Valid from").fill(MOMENT.date().isoformat())


def test_an_inspector_writes_a_weekly_rule_with_the_builder(demo, page: Page, device, problems):
    site = open_new_rule(page, demo)
    page.get_by_label("Label").fill("Saturday gate patrol")
    # Weekly is the builder's first choice; no RRULE is typed anywhere.
    expect(page.get_by_label("Weekly")).to_be_checked()
    expect(page.get_by_label("RFC 5545", exact=False).first).to_be_hidden()
    page.get_by_label("Saturday", exact=True).check()
    page.get_by_label("Start time").fill("10:00")
    fill_window_and_place(page, site)

    preview = page.locator("#rule-preview")
    expect(preview).to_contain_text("Every Saturday, 10:00–12:00")
    expect(preview.locator(".preview-list li").first).to_contain_text("Sat")
    assert_fits(page, device)
    screenshot(page, device, "rule-builder-weekly")

    page.get_by_role("button", name="Save").click()
    expect(page).to_have_url(re.compile(r"/rules/\?run=\d+$"))
    row = page.get_by_role("row", name=re.compile("Saturday gate patrol"))
    expect(row).to_contain_text("Every Saturday, 10:00–12:00")
    expect(page.get_by_role("heading", name="The rota follows your change")).to_be_visible()
    assert PatrolRule.objects.get(label="Saturday gate patrol").recurrence == "FREQ=WEEKLY;BYDAY=SA"
    assert_fits(page, device)
    screenshot(page, device, "rule-builder-saved")


@pytest.mark.parametrize("device", [DESKTOP], indirect=True, ids=["desktop"])
def test_an_inspector_writes_a_chanukah_rule_with_the_observance_checkboxes(demo, page: Page, device, problems):
    site = open_new_rule(page, demo)
    page.get_by_label("Label").fill("Chanukah candle-lighting")
    page.get_by_label("Jewish calendar").check()
    # Choosing the Jewish calendar is not a mistake: the preview shows no errors for it.
    preview = page.locator("#rule-preview")
    expect(preview).to_contain_text("Fill in the rule")
    expect(preview).not_to_contain_text("Nothing to preview yet")

    page.get_by_label("Filter the observances").fill("chanukah")
    expect(page.get_by_label("Yom Kippur", exact=True)).to_be_hidden()
    for day in range(1, 9):
        page.get_by_label(f"Chanukah (day {day})").check()
    page.get_by_label("On its evening (the evening before)").check()
    page.get_by_label("Start anchor").select_option("candle_lighting")
    fill_window_and_place(page, site)

    expect(preview).to_contain_text("Each evening of Chanukah, from candle-lighting for 2 hours")
    expect(preview.locator(".preview-list li").first).to_be_visible()
    screenshot(page, device, "rule-builder-chanukah")

    page.get_by_role("button", name="Save").click()
    expect(page).to_have_url(re.compile(r"/rules/\?run=\d+$"))
    row = page.get_by_role("row", name=re.compile("Chanukah candle-lighting"))
    expect(row).to_contain_text("Each evening of Chanukah, from candle-lighting for 2 hours")
    rule = PatrolRule.objects.get(label="Chanukah candle-lighting")
    assert sorted(rule.observance_keys) == [f"chanukah_{day}" for day in range(1, 9)]
