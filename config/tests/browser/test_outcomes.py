"""The inspector's Today panel and the outbox in a real browser, at desktop size and on a phone:
a missed patrol's reason recorded from the panel; nothing spills sideways."""

import re
from datetime import timedelta

import pytest
from playwright.sync_api import Page, expect

from patrols.models import Patrol, PatrolStatus
from sites.models import Area

from .conftest import MOMENT
from .test_pages import look, sign_in

pytestmark = pytest.mark.browser


def test_an_inspector_records_why_a_patrol_was_missed(demo, page: Page, device, problems):
    area = Area.objects.get(memberships__user__username="inspector", memberships__group__name="inspector")
    site = area.sites.order_by("name")[0]
    starts = MOMENT.replace(hour=7)
    missed = Patrol.objects.create(
        area=area, site=site, starts_at=starts, ends_at=starts + timedelta(hours=1), status=PatrolStatus.MISSED
    )
    sign_in(page, demo, "inspector")
    page.get_by_role("link", name="Today: missed and due").click()
    expect(page).to_have_url(re.compile(r"/rota/today/"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Today")
    look(page, device, problems, "inspector-today")
    card = page.locator("article.today-patrol.missed", has_text=site.name).first
    card.get_by_label("Record why").select_option("diverted")
    card.get_by_role("button", name="Record").click()
    expect(page.get_by_text("Recorded: diverted to a call.")).to_be_visible()
    missed.refresh_from_db()
    assert missed.missed_reason == "diverted"

    page.goto(f"{demo}/notifications/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Outbox")
    look(page, device, problems, "inspector-outbox")
