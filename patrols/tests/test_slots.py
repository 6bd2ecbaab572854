"""CST places on joint patrols: a coordinator fills, confirms, declines and releases them; every
refusal saves nothing; the page and the API show each role what §6 allows, in constant queries."""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from calendar_rules.services import rule_update
from conftest import make_site, make_volunteer
from patrols.models import Patrol, PatrolKind, RunTrigger, SlotStatus, VolunteerSlot
from patrols.services import (
    assignment_create,
    patrol_cancel,
    patrol_create_manual,
    rota_sync,
    slot_confirm,
    slot_decline,
    slot_fill,
    slot_release,
)

from .conftest import NOW, TODAY, shabbat_rule

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen"), pytest.mark.clock]

TOMORROW_9 = datetime(2026, 1, 6, 9, 0, tzinfo=UTC)
HOUR = timedelta(hours=1)


def _joint(site, starts_at=TOMORROW_9, hours=2, places=2, **fields):
    return patrol_create_manual(
        site=site,
        starts_at=starts_at,
        ends_at=starts_at + hours * HOUR,
        by=None,
        kind=PatrolKind.JOINT,
        volunteers_required=places,
        **fields,
    )


def _slots(patrol):
    return list(patrol.slots.order_by("id"))


def _state(patrol):
    """Every slot of the patrol as (status, volunteer id, confirmed by id), and the history rows."""
    slots = [(s.status, s.volunteer_id, s.confirmed_by_id) for s in patrol.slots.order_by("id")]
    return slots, VolunteerSlot.history.filter(patrol_id=patrol.pk).count()


@pytest.fixture
def coordinator(world):
    return world.users["coordinator"]


@pytest.fixture
def patrol(world):
    """Tomorrow 09:00–11:00 at the area A synagogue, a joint patrol with two CST places."""
    return _joint(world.objects["site_a"], label="Shabbat morning")


@pytest.fixture
def ari(world):
    return world.objects["volunteer_a"]  # HS-01 Ari Cohen, card to 2030


@pytest.fixture
def dina(world):
    return make_volunteer(world.area_a, "HS-02", name="Dina Levy", phone="07700 900002")


# ---- the services ------------------------------------------------------------------------------


def test_fill_confirm_decline_fill_another_and_release(patrol, ari, dina, coordinator, stopped_clock):
    first, second = _slots(patrol)

    slot_fill(slot=first, volunteer=ari, by=coordinator)
    first.refresh_from_db()
    assert (first.status, first.volunteer_id) == (SlotStatus.REQUESTED, ari.pk)

    slot_confirm(slot=first, by=coordinator)
    first.refresh_from_db()
    assert (first.status, first.confirmed_by, first.confirmed_at) == (SlotStatus.CONFIRMED, coordinator, NOW)

    # Ari cannot come: the place is declined (Ari kept on record) and the patrol gets an open one.
    slot_decline(slot=first, by=coordinator)
    first.refresh_from_db()
    assert (first.status, first.volunteer_id, first.confirmed_by, first.confirmed_at) == (
        SlotStatus.DECLINED,
        ari.pk,
        None,
        None,
    )
    assert [s.status for s in _slots(patrol)] == [SlotStatus.DECLINED, SlotStatus.OPEN, SlotStatus.OPEN]

    # The declined place asked of Dina instead: it holds a place again, the extra open one goes.
    slot_fill(slot=first, volunteer=dina, by=coordinator)
    assert [(s.status, s.volunteer_id) for s in _slots(patrol)] == [
        (SlotStatus.REQUESTED, dina.pk),
        (SlotStatus.OPEN, None),
    ]

    slot_release(slot=first, by=coordinator)
    assert [(s.pk, s.status, s.volunteer_id) for s in _slots(patrol)] == [
        (first.pk, SlotStatus.OPEN, None),
        (second.pk, SlotStatus.OPEN, None),
    ]


