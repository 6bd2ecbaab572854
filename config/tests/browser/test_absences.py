"""An inspector records an officer's leave in a real browser, on a desktop and on a phone, and is
shown the patrols the officer is still on during it, to re-staff."""

import re

import pytest
from playwright.sync_api import Page, expect

from patrols.models import Assignment
from people.models import Absence
from sites.models import Role

from .conftest import MOMENT, assert_fits, screenshot, sign_in

pytestmark = pytest.mark.browser


def test_an_inspector_records_leave_over_an_officers_patrols(demo, page: Page, device, problems):
    assignment = (
        Assignment.objects.filter(
            patrol__status="scheduled",
            patrol__starts_at__gt=MOMENT,
            patrol__area__memberships__user__username="inspector",
            patrol__area__memberships__group__name=Role.INSPECTOR,
        )
        .select_related("patrol__site", "patrol__area", "officer")
        .order_by("patrol__starts_at")
        .first()
    )
    assert assignment is not None, "the demo assigns officers to the coming days"
    patrol, officer = assignment.patrol, assignment.officer
    day = patrol.starts_at.astimezone(patrol.area.zone).date()

    sign_in(page, demo, "inspector")
    if device.name == "phone":  # the menu folds away behind its toggle
        page.locator("label.nav-toggle-label").click()
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Absences").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Absences")
    assert_fits(page, device)
    page.get_by_role("link", name="Record an absence").click()
    page.get_by_label("Officer").select_option(str(officer.pk))
    page.get_by_label("Kind").select_option("leave")
    page.get_by_label("From").fill(day.isoformat())
    page.get_by_label("To").fill(day.isoformat())
    page.get_by_label("Note").fill("Family wedding")
    page.get_by_role("button", name="Save").click()

    expect(page).to_have_url(re.compile(r"/rota/absences/\d+/$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("On leave")
    restaff = page.locator(".clash-list")
    expect(restaff).to_contain_text(patrol.site.name)
    expect(restaff).to_contain_text(patrol.starts_at.astimezone(patrol.area.zone).strftime("%H:%M"))
    assert Absence.objects.filter(officer=officer, starts_on=day).exists()
    page.wait_for_load_state("load")
    assert not problems, problems.messages
    assert_fits(page, device)
    screenshot(page, device, "inspector-absence-restaff")
