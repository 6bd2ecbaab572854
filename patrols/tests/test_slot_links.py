"""A volunteer asked for a CST place answers from the links in their email: the email (through
the outbox and Django's test mail outbox) names the day only; the link's page shows the time and
site and changes nothing until its button is pressed; the answer confirms or declines the place,
the history says the volunteer answered, and the coordinators are told. Every dead link — altered,
used, withdrawn, expired — gets its own page and changes nothing."""

import re
from datetime import UTC, datetime, timedelta

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from conftest import make_user, make_volunteer
from notifications.models import Notification, NotificationKind, NotificationStatus
from notifications.services import notifications_send_due
from patrols.availability_links import make_token
from patrols.models import InvitationAnswer, PatrolKind, SlotInvitation, SlotStatus, VolunteerSlot
from patrols.services import (
    patrol_cancel,
    patrol_create_manual,
    patrol_update,
    slot_confirm,
    slot_decline,
    slot_fill,
    slot_release,
)
from people.models import VolunteerUnavailability
from sites.models import Role

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen"), pytest.mark.clock]

# Tuesday 6 January 2026, 09:00–11:00 GMT (the clock: Monday 5 January 07:00).
TUESDAY_9 = datetime(2026, 1, 6, 9, 0, tzinfo=UTC)


@pytest.fixture
def coordinator(world):
    return world.users["coordinator"]


@pytest.fixture
def patrol(world):
    return patrol_create_manual(
        site=world.objects["site_a"],
        starts_at=TUESDAY_9,
        ends_at=TUESDAY_9 + timedelta(hours=2),
        by=None,
        kind=PatrolKind.JOINT,
        volunteers_required=2,
        label="Shabbat morning",
    )


@pytest.fixture
def ari(world):
    return world.objects["volunteer_a"]  # HS-01 Ari Cohen, ari@example.org


def _slot(patrol):
    return patrol.slots.order_by("id").first()


def _ask(patrol, volunteer, coordinator):
    slot = _slot(patrol)
    slot_fill(slot=slot, volunteer=volunteer, by=coordinator)
    return slot


def _sent_links(to: str) -> dict[str, str]:
    """Send what is due, then the accept and decline paths of the last email to `to`."""
    notifications_send_due()
    message = [m for m in mail.outbox if m.to == [to]][-1]
    links = dict(re.findall(r"(/v/[\w-]+/(accept|decline)/)", message.body))
    return {answer: path for path, answer in links.items()}


def _state(slot):
    slot.refresh_from_db()
    return slot.status, slot.volunteer_id


# ---- the email ---------------------------------------------------------------------------------


def test_asking_emails_the_volunteer_the_day_and_two_links_but_not_the_time_or_site(patrol, ari, coordinator, world):
    _ask(patrol, ari, coordinator)
    queued = Notification.objects.get(kind=NotificationKind.SLOT_ASKED)
    assert queued.to_volunteer == ari and queued.status == NotificationStatus.PENDING
    links = _sent_links("ari@example.org")
    (message,) = mail.outbox
    assert "Tuesday 6 January 2026" in message.subject
    assert "Tuesday 6 January 2026" in message.body
    for secret in ("09:00", "9:00", "11:00", "Beth Test Synagogue", "Example Road", "WD6", "Shabbat morning"):
        assert secret not in message.subject + message.body
    assert set(links) == {"accept", "decline"}
    token = links["accept"].split("/")[2]
    assert links["decline"] == f"/v/{token}/decline/"
    # Only the secret's hash is kept.
    invitation = SlotInvitation.objects.get()
    assert token not in invitation.token_hash and len(invitation.token_hash) == 64
    assert Notification.objects.get(kind=NotificationKind.SLOT_ASKED).status == NotificationStatus.SENT