def test_releasing_a_declined_place_keeps_the_patrols_number_of_places(patrol, ari, coordinator):
    first, _ = _slots(patrol)
    slot_fill(slot=first, volunteer=ari, by=coordinator)
    slot_decline(slot=first, by=coordinator)
    assert [s.status for s in _slots(patrol)] == [SlotStatus.DECLINED, SlotStatus.OPEN, SlotStatus.OPEN]
    slot_release(slot=first, by=coordinator)
    assert [s.status for s in _slots(patrol)] == [SlotStatus.OPEN, SlotStatus.OPEN]
    assert first.pk in {s.pk for s in _slots(patrol)}


def test_history_rows_name_the_coordinator_and_what_was_done(patrol, ari, coordinator):
    first, _ = _slots(patrol)
    slot_fill(slot=first, volunteer=ari, by=coordinator)
    slot_confirm(slot=first, by=coordinator)
    slot_decline(slot=first, by=coordinator)

    rows = list(first.history.order_by("history_date", "history_id")[1:])  # after "place added"
    assert [(row.history_user, row.history_change_reason, row.status) for row in rows] == [
        (coordinator, "requested HS-01 Ari Cohen", SlotStatus.REQUESTED),
        (coordinator, "confirmed HS-01 Ari Cohen", SlotStatus.CONFIRMED),
        (coordinator, "declined by HS-01 Ari Cohen", SlotStatus.DECLINED),
    ]


def _refusal_cases():
    def other_area(world, patrol, ari, coordinator):
        return make_volunteer(world.area_b, "HB-01", name="Eli Gold"), "HB-01 Eli Gold is not a volunteer of Area A."

    def inactive(world, patrol, ari, coordinator):
        return make_volunteer(world.area_a, "HS-05", name="Sam Roth", active=False), "HS-05 Sam Roth is not active."

    def card_expired(world, patrol, ari, coordinator):
        expired = make_volunteer(world.area_a, "HS-03", name="Ben Stern", card_expires=date(2025, 12, 1))
        return expired, "HS-03's CST card expired on 1 Dec 2025."

    def card_expires_before_the_patrol(world, patrol, ari, coordinator):
        # The card is still valid today (5 Jan) but not on the patrol's day (6 Jan).
        expiring = make_volunteer(world.area_a, "HS-04", name="Ruth Adler", card_expires=date(2026, 1, 5))
        return expiring, "HS-04's CST card expires on 5 Jan 2026, before this patrol."

    def already_on_this_patrol(world, patrol, ari, coordinator):
        slot_fill(slot=_slots(patrol)[1], volunteer=ari, by=coordinator)
        return ari, "HS-01 Ari Cohen is already on this patrol."

    def declined_this_patrol(world, patrol, ari, coordinator):
        declined = _slots(patrol)[1]
        slot_fill(slot=declined, volunteer=ari, by=coordinator)
        slot_decline(slot=declined, by=coordinator)
        return ari, "HS-01 Ari Cohen declined this patrol; to ask them again, fill their declined place."

    def on_an_overlapping_patrol(world, patrol, ari, coordinator):
        school = make_site(world.area_a, name="Hertsmere Jewish Primary")
        other = _joint(school, starts_at=TOMORROW_9 - HOUR, hours=1.5, places=1)
        slot_fill(slot=other.slots.get(), volunteer=ari, by=coordinator)
        return ari, (
            "HS-01 Ari Cohen is already on a patrol at Hertsmere Jewish Primary on Tue 6 Jan 08:00–09:30, "
            "which overlaps this one."
        )

    def patrol_cancelled(world, patrol, ari, coordinator):
        patrol_cancel(patrol=patrol, by=None, reason="Site closed", expected_version=None)
        return ari, "This patrol is cancelled; only a scheduled patrol's places can be filled."

    def patrol_started(world, patrol, ari, coordinator):
        world.clock.move_to(TOMORROW_9 + HOUR / 2)
        return ari, "This patrol has started; its CST places can no longer change."

    def place_taken(world, patrol, ari, coordinator):
        slot_fill(slot=_slots(patrol)[0], volunteer=make_volunteer(world.area_a, "HS-09", name="Noa Katz"), by=None)
        return ari, "This place is already requested for HS-09 Noa Katz; release it first."

    return [
        other_area,
        inactive,
        card_expired,
        card_expires_before_the_patrol,
        already_on_this_patrol,
        declined_this_patrol,
        on_an_overlapping_patrol,
        patrol_cancelled,
        patrol_started,
        place_taken,
    ]


