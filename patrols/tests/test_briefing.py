"""A joint patrol's briefing point and time and CST team leader: set by the area's inspector (in
the patrol dialog) or a CST coordinator (on the joint patrol page), read by officers on My day;
and the inspector's view of check-ins, flagged when made far from the site."""

import uuid
from datetime import UTC, datetime, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from conftest import make_volunteer
from patrols.models import Patrol, PatrolKind
from patrols.services import (
    assignment_create,
    patrol_create_manual,
    patrol_set_briefing,
    slot_confirm,
    slot_decline,
    slot_fill,
    visit_check_in,
    visit_check_out,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]

SATURDAY_9 = datetime(2026, 1, 10, 9, 0, tzinfo=UTC)  # GMT: local 09:00
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def joint(world):
    patrol = patrol_create_manual(
        site=world.objects["site_a"],
        starts_at=SATURDAY_9,
        ends_at=SATURDAY_9 + timedelta(hours=3),
        by=None,
        kind=PatrolKind.JOINT,
        volunteers_required=2,
    )
    first, second = patrol.slots.order_by("id")
    slot_fill(slot=first, volunteer=world.objects["volunteer_a"], by=None)
    slot_confirm(slot=first, by=None)
    slot_fill(slot=second, volunteer=make_volunteer(world.area_a, "HS-02", name="Dina Levy"), by=None)
    patrol.refresh_from_db()
    return patrol


def _state(patrol):
    patrol.refresh_from_db()
    return patrol.briefing_point, patrol.briefing_at, patrol.cst_team_leader_id, patrol.version


def test_setting_the_briefing_pins_the_patrol_and_records_it(world, joint):
    leader = world.objects["volunteer_a"]
    patrol_set_briefing(
        patrol=joint,
        by=world.users["coordinator"],
        briefing_point=" Car park, Brook Road ",
        briefing_at=SATURDAY_9 - timedelta(minutes=15),
        cst_team_leader=leader,
        expected_version=joint.version,
    )
    joint.refresh_from_db()
    assert (joint.briefing_point, joint.briefing_at, joint.cst_team_leader) == (
        "Car park, Brook Road",
        SATURDAY_9 - timedelta(minutes=15),
        leader,
    )
    assert joint.pinned
    record = joint.history.order_by("-history_id").first()
    assert record.history_change_reason == "briefing: 08:45 at Car park, Brook Road; HS-01"
    assert record.history_user == world.users["coordinator"]


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"cst_team_leader": "asked"}, "HS-02 Dina Levy is not confirmed on this patrol."),
        ({"briefing_at": SATURDAY_9 + timedelta(minutes=1)}, "The briefing must be before the patrol starts (09:00)."),
        ({"briefing_at": SATURDAY_9 - timedelta(hours=13)}, "at most 12 hours before the patrol"),
        ({"expected_version": 999}, "Someone else changed this patrol"),
    ],
)
def test_briefing_refusals_change_nothing(world, joint, fields, message):
    if fields.get("cst_team_leader") == "asked":
        fields["cst_team_leader"] = joint.slots.get(status="requested").volunteer
    before = _state(joint)
    arguments = {
        "patrol": joint,
        "by": None,
        "briefing_point": "Gate",
        "briefing_at": None,
        "cst_team_leader": None,
        "expected_version": joint.version,
        **fields,
    }
    with pytest.raises(ValidationError) as refused:
        patrol_set_briefing(**arguments)
    assert message in " ".join(refused.value.messages)
    assert _state(joint) == before


def test_a_police_patrol_has_no_briefing(world):
    police = patrol_create_manual(
        site=world.objects["site_a"], starts_at=SATURDAY_9, ends_at=SATURDAY_9 + timedelta(hours=1), by=None
    )
    with pytest.raises(ValidationError, match="Only a joint patrol"):
        patrol_set_briefing(
            patrol=police, by=None, briefing_point="Gate", briefing_at=None, cst_team_leader=None, expected_version=None
        )


def test_a_team_leader_who_declines_leads_no_more(world, joint):
    patrol_set_briefing(
        patrol=joint,
        by=None,
        briefing_point="",
        briefing_at=None,
        cst_team_leader=world.objects["volunteer_a"],
        expected_version=None,
    )
    slot_decline(slot=joint.slots.get(status="confirmed"), by=None)
    joint.refresh_from_db()
    assert joint.cst_team_leader is None


