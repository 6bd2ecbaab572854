"""An inspector staffs and changes the rota from the week board in a real browser (issue 9, point
8): assigns an officer, is refused a conflict and overrides a warning, moves a patrol, cancels and
restores one, bulk-assigns a day, and is refused an edit made from a stale copy while another
inspector changed the patrol. Desktop size; the dialog is also looked at on a phone."""

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import Page, expect

from patrols.models import Assignment, Patrol, PatrolStatus
from patrols.services import assignment_create, patrol_create_manual
from people.models import Officer
from sites.models import Area

from .conftest import DESKTOP, MOMENT, PHONE, SCREENS, assert_fits, sign_in

pytestmark = pytest.mark.browser

LONDON = ZoneInfo("Europe/London")
MONDAY = MOMENT.date() + timedelta(days=4)  # Mon 18 Jan 2027, on the week the board opens with


@pytest.fixture(params=[DESKTOP], ids=lambda device: device.name)
def device(request):
    """These scenarios run at desktop size (the phone gets its own look at the dialog below)."""
    return request.param


def _at(day, hour: int, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=LONDON)


def _demo_area() -> Area:
    return Area.objects.get(memberships__user__username="inspector", memberships__group__name="inspector")


def _officer(username: str) -> Officer:
    return Officer.objects.select_related("user").get(user__username=username)


def _patrol(site, start: datetime, hours: float = 1, label: str = "Browser test") -> Patrol:
    return patrol_create_manual(
        site=site, starts_at=start, ends_at=start + timedelta(hours=hours), by=None, label=label
    )


def _first_site(page: Page):
    """The first site row the board shows (its first chunk is on the page)."""
    from sites.models import Site

    site_id = page.locator("table.board tbody tr[data-site]").first.get_attribute("data-site")
    assert site_id is not None
    return Site.objects.get(pk=int(site_id))


def _open(page: Page, patrol: Patrol):
    """Open the patrol's dialog from its chip on the board."""
    page.locator(f'table.board a[href="/rota/patrols/{patrol.pk}/"]').click()
    dialog = page.locator("dialog#patrol-dialog")
    expect(dialog).to_be_visible()
    expect(dialog.locator("#patrol-dialog-body")).to_have_attribute("data-patrol-id", str(patrol.pk))
    return dialog


def _close(page: Page):
    page.locator("dialog#patrol-dialog").get_by_role("button", name="Close").click()
    expect(page.locator("dialog#patrol-dialog")).to_be_hidden()


def _chip(page: Page, patrol: Patrol):
    return page.locator(f'table.board .chip:has(a[href="/rota/patrols/{patrol.pk}/"])')


def screen_shot(page: Page, device, name: str) -> None:
    """The screen with the dialog open: the viewport only (a full-page shot makes Playwright style
    the page's elements inline, which the Content-Security-Policy reports as a violation)."""
    SCREENS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENS / f"{name}-{device.name}.png"), caret="initial")


def _note_error(errors: list[str], message) -> None:
    if message.type == "error":
        errors.append(message.text)


def _board(page: Page, base: str) -> None:
    sign_in(page, base, "inspector")
    expect(page).to_have_url(re.compile(r"/rota/$"))
    expect(page.locator("table.board tbody tr[data-site]").first).to_be_visible()


def test_an_inspector_assigns_an_officer_from_the_board(demo, page: Page, device, problems):
    _board(page, demo)
    patrol = _patrol(_first_site(page), _at(MONDAY, 6, 0))
    page.reload()
    hale = _officer("pc.hale")

    dialog = _open(page, patrol)
    expect(dialog).to_contain_text("0/1 officers")
    screen_shot(page, device, "inspector-patrol-dialog")
    dialog.get_by_role("button", name=f"Assign {hale}").click()

    expect(dialog.locator("#dialog-notice")).to_have_text(f"{hale} put on the patrol.")
    expect(dialog).to_contain_text("1/1 officers")
    expect(dialog.locator("#patrol-history")).to_contain_text(f"assigned {hale}")
    # The board's row was redrawn behind the dialog.
    expect(_chip(page, patrol)).to_contain_text("1/1 officers")
    assert Assignment.objects.filter(patrol=patrol, officer=hale).exists()
    assert not problems, problems.messages