def test_a_volunteer_with_no_email_is_asked_without_a_link(patrol, world, coordinator):
    silent = make_volunteer(world.area_a, "HS-09", name="No Mail", email="")
    slot = _ask(patrol, silent, coordinator)
    assert _state(slot) == (SlotStatus.REQUESTED, silent.pk)
    assert not SlotInvitation.objects.exists() and not Notification.objects.exists()


def test_the_coordinators_page_shows_the_email_queued_then_sent(patrol, ari, coordinator, world):
    _ask(patrol, ari, coordinator)
    client = world.client("coordinator")
    page = client.get(reverse("patrols:joint_patrol", args=[patrol.pk])).content.decode()
    assert "Email queued" in page
    notifications_send_due()
    page = client.get(reverse("patrols:joint_patrol", args=[patrol.pk])).content.decode()
    assert "Email sent" in page


# ---- answering -----------------------------------------------------------------------------------


def test_the_accept_page_shows_time_and_site_and_a_get_changes_nothing(patrol, ari, coordinator):
    slot = _ask(patrol, ari, coordinator)
    links = _sent_links("ari@example.org")
    response = Client().get(links["accept"])
    assert response.status_code == 200
    page = response.content.decode()
    assert "Beth Test Synagogue" in page and "09:00–11:00" in page and "Yes, I will be there" in page
    assert response["Referrer-Policy"] == "same-origin"
    cache_control = {part.strip() for part in response["Cache-Control"].split(",")}
    assert {"no-store", "private"} <= cache_control
    Client().get(links["decline"])
    assert _state(slot) == (SlotStatus.REQUESTED, ari.pk)
    assert SlotInvitation.objects.get().answered_at is None


def test_the_link_pages_are_never_cached_even_without_the_middleware(patrol, ari, coordinator, world, settings):
    # They show a future patrol's time and site without a login: the view itself says no-store.
    settings.MIDDLEWARE = [name for name in settings.MIDDLEWARE if name != "config.middleware.no_store"]
    _ask(patrol, ari, coordinator)
    links = _sent_links("ari@example.org")
    token = make_token(volunteer_id=ari.pk, links_version=ari.links_version)
    for path in (links["accept"], links["decline"], f"/v/availability/{token}/", "/v/not-a-link/accept/"):
        cache_control = {part.strip() for part in Client().get(path)["Cache-Control"].split(",")}
        assert {"no-store", "private"} <= cache_control, path


def test_accepting_confirms_the_place_records_the_volunteer_and_tells_the_coordinators(patrol, ari, coordinator, world):
    second = make_user("coordinator2", role=Role.CST_COORDINATOR, area=world.area_a, email="c2@example.org")
    slot = _ask(patrol, ari, coordinator)
    links = _sent_links("ari@example.org")
    response = Client().post(links["accept"])
    assert response.status_code == 200
    assert "you are on" in response.content.decode()
    assert _state(slot) == (SlotStatus.CONFIRMED, ari.pk)
    slot.refresh_from_db()
    assert slot.confirmed_by is None
    latest = VolunteerSlot.history.filter(id=slot.pk).latest("history_date")
    assert latest.history_change_reason == "confirmed by HS-01 from their link" and latest.history_user is None
    invitation = SlotInvitation.objects.get()
    assert invitation.answer == InvitationAnswer.ACCEPTED and invitation.answered_at is not None
    told = Notification.objects.filter(kind=NotificationKind.SLOT_ANSWERED)
    assert {n.to_user for n in told} == {coordinator, second}
    notifications_send_due()
    answered = [m for m in mail.outbox if m.to == ["c2@example.org"]]
    assert len(answered) == 1
    assert "HS-01 accepted" in answered[0].subject and "Tuesday 6 January 2026" in answered[0].subject
    assert "09:00" not in answered[0].body and "Beth Test" not in answered[0].body
    assert reverse("patrols:joint_patrol", args=[patrol.pk]) in answered[0].body