def test_the_coordinator_sets_the_briefing_on_the_joint_patrol_page(world, joint):
    client = world.client("coordinator")
    page = client.get(reverse("patrols:joint_patrol", args=[joint.pk])).content.decode()
    assert 'id="briefing-form"' in page and "HS-01 Ari Cohen</option>" in page
    assert "HS-02 Dina Levy</option>" not in page  # asked, not confirmed
    body = {
        "briefing-version": joint.version,
        "briefing-point": "Car park, Brook Road",
        "briefing-time": "08:40",
        "briefing-team_leader": world.objects["volunteer_a"].pk,
    }
    response = client.post(reverse("patrols:joint_briefing", args=[joint.pk]), body, follow=True)
    html = response.content.decode()
    assert "Briefing saved." in html and "08:40 at Car park, Brook Road" in html
    assert _state(joint)[:3] == (
        "Car park, Brook Road",
        SATURDAY_9 - timedelta(minutes=20),
        world.objects["volunteer_a"].pk,
    )
    # The officer on it reads it on My day.
    assignment_create(patrol=joint, officer=world.users["officer"].officer, by=None)
    my_day = world.client("officer").get(reverse("patrols:my_day")).content.decode()
    assert "<dt>Briefing</dt><dd>08:40 at Car park, Brook Road</dd>" in my_day
    assert "<dt>Team leader</dt><dd>HS-01</dd>" in my_day


def test_the_coordinator_is_told_why_a_briefing_is_refused(world, joint):
    before = _state(joint)
    body = {"briefing-version": joint.version, "briefing-point": "Gate", "briefing-time": "09:30"}
    response = world.client("coordinator").post(reverse("patrols:joint_briefing", args=[joint.pk]), body)
    html = response.content.decode()
    assert response.status_code == 422
    assert '<p class="error" role="alert">The briefing must be before the patrol starts (09:00).</p>' in html
    # The form stays open with what was typed, to correct rather than type again.
    assert '<details class="edit" open>' in html
    assert 'value="Gate"' in html and 'value="09:30"' in html
    assert _state(joint) == before


def test_a_briefing_time_later_than_a_night_patrols_start_is_the_evening_before(world):
    start = datetime(2026, 1, 10, 0, 30, tzinfo=UTC)
    night = patrol_create_manual(
        site=world.objects["site_a"],
        starts_at=start,
        ends_at=start + timedelta(hours=2),
        by=None,
        kind=PatrolKind.JOINT,
        volunteers_required=1,
    )
    body = {"briefing-version": night.version, "briefing-point": "", "briefing-time": "23:50"}
    world.client("coordinator").post(reverse("patrols:joint_briefing", args=[night.pk]), body)
    night.refresh_from_db()
    assert night.briefing_at == start - timedelta(minutes=40)


def test_the_inspector_sets_the_briefing_in_the_patrol_dialog(world, joint):
    client = world.client("inspector_a")
    body = {"briefing-version": joint.version, "briefing-point": "Front steps", "briefing-time": "08:30"}
    response = client.post(reverse("patrols:patrol_briefing", args=[joint.pk]), body, **HTMX)
    html = response.content.decode()
    assert response.status_code == 200 and "Briefing saved." in html and "08:30 at Front steps" in html
    assert "patrol-changed" in response["HX-Trigger"]
    # From a stale copy: refused, nothing changed, the typed values kept.
    before = _state(joint)
    stale = {**body, "briefing-point": "Back gate"}
    response = client.post(reverse("patrols:patrol_briefing", args=[joint.pk]), stale, **HTMX)
    assert "Someone else changed this patrol" in response.content.decode()
    assert 'value="Back gate"' in response.content.decode()
    assert _state(joint) == before


def test_the_inspector_sees_check_ins_flagged_when_far_from_the_site(world, frozen):
    officer = world.users["officer"].officer
    start = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
    patrol = patrol_create_manual(
        site=world.objects["site_a"], starts_at=start, ends_at=start + timedelta(hours=1), by=None
    )
    assignment_create(patrol=patrol, officer=officer, by=None)
    frozen.move_to(start - timedelta(minutes=2))
    visit, _ = visit_check_in(
        patrol=patrol,
        officer=officer,
        by=officer.user,
        client_id=uuid.uuid4(),
        latitude=51.6608,
        longitude=-0.27,
        note="Suspicious vehicle on Brook Road",
    )
    frozen.move_to(start + timedelta(minutes=50))
    visit_check_out(visit=visit, by=officer.user)
    html = world.client("inspector_a").get(reverse("patrols:patrol", args=[patrol.pk])).content.decode()
    assert "PC PC100 officer checked in 08:58, 423 m away" in html and "⚑" in html
    assert ", left 09:50 — Suspicious vehicle on Brook Road" in html
    assert Patrol.objects.get(pk=patrol.pk).visits.count() == 1