@pytest.mark.parametrize("case", _refusal_cases(), ids=lambda case: case.__name__)
def test_each_refused_fill_names_why_and_saves_nothing(world, patrol, ari, coordinator, case, stopped_clock):
    world.clock = stopped_clock
    volunteer, message = case(world, patrol, ari, coordinator)
    patrol.refresh_from_db()
    before = _state(patrol)

    with pytest.raises(ValidationError) as refused:
        slot_fill(slot=_slots(patrol)[0], volunteer=volunteer, by=coordinator)

    assert refused.value.messages == [message]
    assert _state(patrol) == before


def test_a_volunteer_back_to_back_with_another_patrol_is_not_an_overlap(world, patrol, ari, coordinator):
    earlier = _joint(make_site(world.area_a, name="Yavneh College"), starts_at=TOMORROW_9 - 2 * HOUR, places=1)
    slot_fill(slot=earlier.slots.get(), volunteer=ari, by=coordinator)
    slot_fill(slot=_slots(patrol)[0], volunteer=ari, by=coordinator)  # 07:00–09:00 then 09:00–11:00

    assert _state(earlier)[0] == [(SlotStatus.REQUESTED, ari.pk, None)]
    assert _state(patrol)[0][0] == (SlotStatus.REQUESTED, ari.pk, None)


def test_the_joint_page_offers_volunteers_free_at_that_time_and_marks_the_others(world, patrol, ari, dina, coordinator):
    overlapping = _joint(make_site(world.area_a, name="Yavneh College"), starts_at=TOMORROW_9 + HOUR, places=1)
    back_to_back = _joint(make_site(world.area_a, name="Kerem House"), starts_at=TOMORROW_9 - 2 * HOUR, places=1)
    slot_fill(slot=overlapping.slots.get(), volunteer=ari, by=coordinator)
    slot_fill(slot=back_to_back.slots.get(), volunteer=dina, by=coordinator)

    page = world.client("coordinator").get(reverse("patrols:joint_patrol", args=[patrol.pk])).content.decode()

    # Ari is asked for 10:00–12:00 elsewhere, which slot_fill would refuse here; Dina's 07:00–09:00
    # ends as this one starts, so she is offered; Ari is shown, marked, and cannot be chosen.
    assert f'<option value="{dina.pk}">{dina.call_sign} {dina.name} — 0 duties in the last 8 weeks</option>' in page
    assert (
        f'<option value="{ari.pk}" disabled>{ari.call_sign} {ari.name} — On a patrol at Yavneh College 10:00–12:00'
        "</option>"
    ) in page


def test_a_declined_volunteer_elsewhere_is_free_again(world, patrol, ari, coordinator):
    other = _joint(make_site(world.area_a, name="Yavneh College"), places=1)
    elsewhere = other.slots.get()
    slot_fill(slot=elsewhere, volunteer=ari, by=coordinator)
    slot_decline(slot=elsewhere, by=coordinator)
    slot_fill(slot=_slots(patrol)[0], volunteer=ari, by=coordinator)

    assert _state(patrol)[0][0] == (SlotStatus.REQUESTED, ari.pk, None)


@pytest.mark.parametrize(
    ("service", "status", "message"),
    [
        (slot_confirm, SlotStatus.OPEN, "Only a requested place can be confirmed; this one is open."),
        (slot_confirm, SlotStatus.CONFIRMED, "Only a requested place can be confirmed; this one is confirmed."),
        (slot_decline, SlotStatus.OPEN, "Only a requested or confirmed place can be declined; this one is open."),
        (slot_release, SlotStatus.OPEN, "This place is already open."),
    ],
)
def test_an_action_the_place_is_not_ready_for_is_refused_and_saves_nothing(
    patrol, ari, coordinator, service, status, message
):
    slot = _slots(patrol)[0]
    if status != SlotStatus.OPEN:
        slot_fill(slot=slot, volunteer=ari, by=coordinator)
        slot_confirm(slot=slot, by=coordinator)
    before = _state(patrol)
    with pytest.raises(ValidationError) as refused:
        service(slot=slot, by=coordinator)
    assert refused.value.messages == [message]
    assert _state(patrol) == before