def test_declining_declines_the_place_and_opens_another(patrol, ari, coordinator):
    slot = _ask(patrol, ari, coordinator)
    links = _sent_links("ari@example.org")
    response = Client().post(links["decline"])
    assert response.status_code == 200
    assert _state(slot) == (SlotStatus.DECLINED, ari.pk)
    assert patrol.slots.filter(status=SlotStatus.OPEN).count() == 2
    reason = VolunteerSlot.history.filter(id=slot.pk).latest("history_date").history_change_reason
    assert reason == "declined by HS-01 from their link"
    assert Notification.objects.filter(kind=NotificationKind.SLOT_ANSWERED).count() == 1


def test_the_answer_form_works_without_a_session_with_the_csrf_cookie(patrol, ari, coordinator):
    slot = _ask(patrol, ari, coordinator)
    links = _sent_links("ari@example.org")
    browser = Client(enforce_csrf_checks=True)
    assert browser.post(links["accept"]).status_code == 403  # no token: refused, nothing changed
    assert _state(slot) == (SlotStatus.REQUESTED, ari.pk)
    page = browser.get(links["accept"])
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode()).group(1)
    assert "sessionid" not in browser.cookies
    assert browser.post(links["accept"], {"csrfmiddlewaretoken": token}).status_code == 200
    assert _state(slot) == (SlotStatus.CONFIRMED, ari.pk)


# ---- dead links ----------------------------------------------------------------------------------


def _assert_dead(path, *, status, says, slot, expected_state):
    for method in ("get", "post"):
        response = getattr(Client(), method)(path)
        assert response.status_code == status, (method, response.content[:300])
        assert says in response.content.decode()
        assert "Nothing has been changed" in response.content.decode()
    assert _state(slot) == expected_state


def test_an_altered_link_is_not_recognised(patrol, ari, coordinator):
    slot = _ask(patrol, ari, coordinator)
    links = _sent_links("ari@example.org")
    token = links["accept"].split("/")[2]
    altered = token[:-1] + ("A" if token[-1] != "A" else "B")
    _assert_dead(
        f"/v/{altered}/accept/",
        status=404,
        says="not recognised",
        slot=slot,
        expected_state=(SlotStatus.REQUESTED, ari.pk),
    )
    assert Client().get(f"/v/{token}/maybe/").status_code == 404


def test_a_used_link_says_what_was_answered(patrol, ari, coordinator):
    slot = _ask(patrol, ari, coordinator)
    links = _sent_links("ari@example.org")
    Client().post(links["accept"])
    _assert_dead(
        links["decline"], status=410, says="you accepted it", slot=slot, expected_state=(SlotStatus.CONFIRMED, ari.pk)
    )


def test_a_link_expires_when_the_patrol_starts(patrol, ari, coordinator, frozen):
    slot = _ask(patrol, ari, coordinator)
    links = _sent_links("ari@example.org")
    frozen.move_to(TUESDAY_9)
    _assert_dead(links["accept"], status=410, says="expired", slot=slot, expected_state=(SlotStatus.REQUESTED, ari.pk))


def test_releasing_the_place_withdraws_the_link(patrol, ari, coordinator):
    slot = _ask(patrol, ari, coordinator)
    links = _sent_links("ari@example.org")
    slot_release(slot=slot, by=coordinator)
    _assert_dead(
        links["accept"],
        status=410,
        says="withdrawn: the place was released",
        slot=slot,
        expected_state=(SlotStatus.OPEN, None),
    )


def test_filling_the_place_with_someone_else_withdraws_the_first_link(patrol, ari, coordinator, world):
    dina = make_volunteer(world.area_a, "HS-02", name="Dina Levy", email="dina@example.org")
    slot = _ask(patrol, ari, coordinator)
    ari_links = _sent_links("ari@example.org")
    slot_release(slot=slot, by=coordinator)
    slot_fill(slot=slot, volunteer=dina, by=coordinator)
    _assert_dead(
        ari_links["accept"], status=410, says="withdrawn", slot=slot, expected_state=(SlotStatus.REQUESTED, dina.pk)
    )
    dina_links = _sent_links("dina@example.org")
    assert Client().post(dina_links["accept"]).status_code == 200
    assert _state(slot) == (SlotStatus.CONFIRMED, dina.pk)


