"""A site's service times and the area's staffing uplifts in a real browser: an inspector adds a
Yom Tov service and an uplift, and both pages fit the screen without an error."""

import re

import pytest
from playwright.sync_api import Page, expect

from sites.models import Site

from .conftest import assert_fits, screenshot, sign_in

pytestmark = pytest.mark.browser


def test_an_inspector_adds_a_service_and_an_uplift(demo, page: Page, device, problems):
    sign_in(page, demo, "inspector")
    site = Site.objects.get(name="Kehillat Elstree")
    page.goto(f"{demo}/sites/{site.pk}/services/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Services at Kehillat Elstree")
    expect(page.get_by_role("table")).to_contain_text("Kol Nidre")
    page.locator("#id_day").select_option("yom_tov")
    page.locator("#id_part").select_option("morning")
    page.locator("#id_start_time").fill("08:30")
    page.locator("#id_end_time").fill("13:00")
    page.get_by_role("button", name="Add the service").click()
    expect(page.locator("body")).to_contain_text("Yom Tov morning service at Kehillat Elstree added")
    expect(page.get_by_role("table")).to_contain_text("13:00")
    assert not problems, problems.messages
    assert_fits(page, device)
    screenshot(page, device, "inspector-site-services")

    page.goto(f"{demo}/rules/uplifts/new/")
    page.locator("#id_label").fill("High Holy Days")
    page.locator('input[name="observance_keys"][value="rosh_hashanah_1"]').check()
    page.locator('input[name="observance_keys"][value="yom_kippur"]').check()
    page.locator("#id_officers_value").fill("1")
    page.locator("#id_cst_places").fill("2")
    page.get_by_role("button", name="Save").click()
    expect(page).to_have_url(re.compile(r"/rules/uplifts/$"))
    expect(page.get_by_role("table")).to_contain_text("+1 officer, joint with 2 CST places")
    assert not problems, problems.messages
    assert_fits(page, device)
    screenshot(page, device, "inspector-uplifts")