def test_confirming_a_volunteer_deactivated_since_they_were_asked_is_refused(patrol, ari, coordinator):
    slot = _slots(patrol)[0]
    slot_fill(slot=slot, volunteer=ari, by=coordinator)
    type(ari).objects.filter(pk=ari.pk).update(active=False)
    with pytest.raises(ValidationError, match="is not active"):
        slot_confirm(slot=slot, by=coordinator)
    slot.refresh_from_db()
    assert slot.status == SlotStatus.REQUESTED


def test_a_filled_place_holds_the_patrol_when_its_rule_changes(world, ari, coordinator):
    area, site = world.area_a, world.objects["site_a"]
    other_site = make_site(area, name="Borehamwood Shul")
    rule = shabbat_rule(area, [site, other_site])
    rota_sync(area=area, trigger=RunTrigger.COMMAND, now=NOW, start=TODAY, end=TODAY + timedelta(days=6))
    held = Patrol.objects.get(rule=rule, site=site)
    slot_fill(slot=held.slots.order_by("id").first(), volunteer=ari, by=coordinator)
    rule_update(rule=rule, by=None, expected_version=rule.version, start_time=time(10, 30))

    run = rota_sync(area=area, trigger=RunTrigger.COMMAND, now=NOW, start=TODAY, end=TODAY + timedelta(days=6))

    assert (run.held, run.updated) == (1, 1)
    held.refresh_from_db()
    assert held.starts_at.time() == time(9, 0)
    assert Patrol.objects.get(rule=rule, site=other_site).starts_at.time() == time(10, 30)


# ---- the pages ---------------------------------------------------------------------------------


def _page(world, patrol, persona="coordinator"):
    return world.client(persona).get(reverse("patrols:joint_patrol", args=[patrol.pk]))


def test_the_joint_page_links_each_patrol_to_its_places_and_its_counts_follow_them(world, patrol, ari, dina):
    client = world.client("coordinator")
    joint = client.get(reverse("patrols:joint")).content.decode()
    assert reverse("patrols:joint_patrol", args=[patrol.pk]) in joint
    assert "0 of 2 confirmed" in joint and "2 open" in joint

    first, second = _slots(patrol)
    assert client.post(reverse("patrols:slot_fill", args=[first.pk]), {"volunteer": ari.pk}).status_code == 302
    assert client.post(reverse("patrols:slot_fill", args=[second.pk]), {"volunteer": dina.pk}).status_code == 302
    assert client.post(reverse("patrols:slot_confirm", args=[first.pk])).status_code == 302

    joint = client.get(reverse("patrols:joint")).content.decode()
    assert "1 of 2 confirmed, 1 asked" in joint and " open</span>" not in joint and "all filled" in joint


def test_the_patrol_page_shows_the_places_with_volunteers_phones_and_local_times(world, ari, coordinator):
    summer = datetime(2026, 6, 6, 8, 0, tzinfo=UTC)  # 09:00 in London (BST)
    patrol = _joint(world.objects["site_a"], starts_at=summer, label="Shabbat morning")
    first, _ = _slots(patrol)
    slot_fill(slot=first, volunteer=ari, by=coordinator)
    slot_confirm(slot=first, by=coordinator)

    html = _page(world, patrol).content.decode()

    assert "Sat 6 Jun 09:00–11:00" in html and "Beth Test Synagogue" in html and "Shabbat morning" in html
    assert "HS-01</strong> Ari Cohen" in html and 'href="tel:07700 900001"' in html
    assert "Confirmed by coordinator on 5 Jan 07:00" in html
    assert "1 of 2 confirmed · 1 open" in html
    assert html.count('name="volunteer"') == 1  # only the open place can be filled