def test_a_coordinator_confirming_or_declining_withdraws_the_link(patrol, ari, coordinator):
    slot = _ask(patrol, ari, coordinator)
    links = _sent_links("ari@example.org")
    slot_confirm(slot=slot, by=coordinator)
    # Told they are confirmed (not that the place went to someone else); the answer changes nothing.
    _assert_dead(
        links["decline"],
        status=410,
        says="already confirmed you for this place",
        slot=slot,
        expected_state=(SlotStatus.CONFIRMED, ari.pk),
    )
    slot_decline(slot=slot, by=coordinator)
    assert _state(slot) == (SlotStatus.DECLINED, ari.pk)


def test_a_cancelled_patrol_withdraws_the_link(patrol, ari, coordinator, world):
    slot = _ask(patrol, ari, coordinator)
    links = _sent_links("ari@example.org")
    patrol_cancel(patrol=patrol, by=world.users["inspector_a"], reason="Road closed", expected_version=None)
    _assert_dead(
        links["accept"], status=410, says="cancelled", slot=slot, expected_state=(SlotStatus.REQUESTED, ari.pk)
    )


def test_a_moved_patrol_withdraws_the_link(patrol, ari, coordinator, world):
    slot = _ask(patrol, ari, coordinator)
    links = _sent_links("ari@example.org")
    patrol_update(
        patrol=patrol,
        by=world.users["inspector_a"],
        expected_version=None,
        starts_at=TUESDAY_9 + timedelta(hours=1),
        ends_at=TUESDAY_9 + timedelta(hours=3),
    )
    _assert_dead(links["accept"], status=410, says="moved", slot=slot, expected_state=(SlotStatus.REQUESTED, ari.pk))


def test_a_patrol_no_longer_joint_withdraws_the_link(patrol, ari, coordinator, world):
    slot = _ask(patrol, ari, coordinator)
    links = _sent_links("ari@example.org")
    patrol_update(patrol=patrol, by=world.users["inspector_a"], expected_version=None, kind=PatrolKind.POLICE)
    _assert_dead(
        links["accept"],
        status=410,
        says="no longer has CST places",
        slot=slot,
        expected_state=(SlotStatus.REQUESTED, ari.pk),
    )


# ---- availability refuses an ask ------------------------------------------------------------------


def test_asking_a_volunteer_who_marked_the_day_unavailable_is_refused(patrol, ari, coordinator, world):
    VolunteerUnavailability.objects.create(volunteer=ari, on_date=TUESDAY_9.date(), note="away")
    slot = _slot(patrol)
    response = world.client("coordinator").post(reverse("patrols:slot_fill", args=[slot.pk]), {"volunteer": ari.pk})
    assert response.status_code == 422
    assert "HS-01 cannot patrol on Tue 6 Jan (away): marked unavailable." in response.content.decode()
    assert _state(slot) == (SlotStatus.OPEN, None)
    assert not Notification.objects.exists()


def test_the_patrols_history_names_the_volunteer_who_answered(patrol, ari, coordinator, world):
    _ask(patrol, ari, coordinator)
    links = _sent_links("ari@example.org")
    Client().post(links["accept"])
    history = world.client("inspector_a").get(reverse("patrol-history", args=[patrol.pk])).data
    assert {"who": "HS-01 (from their link)", "what": "HS-01 confirmed a CST place"}.items() <= history[0].items()
    page = world.client("coordinator").get(reverse("patrols:joint_patrol", args=[patrol.pk])).content.decode()
    assert "confirmed by HS-01 from their link</li>" in page


# ---- the pure rule ---------------------------------------------------------------------------------