def test_a_conflict_is_refused_and_a_warning_overridden(demo, page: Page, device, problems):
    _board(page, demo)
    site = _first_site(page)
    hale = _officer("pc.hale")
    early = _patrol(site, _at(MONDAY, 6, 0), label="Early")
    assignment_create(patrol=early, officer=hale, by=None)
    overlapping = _patrol(site, _at(MONDAY, 6, 30), label="Overlapping")
    afternoon = _patrol(site, _at(MONDAY, 13, 0), label="Afternoon")  # 6 h later: too little rest
    page.reload()

    # Hale is offered as "not free" (on the early patrol); choosing him is refused, naming it.
    dialog = _open(page, overlapping)
    dialog.get_by_role("button", name=f"Assign {hale}").click()
    expect(dialog.get_by_role("alert").first).to_contain_text("which overlaps this one")
    assert not overlapping.assignments.exists()
    _close(page)

    dialog = _open(page, afternoon)
    dialog.get_by_role("button", name=f"Assign {hale}").click()
    override = dialog.locator("#override-form")
    expect(override).to_be_visible()
    expect(override.locator(".warnings")).to_contain_text("rest")
    assert not afternoon.assignments.exists()
    override.get_by_label("Reason to override").fill("Only officer trained for this site")
    override.get_by_role("button", name="Assign anyway").click()
    expect(dialog.locator("#dialog-notice")).to_contain_text("Warning overridden: Only officer trained for this site")
    expect(dialog.locator("#patrol-history")).to_contain_text("Only officer trained for this site")
    assert afternoon.assignments.filter(officer=hale).exists()
    assert not problems, problems.messages


def test_an_inspector_moves_a_patrol(demo, page: Page, device, problems):
    _board(page, demo)
    patrol = _patrol(_first_site(page), _at(MONDAY, 6, 0))
    page.reload()

    dialog = _open(page, patrol)
    dialog.locator("summary", has_text="Move").click()
    form = dialog.locator("#move-form")
    form.get_by_label("Start").fill("09:15")
    form.get_by_label("End").fill("10:45")
    form.get_by_role("button", name="Move").click()

    expect(dialog.locator("#dialog-notice")).to_have_text("Moved to Mon 18 Jan 09:15–10:45.")
    expect(dialog.locator("#patrol-when")).to_contain_text("09:15–10:45")
    expect(_chip(page, patrol)).to_contain_text("09:15–10:45")
    patrol.refresh_from_db()
    assert patrol.starts_at == _at(MONDAY, 9, 15) and patrol.pinned
    assert not problems, problems.messages


def test_an_inspector_cancels_and_restores_a_patrol(demo, page: Page, device, problems):
    _board(page, demo)
    patrol = _patrol(_first_site(page), _at(MONDAY, 6, 0))
    page.reload()

    dialog = _open(page, patrol)
    dialog.locator("summary", has_text="Cancel this patrol").click()
    form = dialog.locator("#cancel-form")
    form.get_by_role("button", name="Cancel patrol").click()  # no reason: the browser asks for one
    patrol.refresh_from_db()
    assert patrol.status == PatrolStatus.SCHEDULED
    form.get_by_label("Reason").fill("Site closed for repairs")
    form.get_by_role("button", name="Cancel patrol").click()
    expect(dialog.locator("#dialog-notice")).to_have_text("Patrol cancelled.")
    expect(dialog).to_contain_text("Cancelled: Site closed for repairs")
    expect(_chip(page, patrol)).to_contain_text("cancelled")

    dialog.get_by_role("button", name="Restore patrol").click()
    expect(dialog.locator("#dialog-notice")).to_have_text("Patrol restored.")
    expect(_chip(page, patrol)).not_to_contain_text("cancelled")
    patrol.refresh_from_db()
    assert patrol.status == PatrolStatus.SCHEDULED
    assert not problems, problems.messages