def test_filling_a_place_with_htmx_swaps_the_places_in(world, patrol, ari):
    slot = _slots(patrol)[0]
    response = world.client("coordinator").post(
        reverse("patrols:slot_fill", args=[slot.pk]), {"volunteer": ari.pk}, HTTP_HX_REQUEST="true"
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="slots"' in html and "<html" not in html
    assert "HS-01 Ari Cohen asked." in html and "0 of 2 confirmed · 1 requested · 1 open" in html
    assert reverse("patrols:slot_confirm", args=[slot.pk]) in html


def test_a_refused_fill_is_shown_next_to_the_place_and_changes_nothing(world, patrol):
    expired = make_volunteer(world.area_a, "HS-03", name="Ben Stern", card_expires=date(2025, 12, 1))
    slot = _slots(patrol)[0]
    before = _state(patrol)
    url = reverse("patrols:slot_fill", args=[slot.pk])
    client = world.client("coordinator")

    with_htmx = client.post(url, {"volunteer": expired.pk}, HTTP_HX_REQUEST="true")
    without = client.post(url, {"volunteer": expired.pk})
    nobody = client.post(url, {"volunteer": ""})

    assert with_htmx.status_code == 200 and without.status_code == 422 and nobody.status_code == 422
    for response in (with_htmx, without):
        html = response.content.decode()
        assert '<p class="error" role="alert">HS-03&#x27;s CST card expired on 1 Dec 2025.</p>' in html
        # Next to its place: inside that place's card, before the next one.
        assert (
            html.index(f'id="slot-{slot.pk}"')
            < html.index("expired on")
            < html.index('id="slot-', html.index("expired on"))
        )
    assert "Choose a volunteer to ask." in nobody.content.decode()
    assert _state(patrol) == before


def test_the_volunteer_list_offers_those_who_can_patrol_that_day_and_marks_an_expired_card(
    world, patrol, ari, dina, coordinator
):
    make_volunteer(world.area_a, "HS-03", name="Ben Stern", card_expires=date(2025, 12, 1))
    make_volunteer(world.area_a, "HS-05", name="Sam Roth", active=False)
    make_volunteer(world.area_b, "HB-01", name="Eli Gold")
    slot_fill(slot=_slots(patrol)[0], volunteer=ari, by=coordinator)

    html = _page(world, patrol).content.decode()

    assert f'<option value="{dina.pk}">HS-02 Dina Levy — 0 duties in the last 8 weeks</option>' in html
    assert "disabled>HS-03 Ben Stern — CST card expired 1 Dec 2025</option>" in html
    for absent in ("HS-01 Ari Cohen —", "Sam Roth", "Eli Gold"):
        assert absent not in html


def test_a_volunteer_of_another_area_cannot_be_named_by_id(world, patrol):
    outsider = make_volunteer(world.area_b, "HB-01", name="Eli Gold")
    response = world.client("coordinator").post(
        reverse("patrols:slot_fill", args=[_slots(patrol)[0].pk]), {"volunteer": outsider.pk}
    )
    html = response.content.decode()
    assert response.status_code == 422 and "Choose a volunteer to ask." in html and "Eli Gold" not in html


def test_a_police_patrol_has_no_places_page(world):
    police = patrol_create_manual(
        site=world.objects["site_a"], starts_at=TOMORROW_9, ends_at=TOMORROW_9 + HOUR, by=None
    )
    assert _page(world, police).status_code == 404


def test_officers_see_confirmed_partners_on_my_day(world, ari, dina, coordinator):
    evening = datetime(2026, 1, 5, 18, 0, tzinfo=UTC)
    patrol = _joint(world.objects["site_a"], starts_at=evening)
    assignment_create(patrol=patrol, officer=world.users["officer"].officer, by=None)
    first, second = _slots(patrol)
    slot_fill(slot=first, volunteer=ari, by=coordinator)
    slot_confirm(slot=first, by=coordinator)
    slot_fill(slot=second, volunteer=dina, by=coordinator)
    slot_decline(slot=second, by=coordinator)

    html = world.client("officer").get(reverse("patrols:my_day")).content.decode()

    # Ari confirmed (no "requested" badge); a declined volunteer is no partner.
    partners = html[html.index("<dt>CST</dt><dd>") : html.index("</dd>", html.index("<dt>CST</dt>"))]
    assert partners.removeprefix("<dt>CST</dt><dd>").strip() == "HS-01 Ari Cohen"
    assert "07700" not in html


def _crowd(world, count):
    """`count` more volunteers of area A, HQ-00 onwards."""
    return [make_volunteer(world.area_a, f"HQ-{number:02d}", name=f"Volunteer {number}") for number in range(count)]


def test_the_patrol_page_queries_do_not_grow_with_places(world, coordinator, django_assert_num_queries):
    small = _joint(world.objects["site_a"], places=2)
    large = _joint(make_site(world.area_a, name="Yavneh College"), places=8)
    for slot, volunteer in zip(_slots(large), _crowd(world, 8), strict=True):
        slot_fill(slot=slot, volunteer=volunteer, by=coordinator)
        slot_confirm(slot=slot, by=coordinator)
    client = world.client("coordinator")
    client.get(reverse("patrols:joint"))  # warm the session
    # session, user with memberships, patrol, slots, the asks' links and emails, volunteers to ask (with
    # their recent duties), their unavailable dates, their bookings, history, the view record (audit)
    with django_assert_num_queries(10):
        client.get(reverse("patrols:joint_patrol", args=[small.pk]))
    with django_assert_num_queries(10):
        html = client.get(reverse("patrols:joint_patrol", args=[large.pk])).content.decode()
    assert html.count('class="card slot"') == 8 and "8 of 8 confirmed" in html


# ---- the API -----------------------------------------------------------------------------------


@pytest.fixture
def filled(world, patrol, ari, dina, coordinator):
    """Area A's joint patrol (the officer on it): Ari confirmed, Dina asked; and an area B one."""
    assignment_create(patrol=patrol, officer=world.users["officer"].officer, by=None)
    first, second = _slots(patrol)
    slot_fill(slot=first, volunteer=ari, by=coordinator)
    slot_confirm(slot=first, by=coordinator)
    slot_fill(slot=second, volunteer=dina, by=coordinator)
    other = _joint(make_site(world.area_a, name="Yavneh College"), places=1)  # the officer is not on it
    _joint(world.objects["site_b"], places=1)
    return {"patrol": patrol, "first": first, "second": second, "other": other}


def _rows(response):
    return {row["id"]: row for row in response.json()["results"]}


def test_each_role_lists_the_slots_its_job_needs_with_contact_only_for_coordinators(world, filled):
    url = reverse("slot-list")
    area_a = set(VolunteerSlot.objects.filter(patrol__area=world.area_a).values_list("pk", flat=True))

    coordinator = _rows(world.client("coordinator").get(url))
    inspector = _rows(world.client("inspector_a").get(url))
    officer = _rows(world.client("officer").get(url))

    assert set(coordinator) == set(inspector) == area_a
    assert set(officer) == {filled["first"].pk, filled["second"].pk}
    assert coordinator[filled["first"].pk]["volunteer"] == {
        "id": world.objects["volunteer_a"].pk,
        "call_sign": "HS-01",
        "name": "Ari Cohen",
        "phone": "07700 900001",
        "email": "ari@example.org",
    }
    assert coordinator[filled["first"].pk]["confirmed_by"] == "coordinator"
    for rows in (inspector, officer):
        assert rows[filled["first"].pk]["volunteer"] == {
            "id": world.objects["volunteer_a"].pk,
            "call_sign": "HS-01",
            "name": "Ari Cohen",
        }
    assert len(_rows(world.client("admin").get(url))) == VolunteerSlot.objects.count()


def test_slots_filter_by_patrol_and_status(world, filled):
    client = world.client("coordinator")
    by_patrol = _rows(client.get(reverse("slot-list"), {"patrol": filled["patrol"].pk}))
    requested = _rows(client.get(reverse("slot-list"), {"status": "requested"}))
    assert set(by_patrol) == {filled["first"].pk, filled["second"].pk}
    assert set(requested) == {filled["second"].pk}
    assert client.get(reverse("slot-list"), {"status": "maybe"}).status_code == 400


def test_a_coordinator_fills_confirms_declines_and_releases_through_the_api(world, filled, coordinator):
    client = world.client("coordinator")
    slot = filled["other"].slots.get()
    ben = make_volunteer(world.area_a, "HS-07", name="Ben Stern")

    filled_response = client.post(reverse("slot-fill", args=[slot.pk]), {"volunteer": ben.pk}, format="json")
    confirmed = client.post(reverse("slot-confirm", args=[slot.pk]), format="json")
    declined = client.post(reverse("slot-decline", args=[slot.pk]), format="json")
    released = client.post(reverse("slot-release", args=[slot.pk]), format="json")

    assert filled_response.status_code == 200 and filled_response.json()["status"] == "requested"
    assert filled_response.json()["volunteer"]["call_sign"] == "HS-07"
    assert confirmed.json()["status"] == "confirmed" and confirmed.json()["confirmed_by"] == "coordinator"
    assert declined.json()["status"] == "declined" and declined.json()["volunteer"]["call_sign"] == "HS-07"
    assert released.json() == {**released.json(), "status": "open", "volunteer": None, "confirmed_by": None}
    reasons = list(slot.history.order_by("history_date", "history_id").values_list("history_user", flat=True))
    assert reasons[1:] == [coordinator.pk] * 4


def test_a_refused_api_fill_is_400_naming_the_field_and_saves_nothing(world, filled):
    client = world.client("coordinator")
    slot = filled["other"].slots.get()
    before = _state(filled["other"])
    outsider = make_volunteer(world.area_b, "HB-01", name="Eli Gold")

    overlapping = client.post(
        reverse("slot-fill", args=[slot.pk]), {"volunteer": world.objects["volunteer_a"].pk}, format="json"
    )
    elsewhere = client.post(reverse("slot-fill", args=[slot.pk]), {"volunteer": outsider.pk}, format="json")
    missing = client.post(reverse("slot-fill", args=[slot.pk]), {}, format="json")
    not_requested = client.post(reverse("slot-confirm", args=[slot.pk]), format="json")

    assert overlapping.status_code == 400
    assert overlapping.json() == {
        "volunteer": [
            "HS-01 Ari Cohen is already on a patrol at Beth Test Synagogue on Tue 6 Jan 09:00–11:00, "
            "which overlaps this one."
        ]
    }
    assert elsewhere.status_code == 400 and "Eli Gold" not in elsewhere.content.decode()
    assert list(elsewhere.json()) == ["volunteer"] and list(missing.json()) == ["volunteer"]
    assert not_requested.json() == {"non_field_errors": ["Only a requested place can be confirmed; this one is open."]}
    assert _state(filled["other"]) == before


def test_the_slots_api_list_queries_do_not_grow_with_slots(world, filled, coordinator, django_assert_num_queries):
    client = world.client("coordinator")
    url = reverse("slot-list")
    client.get(url)  # warm the session
    # session, user, memberships, slots (with patrol, volunteer and who confirmed); no count
    with django_assert_num_queries(3):
        assert len(client.get(url).json()["results"]) == 3
    big = _joint(make_site(world.area_a, name="Immanuel College"), starts_at=TOMORROW_9 + 5 * HOUR, places=6)
    for slot, volunteer in zip(_slots(big), _crowd(world, 6), strict=True):
        slot_fill(slot=slot, volunteer=volunteer, by=coordinator)
        slot_confirm(slot=slot, by=coordinator)
    with django_assert_num_queries(3):
        response = client.get(url)
    assert len(response.json()["results"]) == 3 + 6


def test_a_patrol_held_through_a_rule_change_follows_the_rule_once_its_place_is_released(world, ari, coordinator):
    area, site = world.area_a, world.objects["site_a"]
    rule = shabbat_rule(area, [site])
    window = {"trigger": RunTrigger.COMMAND, "now": NOW, "start": TODAY, "end": TODAY + timedelta(days=6)}
    rota_sync(area=area, **window)
    patrol = Patrol.objects.get(rule=rule, site=site)
    slot = patrol.slots.order_by("id").first()
    slot_fill(slot=slot, volunteer=ari, by=coordinator)
    rule_update(rule=rule, by=None, expected_version=rule.version, start_time=time(10, 30))
    assert rota_sync(area=area, **window).held == 1
    slot.refresh_from_db()
    slot_release(slot=slot, by=coordinator)

    # The rule itself has not changed since: only the ended hold can bring the patrol in step.
    run = rota_sync(area=area, **window)

    assert (run.held, run.updated) == (0, 1)
    patrol.refresh_from_db()
    assert patrol.starts_at.astimezone(ZoneInfo("Europe/London")).time() == time(10, 30)