def _facts(**changes):
    from patrols.slot_links import LinkFacts

    base = {
        "answer": "",
        "revoked_reason": "",
        "revoked": False,
        "expires_at": TUESDAY_9,
        "patrol_starts_at": TUESDAY_9,
        "patrol_scheduled": True,
        "patrol_joint": True,
        "patrol_as_asked": True,
        "slot_awaits_them": True,
        "volunteer_active": True,
    }
    return LinkFacts(**{**base, **changes})


@pytest.mark.parametrize(
    ("changes", "kind"),
    [
        ({}, None),
        ({"answer": "accepted", "revoked": True, "patrol_scheduled": False}, "used"),
        ({"revoked": True, "revoked_reason": "the place was released", "patrol_scheduled": False}, "revoked"),
        ({"patrol_scheduled": False, "expires_at": TUESDAY_9 - timedelta(days=2)}, "revoked"),
        ({"patrol_as_asked": False}, "revoked"),
        ({"volunteer_active": False}, "revoked"),
        ({"expires_at": TUESDAY_9 - timedelta(days=1)}, "expired"),
        ({"patrol_starts_at": TUESDAY_9 - timedelta(days=1), "slot_awaits_them": False}, "expired"),
        ({"slot_awaits_them": False}, "revoked"),
    ],
)
def test_which_dead_link_page_a_link_gets(changes, kind):
    from patrols.slot_links import link_problem

    now = TUESDAY_9 - timedelta(hours=12)
    problem = link_problem(_facts(**changes), now=now)
    assert (problem.kind if problem else None) == kind


def test_the_admin_lists_links_without_their_secret(patrol, ari, coordinator, world):
    _ask(patrol, ari, coordinator)
    invitation = SlotInvitation.objects.get()
    client = world.client("admin")
    listing = client.get(reverse("admin:patrols_slotinvitation_changelist"))
    detail = client.get(reverse("admin:patrols_slotinvitation_change", args=[invitation.pk]))
    assert listing.status_code == 200 and detail.status_code == 200
    assert invitation.token_hash not in listing.content.decode() + detail.content.decode()
    assert client.get(reverse("admin:patrols_slotinvitation_add")).status_code == 403


def test_an_ask_on_friday_night_waits_for_havdalah_and_the_page_says_so(world, ari, coordinator, frozen):
    # Friday 9 January 2026, 19:00 GMT: Shabbat has begun in London; a patrol on Saturday night.
    frozen.move_to(datetime(2026, 1, 9, 19, 0, tzinfo=UTC))
    saturday_night = patrol_create_manual(
        site=world.objects["site_a"],
        starts_at=datetime(2026, 1, 10, 20, 0, tzinfo=UTC),
        ends_at=datetime(2026, 1, 10, 22, 0, tzinfo=UTC),
        by=None,
        kind=PatrolKind.JOINT,
        volunteers_required=1,
    )
    _ask(saturday_night, ari, coordinator)
    queued = Notification.objects.get(kind=NotificationKind.SLOT_ASKED)
    assert queued.status == NotificationStatus.HELD
    notifications_send_due()
    assert mail.outbox == []
    page = world.client("coordinator").get(reverse("patrols:joint_patrol", args=[saturday_night.pk]))
    assert "Email held for Shabbat until Sat 10 Jan" in page.content.decode()
    frozen.move_to(queued.not_before + timedelta(minutes=1))
    notifications_send_due()
    assert [m.to for m in mail.outbox] == [["ari@example.org"]]


# ---- the volunteer changes: every link sent to them so far is withdrawn ---------------------------


def _new_email(world, volunteer):
    """The coordinator gives the volunteer a new email address on their page."""
    response = world.client("coordinator").post(
        reverse("people:volunteer_edit", args=[volunteer.pk]),
        {
            "call_sign": volunteer.call_sign,
            "name": volunteer.name,
            "phone": volunteer.phone,
            "email": "ari.new@example.org",
            "card_expires": volunteer.card_expires.isoformat(),
        },
    )
    assert response.status_code == 302


