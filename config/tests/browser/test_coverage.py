"""An inspector reads the coverage report of the fortnight just gone in a real browser, on a
desktop and on a phone: totals, the chart (an SVG image that loads under the CSP), the sites as
cards on the phone, one click to a festival season, and the CSV link."""

from datetime import timedelta

import pytest
from playwright.sync_api import Page, expect

from patrols.models import MissedReason, Patrol, PatrolKind, PatrolStatus, Visit
from people.models import Officer
from sites.models import Area, Role

from .conftest import MOMENT, assert_fits, screenshot, sign_in

pytestmark = pytest.mark.browser


def _past_fortnight(area: Area) -> None:
    """Ten days of finished patrols before MOMENT at the demo area's first sites: most attended,
    some missed with reasons, one cancelled."""
    officer = Officer.objects.filter(user__memberships__area=area, user__memberships__group__name=Role.OFFICER).first()
    assert officer is not None, "the demo has officers"
    sites = list(area.sites.filter(active=True).order_by("name")[:4])
    start = MOMENT.replace(hour=9) - timedelta(days=10)
    reasons = [MissedReason.DIVERTED, MissedReason.SHORT_STAFFED, MissedReason.DIVERTED]
    n = 0
    for day in range(10):
        for index, site in enumerate(sites):
            n += 1
            starts = start + timedelta(days=day, hours=index)
            missed = n % 6 == 0
            patrol = Patrol.objects.create(
                area=area,
                site=site,
                kind=PatrolKind.JOINT if index == 0 else PatrolKind.POLICE,
                starts_at=starts,
                ends_at=starts + timedelta(hours=1),
                status=PatrolStatus.CANCELLED if n == 5 else PatrolStatus.MISSED if missed else PatrolStatus.COMPLETED,
                missed_reason=reasons[n % 3] if missed else "",
                missed_note="Called to a burglary on Shenley Road" if n == 12 else "",
            )
            if not missed and n != 5:
                Visit.objects.create(
                    patrol=patrol,
                    officer=officer,
                    checked_in_at=starts + timedelta(minutes=5),
                    checked_out_at=starts + timedelta(minutes=50),
                )


def test_an_inspector_reads_the_coverage_report(demo, page: Page, device, problems):
    area = Area.objects.filter(memberships__user__username="inspector", memberships__group__name=Role.INSPECTOR).first()
    _past_fortnight(area)
    sign_in(page, demo, "inspector")
    if device.name == "phone":
        page.locator("label.nav-toggle-label").click()
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Coverage").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Coverage: planned and delivered")
    totals = page.get_by_label("Totals")
    expect(totals).to_contain_text("delivered")
    # The chart is an image that loaded (an SVG of its own, under the page's CSP).
    chart = page.locator("figure.chart img")
    expect(chart).to_be_visible()
    page.wait_for_load_state("load")
    assert page.evaluate("img => img.complete && img.naturalWidth > 0", chart.element_handle())
    expect(page.locator(".reasons")).to_contain_text("Diverted to a call")
    expect(page.get_by_role("link", name="Download CSV")).to_be_visible()
    page.wait_for_load_state("load")
    assert not problems, problems.messages
    assert_fits(page, device)
    screenshot(page, device, "inspector-coverage")

    # One click to a season: its dates become the report's.
    page.get_by_role("link", name="Chanukah 2026").click()
    expect(page.get_by_role("heading", level=2).first).to_contain_text("Fri 4 Dec 2026")
    expect(page.get_by_label("From")).to_have_value("2026-12-04")
    assert_fits(page, device)