def test_an_inspector_bulk_assigns_a_day(demo, page: Page, device, problems):
    _board(page, demo)
    roberts = _officer("pc.roberts")

    page.locator("table.board thead").get_by_role("button", name="Select all patrols on Monday 18 January").click()
    count = page.locator('table.board td[data-day="2027-01-18"] input[name="patrols"]:checked').count()
    assert count > 3
    toolbar = page.locator("#board-selection")
    toolbar.get_by_label("Action").select_option("assign")
    toolbar.get_by_label("Officer").select_option(str(roberts.pk))
    toolbar.get_by_role("button", name="Apply to ticked").click()

    # One officer cannot do a whole day: what was done and what was refused, each with why.
    result = page.locator("#bulk-result")
    expect(result).to_contain_text("Assign an officer: PC PC2602 Ffion Roberts")
    assigned = list(Patrol.objects.filter(assignments__officer=roberts, starts_at__date=MONDAY).order_by("starts_at"))
    assert assigned
    expect(result).to_contain_text(f"{len(assigned)} done, {count - len(assigned)} refused.")
    expect(result.locator(".bulk-done")).to_contain_text("Ffion Roberts assigned")
    expect(result.locator(".bulk-refused")).to_contain_text("which overlaps this one")
    # The rows of the patrols done were redrawn: the first is staffed now.
    expect(_chip(page, assigned[0])).to_contain_text(f"1/{assigned[0].officers_required} officers")
    assert_fits(page, device)
    screen_shot(page, device, "inspector-bulk-result")
    assert not problems, problems.messages


def test_a_stale_edit_is_refused_when_another_inspector_changed_the_patrol(demo, browser, page: Page, device, problems):
    _board(page, demo)
    patrol = _patrol(_first_site(page), _at(MONDAY, 6, 0))
    page.reload()
    dialog = _open(page, patrol)
    dialog.locator("summary", has_text="Move").click()

    # A second inspector, in their own browser, moves the same patrol first.
    other_context = browser.new_context(**device.options)
    try:
        other = other_context.new_page()
        other_problems: list[str] = []
        other.on("console", lambda message: _note_error(other_problems, message))
        sign_in(other, demo, "sergeant")
        other_dialog = _open(other, patrol)
        other_dialog.locator("summary", has_text="Move").click()
        other_form = other_dialog.locator("#move-form")
        other_form.get_by_label("Start").fill("07:00")
        other_form.get_by_label("End").fill("08:00")
        other_form.get_by_role("button", name="Move").click()
        expect(other_dialog.locator("#dialog-notice")).to_have_text("Moved to Mon 18 Jan 07:00–08:00.")
        assert not other_problems, other_problems
    finally:
        other_context.close()

    form = dialog.locator("#move-form")
    form.get_by_label("Start").fill("08:30")
    form.get_by_label("End").fill("09:30")
    form.get_by_role("button", name="Move").click()

    stale = dialog.locator("#stale-notice")
    expect(stale).to_contain_text("Someone else changed this patrol")
    expect(stale).to_contain_text("Moved from Mon 18 Jan 06:00–07:00 to Mon 18 Jan 07:00–08:00 by Daniel Ashworth")
    expect(dialog.locator("#patrol-when")).to_contain_text("07:00–08:00")  # the patrol as it is now
    patrol.refresh_from_db()
    assert patrol.starts_at == _at(MONDAY, 7, 0)  # nothing overwritten
    form = dialog.locator("#move-form")
    expect(form.get_by_label("Start")).to_have_value("08:30")  # nothing lost
    screen_shot(page, device, "inspector-stale-edit")

    form.get_by_role("button", name="Apply my move again").click()
    expect(dialog.locator("#dialog-notice")).to_have_text("Moved to Mon 18 Jan 08:30–09:30.")
    patrol.refresh_from_db()
    assert patrol.starts_at == _at(MONDAY, 8, 30)
    assert not problems, problems.messages