def _new_email_by_api(world, volunteer):
    url = reverse("volunteer-detail", args=[volunteer.pk])
    response = world.client("coordinator").patch(url, {"email": "ari.new@example.org"}, format="json")
    assert response.status_code == 200


def _deactivated_and_reactivated(world, volunteer):
    url = reverse("people:volunteer_active", args=[volunteer.pk])
    for active in ("0", "1"):
        assert world.client("coordinator").post(url, {"active": active}).status_code == 302


def _deactivated_and_reactivated_by_api(world, volunteer):
    url = reverse("volunteer-detail", args=[volunteer.pk])
    for active in (False, True):
        assert world.client("coordinator").patch(url, {"active": active}, format="json").status_code == 200


def _links_withdrawn(world, volunteer):
    response = world.client("coordinator").post(reverse("people:volunteer_links_revoke", args=[volunteer.pk]))
    assert response.status_code == 302


def _new_email_in_admin(world, volunteer):
    response = world.client("admin").post(
        reverse("admin:people_volunteer_change", args=[volunteer.pk]),
        {
            "call_sign": volunteer.call_sign,
            "name": volunteer.name,
            "phone": volunteer.phone,
            "email": "ari.new@example.org",
            "card_expires": volunteer.card_expires.isoformat(),
            "active": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]


@pytest.mark.parametrize(
    "change",
    [
        _new_email,
        _new_email_by_api,
        _deactivated_and_reactivated,
        _deactivated_and_reactivated_by_api,
        _links_withdrawn,
        _new_email_in_admin,
    ],
)
def test_a_link_sent_before_the_volunteer_changed_no_longer_works(patrol, ari, coordinator, world, change):
    slot = _ask(patrol, ari, coordinator)
    links = _sent_links("ari@example.org")
    version = ari.links_version
    change(world, ari)
    ari.refresh_from_db()
    assert ari.active and ari.links_version == version + 1
    _assert_dead(
        links["accept"], status=410, says="withdrawn", slot=slot, expected_state=(SlotStatus.REQUESTED, ari.pk)
    )
    _assert_dead(
        links["decline"], status=410, says="withdrawn", slot=slot, expected_state=(SlotStatus.REQUESTED, ari.pk)
    )
    invitation = SlotInvitation.objects.get()
    assert invitation.revoked_at is not None and invitation.answered_at is None
    assert "your CST coordinator has withdrawn the links" in Client().get(links["accept"]).content.decode()


def test_an_edit_that_keeps_the_email_keeps_the_link(patrol, ari, coordinator, world):
    _ask(patrol, ari, coordinator)
    links = _sent_links("ari@example.org")
    url = reverse("volunteer-detail", args=[ari.pk])
    assert world.client("coordinator").patch(url, {"name": "Ari Cohn"}, format="json").status_code == 200
    assert Client().get(links["accept"]).status_code == 200
    assert SlotInvitation.objects.get().revoked_at is None


def test_withdrawing_links_leaves_answered_links_and_other_volunteers_alone(patrol, ari, coordinator, world):
    dina = make_volunteer(world.area_a, "HS-02", name="Dina Levy", email="dina@example.org")
    slots = list(patrol.slots.order_by("id"))
    slot_fill(slot=slots[0], volunteer=ari, by=coordinator)
    slot_fill(slot=slots[1], volunteer=dina, by=coordinator)
    dina_links = _sent_links("dina@example.org")
    ari_links = _sent_links("ari@example.org")
    assert Client().post(ari_links["accept"]).status_code == 200
    _links_withdrawn(world, ari)
    answered = SlotInvitation.objects.get(volunteer=ari)
    assert answered.revoked_at is None and answered.answer == InvitationAnswer.ACCEPTED
    assert Client().get(dina_links["accept"]).status_code == 200
