"""Each role's pages in a real browser, at desktop size and on a phone: they load without a console
error or a CSP violation, fit the screen without a horizontal scroll, and their htmx parts work."""

import re

import pytest
from playwright.sync_api import Page, expect

from patrols.models import Patrol, VolunteerSlot
from people.models import Volunteer

from .conftest import MOMENT, assert_fits, screenshot, sign_in

pytestmark = pytest.mark.browser


def look(page: Page, device, problems, name: str) -> None:
    """The checks every page gets: nothing reported, nothing spilling, and a screenshot to look at."""
    page.wait_for_load_state("load")
    assert not problems, f"{page.url}: the browser reported {problems.messages}"
    assert_fits(page, device)
    screenshot(page, device, name)


def test_an_inspector_sees_the_rota_and_the_rules(demo, page: Page, device, problems):
    sign_in(page, demo, "inspector")
    expect(page).to_have_url(re.compile(r"/rota/$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Rota")
    expect(page.locator("main table, main .card").first).to_be_visible()
    look(page, device, problems, "inspector-rota")

    page.goto(f"{demo}/rules/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("rules")
    expect(page.get_by_role("table")).to_contain_text("Shabbat")
    look(page, device, problems, "inspector-rules")


def test_an_officer_sees_their_day(demo, page: Page, device, problems):
    sign_in(page, demo, "officer")
    expect(page).to_have_url(re.compile(r"/rota/my-day/$"))
    expect(page.get_by_role("heading", level=2).first).to_contain_text("Today")
    expect(page.locator(".patrol-card").first).to_be_visible()
    look(page, device, problems, "officer-my-day")


def test_a_coordinator_asks_a_volunteer_for_a_place_on_a_joint_patrol(demo, page: Page, device, problems):
    sign_in(page, demo, "coordinator")
    expect(page).to_have_url(re.compile(r"/rota/joint/$"))
    look(page, device, problems, "coordinator-joint-patrols")

    patrol = (
        Patrol.objects.filter(kind="joint", status="scheduled", starts_at__gt=MOMENT, slots__status="open")
        .order_by("starts_at")
        .first()
    )
    page.locator(f'a[href="/rota/joint/{patrol.pk}/"]').click()
    expect(page.get_by_role("heading", level=1)).to_have_text(patrol.site.name)
    look(page, device, problems, "coordinator-joint-patrol")

    slot = patrol.slots.filter(status="open").order_by("pk").first()
    place = page.locator(f"#slot-{slot.pk}")
    # The list shows everyone of the area, ranked; those who cannot be asked (unavailable that day,
    # on an overlapping patrol, card expired, already on it) are marked and cannot be chosen.
    offered = [
        int(value)
        for value in place.locator("select option:not([disabled])").evaluate_all("options => options.map(o => o.value)")
        if value
    ]
    marked = place.locator("select option[disabled]").all_inner_texts()
    assert any("Unavailable" in text for text in marked), marked  # the demo's two who cannot do Saturday
    free = Volunteer.objects.get(pk=offered[0])
    call_sign = free.call_sign
    page.evaluate("window.stillTheSamePage = true")
    place.get_by_role("combobox").select_option(str(free.pk))
    place.get_by_role("button", name=re.compile(r"^Ask")).click()

    # htmx swaps the places in: the place is asked, and the page itself was not reloaded.
    expect(page.locator(f"#slot-{slot.pk}")).to_contain_text("Requested")
    expect(page.locator(f"#slot-{slot.pk}")).to_contain_text(call_sign)
    expect(page.locator("#slot-counts")).to_contain_text("1 requested")
    assert page.evaluate("window.stillTheSamePage") is True
    assert VolunteerSlot.objects.get(pk=slot.pk).volunteer.call_sign == call_sign
    look(page, device, problems, "coordinator-joint-patrol-asked")


def test_a_coordinator_searches_the_volunteers(demo, page: Page, device, problems):
    sign_in(page, demo, "coordinator")
    page.goto(f"{demo}/people/volunteers/")
    rows = page.locator("#volunteer-rows tbody tr")
    expect(rows.first).to_be_visible()
    everyone = rows.count()
    assert everyone > 1
    look(page, device, problems, "coordinator-volunteers")

    volunteer = Volunteer.objects.filter(area__slug="hertsmere-demo").order_by("call_sign").first()
    page.evaluate("window.stillTheSamePage = true")
    page.get_by_label("Call sign or name").fill(volunteer.name)

    # Live search through htmx: the rows narrow as one types, and the address follows.
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text(volunteer.call_sign)
    expect(page).to_have_url(re.compile(r"search="))
    assert page.evaluate("window.stillTheSamePage") is True
    look(page, device, problems, "coordinator-volunteers-search")