def test_the_dialog_fits_a_phone(demo, browser):
    context = browser.new_context(**PHONE.options)
    try:
        page = context.new_page()
        errors: list[str] = []
        page.on("console", lambda message: _note_error(errors, message))
        sign_in(page, demo, "inspector")
        patrol = _patrol(_first_site(page), _at(MONDAY, 6, 0))
        page.goto(f"{demo}/rota/patrols/{patrol.pk}/")  # the page a phone without JavaScript gets too
        expect(page.locator("#patrol-dialog-body")).to_be_visible()
        page.locator("details.edit summary").first.click()
        assert_fits(page, PHONE)
        screen_shot(page, PHONE, "inspector-patrol-page")

        page.goto(f"{demo}/rota/")
        page.locator(f'table.board a[href="/rota/patrols/{patrol.pk}/"]').click()
        expect(page.locator("dialog#patrol-dialog")).to_be_visible()
        assert_fits(page, PHONE)
        screen_shot(page, PHONE, "inspector-patrol-dialog")
        assert not errors, errors
    finally:
        context.close()


def test_an_inspector_adds_a_patrol_from_a_board_cell(demo, page: Page, device, problems):
    _board(page, demo)
    site = _first_site(page)
    row = page.locator(f'table.board tbody tr[data-site="{site.pk}"]')
    # A click on the empty part of Monday's cell opens the form with the site and the day.
    cell = row.locator('td[data-day="2027-01-18"]')
    cell.scroll_into_view_if_needed()
    box = cell.bounding_box()
    assert box is not None
    cell.click(position={"x": box["width"] - 3, "y": box["height"] - 2})  # its padding, below the chips
    dialog = page.locator("dialog#patrol-dialog")
    form = dialog.locator("#add-form")
    expect(form.get_by_label("Site")).to_have_value(str(site.pk))
    expect(form.get_by_label("Day")).to_have_value("2027-01-18")
    form.get_by_label("Start").fill("21:00")
    form.get_by_label("End").fill("23:30")
    form.get_by_label("Kind").select_option("joint")
    form.get_by_label("CST places").fill("2")
    form.get_by_label("Label").fill("Community evening")
    form.get_by_role("button", name="Add patrol").click()

    expect(dialog.locator("#dialog-notice")).to_have_text("Patrol added.")
    patrol = Patrol.objects.get(label="Community evening")
    assert (patrol.site_id, patrol.starts_at, patrol.slots.count()) == (site.pk, _at(MONDAY, 21, 0), 2)
    expect(_chip(page, patrol)).to_contain_text("21:00–23:30")
    assert not problems, problems.messages


def test_the_day_view_opens_the_dialog_and_redraws_its_list(demo, page: Page, device, problems):
    _board(page, demo)
    patrol = _patrol(_first_site(page), _at(MONDAY, 6, 0))
    page.goto(f"{demo}/rota/day/2027-01-18/")
    page.locator(f'ol.day-list a[href="/rota/patrols/{patrol.pk}/"]').click()
    dialog = page.locator("dialog#patrol-dialog")
    expect(dialog).to_be_visible()
    dialog.locator("summary", has_text="Cancel this patrol").click()
    dialog.locator("#cancel-form").get_by_label("Reason").fill("Road closed")
    dialog.locator("#cancel-form").get_by_role("button", name="Cancel patrol").click()
    expect(dialog.locator("#dialog-notice")).to_have_text("Patrol cancelled.")
    expect(page.locator(f'ol.day-list .chip:has(a[href="/rota/patrols/{patrol.pk}/"])')).to_contain_text("cancelled")
    assert not problems, problems.messages
