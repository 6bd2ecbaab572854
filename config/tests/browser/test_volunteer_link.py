"""A CST coordinator asks a volunteer for a place from the joint patrol's page (desktop), and the
volunteer accepts from the link in their email on a phone: the page shows the time and site,
nothing changes until the button, and the coordinator then sees the place confirmed from the link.
The volunteer's pages fit the phone and raise no console or CSP errors."""

import re
import time

import pytest
from django.core import mail
from playwright.sync_api import Page, expect

from notifications.services import notifications_send_due
from patrols.models import Patrol, PatrolKind, PatrolStatus, SlotStatus, VolunteerSlot

from .conftest import DESKTOP, MOMENT, PHONE, assert_fits, screenshot, sign_in

pytestmark = pytest.mark.browser


def _wait_for_email(address: str, subject_part: str, timeout: float = 10.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = [m for m in mail.outbox if m.to == [address] and subject_part in m.subject]
        if found:
            return found[-1]
        time.sleep(0.1)
    raise AssertionError(f"no email to {address} about {subject_part!r}")


@pytest.mark.parametrize("device", [PHONE], ids=["phone"])
def test_a_volunteer_accepts_a_place_from_their_link_on_a_phone(demo, browser, page: Page, device, problems):
    patrol = (
        Patrol.objects.filter(
            kind=PatrolKind.JOINT, status=PatrolStatus.SCHEDULED, starts_at__gt=MOMENT, slots__status=SlotStatus.OPEN
        )
        .select_related("site", "area")
        .order_by("starts_at", "id")
        .first()
    )
    assert patrol is not None, "the demo's coming Saturday has open CST places"

    # The coordinator asks, on a desktop, the volunteer the dialog ranks first.
    desk = browser.new_context(**DESKTOP.options)
    coordinator = desk.new_page()
    coordinator.on("console", lambda message: message.type == "error" and problems.messages.append(message.text))
    sign_in(coordinator, demo, "coordinator")
    coordinator.goto(f"{demo}/rota/joint/{patrol.pk}/")
    form = coordinator.locator("form.slot-fill").first
    first_choice = form.locator("select[name=volunteer] option:not([value='']):not([disabled])").first
    call_sign = first_choice.inner_text().split()[0]
    form.locator("select[name=volunteer]").select_option(first_choice.get_attribute("value"))
    form.get_by_role("button", name=re.compile("^Ask")).click()
    expect(coordinator.locator("#slots p.message")).to_contain_text(f"{call_sign} ")
    expect(coordinator.locator("#slots p.message")).to_contain_text("asked.")

    # Sent after the ask's commit by the outbox's sender: run here as its beat run would (with a
    # broker configured, as in CI, the task the commit enqueues has no worker in this test).
    slot = VolunteerSlot.objects.get(patrol=patrol, volunteer__call_sign=call_sign)
    expect(coordinator.locator(f"#slot-{slot.pk} .email-state")).to_contain_text(re.compile("Email (queued|sent)"))
    notifications_send_due()
    email = _wait_for_email(slot.volunteer.email, "can you take a place")
    assert patrol.site.name not in email.body
    accept = re.search(r"https?://[^/\s]+(/v/[\w-]+/accept/)", email.body).group(1)

    # The volunteer, on their phone, opens Accept: the time and site, and a button.
    page.goto(f"{demo}{accept}")
    expect(page.get_by_role("heading", level=1)).to_have_text("Take this CST place?")
    starts = patrol.starts_at.astimezone(patrol.area.zone)
    expect(page.locator(".link-facts")).to_contain_text(patrol.site.name)
    expect(page.locator(".link-facts")).to_contain_text(f"{starts:%H:%M}")
    slot.refresh_from_db()
    assert slot.status == SlotStatus.REQUESTED  # opening the link changed nothing
    assert_fits(page, device)
    screenshot(page, device, "volunteer-accept")

    page.get_by_role("button", name="Yes, I will be there").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("you are on")
    assert_fits(page, device)
    screenshot(page, device, "volunteer-accepted")
    slot.refresh_from_db()
    assert slot.status == SlotStatus.CONFIRMED

    # The link is used: opening it again says so.
    page.goto(f"{demo}{accept}")
    expect(page.get_by_role("heading", level=1)).to_have_text("Already answered")
    assert_fits(page, device)
    # The browser logs the 410 it was answered, as it logs any error status: expected here.
    problems.messages[:] = [message for message in problems.messages if "status of 410 (Gone)" not in message]

    # The coordinator sees it.
    coordinator.reload()
    expect(coordinator.locator(f"#slot-{slot.pk}")).to_contain_text("Confirmed by the volunteer from their link")
    expect(coordinator.locator(f"#slot-{slot.pk}")).to_contain_text("Answered from their link: accepted")
    desk.close()
    assert not problems, problems.messages


def test_a_coordinator_asks_several_and_a_volunteer_marks_availability(demo, page: Page, device, problems):
    from patrols.availability_links import make_token
    from people.models import Volunteer, VolunteerUnavailability

    open_places = list(
        VolunteerSlot.objects.filter(
            patrol__kind=PatrolKind.JOINT,
            patrol__status=PatrolStatus.SCHEDULED,
            patrol__starts_at__gt=MOMENT,
            status=SlotStatus.OPEN,
        ).order_by("patrol__starts_at", "id")[:3]
    )
    assert len(open_places) == 3
    sign_in(page, demo, "coordinator")
    page.goto(f"{demo}/rota/joint/ask/?" + "&".join(f"slots={place.pk}" for place in open_places))
    expect(page.get_by_role("heading", level=1)).to_have_text("Ask several volunteers")
    boxes = page.locator("input[name=volunteers]:not([disabled])")
    assert boxes.count() >= 2
    # A volunteer who cannot do the day is shown, marked and cannot be ticked (the demo's two).
    expect(page.locator("input[name=volunteers][disabled]").first).to_be_disabled()
    assert_fits(page, device)
    screenshot(page, device, "joint-ask-several")
    boxes.nth(0).check()
    boxes.nth(1).check()
    page.get_by_role("button", name="Ask the ticked volunteers").click()
    expect(page.locator("#ask-outcomes")).to_contain_text("asked (email queued)")
    expect(page.locator("#ask-outcomes")).to_contain_text("1 place left unasked")
    assert_fits(page, device)
    screenshot(page, device, "joint-ask-several-done")
    statuses = list(
        VolunteerSlot.objects.filter(pk__in=[place.pk for place in open_places])
        .order_by("patrol__starts_at", "id")
        .values_list("status", flat=True)
    )
    assert statuses == [SlotStatus.REQUESTED, SlotStatus.REQUESTED, SlotStatus.OPEN]

    # A volunteer opens their availability link on the same device and ticks a day.
    volunteer = Volunteer.objects.get(call_sign="HS-12")
    before = VolunteerUnavailability.objects.filter(volunteer=volunteer).count()
    page.goto(f"{demo}/v/availability/{make_token(volunteer_id=volunteer.pk, links_version=volunteer.links_version)}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Days you cannot patrol")
    page.locator("input[name=unavailable]").first.check()
    assert_fits(page, device)
    screenshot(page, device, "volunteer-availability")
    page.get_by_role("button", name="Save").click()
    expect(page.locator("p.message")).to_contain_text("Saved")
    assert VolunteerUnavailability.objects.filter(volunteer=volunteer).count() == before + 1
    assert not problems, problems.messages
