"""Check-in ("Arrived") and check-out ("Leaving"): the services, the API and My day's buttons."""

import uuid
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import override_settings
from django.urls import reverse

from conftest import make_user
from patrols import geo
from patrols.models import Patrol, PatrolKind, PatrolStatus, Visit
from patrols.services import (
    assignment_create,
    patrol_cancel,
    patrol_create_manual,
    visit_check_in,
    visit_check_out,
)
from sites.models import Role

from .conftest import NOW

pytestmark = [pytest.mark.django_db, pytest.mark.clock]

START = NOW + timedelta(hours=2)  # 09:00 GMT on Monday 5 January 2026
END = START + timedelta(hours=1)


# ---- the distance (pure) -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("a", "b", "metres"),
    [
        ((51.6570, -0.2700), (51.6570, -0.2700), 0),
        # One minute of latitude is a nautical mile, give or take the sphere's rounding.
        ((51.0, -0.27), (51.0 + 1 / 60, -0.27), 1853),
        # London (Charing Cross) to Paris (Notre-Dame): 343.5 km or so.
        ((51.5073, -0.1276), (48.8530, 2.3499), 343_560),
        # Across the antimeridian is the short way round.
        ((0.0, 179.9995), (0.0, -179.9995), 111),
    ],
)
def test_distance_in_metres(a, b, metres):
    assert geo.distance_m(*a, *b) == pytest.approx(metres, abs=max(2, metres * 0.001))


# ---- the services ------------------------------------------------------------------------------


@pytest.fixture
def officer(world):
    return world.users["officer"].officer


@pytest.fixture
def patrol(world, officer, stopped_clock):
    patrol = patrol_create_manual(site=world.objects["site_a"], starts_at=START, ends_at=END, by=None)
    assignment_create(patrol=patrol, officer=officer, by=None)
    return patrol


def _check_in(patrol, officer, **fields):
    fields.setdefault("client_id", uuid.uuid4())
    return visit_check_in(patrol=patrol, officer=officer, by=officer.user, **fields)


def _refused(call, code: str, text: str):
    before = list(Visit.objects.values_list("pk", "checked_out_at", "note"))
    with pytest.raises(ValidationError) as refused:
        call()
    error = refused.value
    if hasattr(error, "error_dict"):
        codes = set(error.error_dict) | {item.code for items in error.error_dict.values() for item in items}
    else:
        codes = {error.code}
    assert code in codes, codes
    assert text in " ".join(refused.value.messages)
    assert list(Visit.objects.values_list("pk", "checked_out_at", "note")) == before


def test_check_in_opens_thirty_minutes_before_the_start(patrol, officer, stopped_clock):
    stopped_clock.move_to(START - timedelta(minutes=31))
    _refused(lambda: _check_in(patrol, officer), "too_early", "Check-in opens at 08:30, 30 minutes before")
    stopped_clock.move_to(START - timedelta(minutes=30))
    visit, created = _check_in(patrol, officer, note="All quiet")
    assert created and visit.checked_in_at == START - timedelta(minutes=30) and visit.note == "All quiet"
    assert visit.received_at is not None and visit.distance_m is None


@override_settings(CHECK_IN_OPENS_MINUTES=10)
def test_the_window_is_a_setting(patrol, officer, stopped_clock):
    stopped_clock.move_to(START - timedelta(minutes=11))
    _refused(lambda: _check_in(patrol, officer), "too_early", "Check-in opens at 08:50, 10 minutes before")


def test_no_check_in_after_the_end(patrol, officer, stopped_clock):
    stopped_clock.move_to(END + timedelta(seconds=1))
    _refused(lambda: _check_in(patrol, officer), "ended", "This patrol ended at 10:00")


def test_the_same_client_id_returns_the_same_visit(patrol, officer, stopped_clock):
    stopped_clock.move_to(START)
    client_id = uuid.uuid4()
    first, created = _check_in(patrol, officer, client_id=client_id)
    again, created_again = _check_in(patrol, officer, client_id=client_id)
    assert created and not created_again and again.pk == first.pk
    # A second tap made its own id: still one open visit.
    third, created_third = _check_in(patrol, officer)
    assert not created_third and third.pk == first.pk
    assert Visit.objects.count() == 1


def test_a_client_id_of_another_check_in_is_refused(world, patrol, officer, stopped_clock):
    stopped_clock.move_to(START)
    client_id = uuid.uuid4()
    _check_in(patrol, officer, client_id=client_id)
    other = patrol_create_manual(site=world.objects["site_a"], starts_at=END, ends_at=END + timedelta(hours=1), by=None)
    assignment_create(patrol=other, officer=officer, by=None)
    stopped_clock.move_to(END)
    _refused(lambda: _check_in(other, officer, client_id=client_id), "client_id", "used for another check-in")


def test_after_leaving_the_officer_can_check_in_again(patrol, officer, stopped_clock):
    stopped_clock.move_to(START)
    first, _ = _check_in(patrol, officer)
    visit_check_out(visit=first, by=officer.user)
    second, created = _check_in(patrol, officer)
    assert created and second.pk != first.pk


def test_only_the_officer_on_the_patrol_checks_in(world, patrol, officer, stopped_clock):
    stopped_clock.move_to(START)
    inspector = world.users["inspector_a"]
    _refused(
        lambda: visit_check_in(patrol=patrol, officer=officer, by=inspector, client_id=uuid.uuid4()),
        "not_own",
        "Only the officer on a patrol",
    )
    someone_else = inspector.officer  # an officer profile not on this patrol
    _refused(
        lambda: visit_check_in(patrol=patrol, officer=someone_else, by=inspector, client_id=uuid.uuid4()),
        "not_assigned",
        "You are not on this patrol",
    )


def test_no_check_in_on_a_cancelled_patrol(patrol, officer, stopped_clock):
    patrol_cancel(patrol=patrol, by=None, reason="Road closed", expected_version=None)
    stopped_clock.move_to(START)
    _refused(lambda: _check_in(patrol, officer), "cancelled", "This patrol was cancelled")


def test_the_position_gives_the_distance_from_the_site_and_a_flag_beyond_the_areas_limit(
    world, patrol, officer, stopped_clock
):
    stopped_clock.move_to(START)
    near, _ = _check_in(patrol, officer, latitude=51.6571, longitude=-0.2701)
    assert near.distance_m == 13 and near.latitude == Decimal("51.65710") and not near.flagged
    visit_check_out(visit=near, by=officer.user)
    far, _ = _check_in(patrol, officer, latitude=51.6608, longitude=-0.2700)  # 0.0038° north
    assert far.distance_m == 423 and far.flagged
    world.area_a.check_in_flag_distance_m = 500
    world.area_a.save()
    assert not Visit.objects.select_related("patrol__area").get(pk=far.pk).flagged


def test_half_a_position_is_refused(patrol, officer, stopped_clock):
    stopped_clock.move_to(START)
    _refused(lambda: _check_in(patrol, officer, latitude=51.6), "half_position", "Give both latitude and longitude")


def test_a_check_in_made_offline_keeps_its_own_time_and_is_accepted_once(patrol, officer, stopped_clock):
    arrived = START - timedelta(minutes=5)
    stopped_clock.move_to(END + timedelta(hours=3))  # back in signal hours after the patrol ended
    client_id = uuid.uuid4()
    visit, created = _check_in(patrol, officer, client_id=client_id, checked_in_at=arrived)
    again, created_again = _check_in(patrol, officer, client_id=client_id, checked_in_at=arrived)
    assert (created, created_again) == (True, False) and again.pk == visit.pk
    assert visit.checked_in_at == arrived and visit.received_at == END + timedelta(hours=3)


def test_a_delayed_check_in_must_be_in_the_window_in_the_past_and_recent(patrol, officer, stopped_clock):
    stopped_clock.move_to(START + timedelta(minutes=10))
    _refused(lambda: _check_in(patrol, officer, checked_in_at=START + timedelta(minutes=30)), "future", "in the future")
    _refused(
        lambda: _check_in(patrol, officer, checked_in_at=START - timedelta(minutes=40)), "too_early", "Check-in opens"
    )
    stopped_clock.move_to(START + timedelta(hours=25))
    _refused(lambda: _check_in(patrol, officer, checked_in_at=START), "too_late", "more than 24 hours ago")
    # A phone clock a minute fast is taken as now.
    stopped_clock.move_to(START)
    visit, _ = _check_in(patrol, officer, checked_in_at=START + timedelta(minutes=1))
    assert visit.checked_in_at == START


def test_a_late_check_in_turns_a_missed_patrol_completed_with_a_history_record(patrol, officer, stopped_clock):
    Patrol.objects.filter(pk=patrol.pk).update(status=PatrolStatus.MISSED, missed_reason="other")
    stopped_clock.move_to(END + timedelta(hours=1))
    _check_in(patrol, officer, checked_in_at=START + timedelta(minutes=2))
    patrol.refresh_from_db()
    assert patrol.status == PatrolStatus.COMPLETED and patrol.missed_reason == ""
    record = patrol.history.order_by("-history_id").first()
    assert record.status == "completed" and record.history_user == officer.user
    assert record.history_change_reason == "completed: PC PC100 officer checked in at 09:02"


def test_check_out_is_idempotent_and_adds_its_note(patrol, officer, stopped_clock):
    stopped_clock.move_to(START)
    visit, _ = _check_in(patrol, officer, note="All quiet")
    stopped_clock.move_to(END - timedelta(minutes=1))
    out = visit_check_out(visit=visit, by=officer.user, note="Suspicious vehicle on Brook Road")
    assert out.checked_out_at == END - timedelta(minutes=1)
    assert out.note == "All quiet\nSuspicious vehicle on Brook Road"
    stopped_clock.move_to(END + timedelta(minutes=5))
    again = visit_check_out(visit=visit, by=officer.user, note="ignored")
    assert again.checked_out_at == END - timedelta(minutes=1) and "ignored" not in again.note


def test_check_out_refusals(world, patrol, officer, stopped_clock):
    stopped_clock.move_to(START)
    visit, _ = _check_in(patrol, officer)
    _refused(
        lambda: visit_check_out(visit=visit, by=world.users["inspector_a"]), "not_own", "Only the officer on a patrol"
    )
    _refused(
        lambda: visit_check_out(visit=visit, by=officer.user, checked_out_at=START - timedelta(minutes=1)),
        "checked_out_at",
        "You checked in at 09:00: leaving comes after.",
    )


# ---- the API -----------------------------------------------------------------------------------


def _post(world, persona, body):
    return world.client(persona).post(reverse("visit-list"), body, format="json")


def test_api_check_in_answers_201_then_200_for_the_same_client_id(world, patrol, stopped_clock):
    stopped_clock.move_to(START)
    body = {"patrol": patrol.pk, "client_id": str(uuid.uuid4()), "latitude": 51.6608, "longitude": -0.27}
    first = _post(world, "officer", body)
    again = _post(world, "officer", body)
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.data["id"] == again.data["id"] and first.data["distance_m"] == 423 and first.data["flagged"]
    assert first.data["checked_in_at"] == "2026-01-05T09:00:00Z"
    out = world.client("officer").post(reverse("visit-check-out", args=[first.data["id"]]), {}, format="json")
    assert out.status_code == 200 and out.data["checked_out_at"] == "2026-01-05T09:00:00Z"


def test_api_delayed_check_in(world, patrol, stopped_clock):
    stopped_clock.move_to(END + timedelta(hours=2))
    body = {"patrol": patrol.pk, "client_id": str(uuid.uuid4()), "checked_in_at": "2026-01-05T08:58:00Z"}
    response = _post(world, "officer", body)
    assert response.status_code == 201 and response.data["checked_in_at"] == "2026-01-05T08:58:00Z"


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        ({"client_id": "not-a-uuid"}, "client_id", "Must be a valid UUID."),
        ({"latitude": 95}, "latitude", "less than or equal to 90"),
        ({"checked_in_at": "yesterday"}, "checked_in_at", "Datetime has wrong format"),
        ({"checked_in_at": "2026-01-05T08:00:00Z"}, "checked_in_at", "Check-in opens at 08:30"),
        ({"latitude": 51.6}, "longitude", "Give both latitude and longitude"),
        ({"note": "x" * 501}, "note", "no more than 500 characters"),
    ],
)
def test_api_bad_input_is_a_400_naming_the_field(world, patrol, stopped_clock, body, field, message):
    stopped_clock.move_to(START)
    response = _post(world, "officer", {"patrol": patrol.pk, "client_id": str(uuid.uuid4()), **body})
    assert response.status_code == 400, response.data
    assert message in " ".join(response.data[field])
    assert not Visit.objects.exists()


def test_api_nobody_checks_in_on_someone_elses_patrol(world, patrol, stopped_clock):
    stopped_clock.move_to(START)
    other = patrol_create_manual(
        site=world.objects["site_a"], starts_at=START + timedelta(hours=2), ends_at=END + timedelta(hours=2), by=None
    )
    assert _post(world, "officer", {"patrol": other.pk, "client_id": str(uuid.uuid4())}).status_code == 404
    # Neither an inspector nor a coordinator checks in for an officer.
    for persona in ("inspector_a", "coordinator"):
        assert _post(world, persona, {"patrol": patrol.pk, "client_id": str(uuid.uuid4())}).status_code == 403
    assert not Visit.objects.exists()


def test_api_lists_an_officers_own_visits_and_an_inspectors_areas(world, patrol, officer, stopped_clock):
    stopped_clock.move_to(START)
    visit, _ = _check_in(patrol, officer)
    for persona, expected in (("officer", [visit.pk]), ("inspector_a", [visit.pk]), ("inspector_b", [])):
        response = world.client(persona).get(reverse("visit-list"))
        assert [row["id"] for row in response.data["results"]] == expected, persona
    assert world.client("coordinator").get(reverse("visit-list")).status_code == 403


# ---- My day ------------------------------------------------------------------------------------


def test_my_day_offers_arrived_in_the_window_then_leaving(world, patrol, officer, stopped_clock):
    client = world.client("officer")
    stopped_clock.move_to(START - timedelta(minutes=31))
    html = client.get(reverse("patrols:my_day")).content.decode()
    assert 'data-action="in" hidden' in html  # not yet: the script shows it when the window opens
    stopped_clock.move_to(START - timedelta(minutes=2))
    html = client.get(reverse("patrols:my_day")).content.decode()
    assert 'data-action="in">' in html and 'data-action="out" hidden' in html
    response = client.post(reverse("patrols:visit_arrive", args=[patrol.pk]), {"note": "All quiet"}, follow=True)
    html = response.content.decode()
    assert "Checked in at Beth Test Synagogue at 08:58." in html
    assert "Arrived 08:58 — All quiet" in html and 'data-action="out">' in html
    visit = Visit.objects.get()
    response = client.post(reverse("patrols:visit_leave", args=[visit.pk]), {"note": ""}, follow=True)
    assert "Checked out at 08:58." in response.content.decode()


def test_my_day_arrived_too_early_says_why(world, patrol, stopped_clock):
    stopped_clock.move_to(START - timedelta(hours=1))
    response = world.client("officer").post(reverse("patrols:visit_arrive", args=[patrol.pk]), follow=True)
    assert "Check-in opens at 08:30" in response.content.decode()
    assert not Visit.objects.exists()


def test_my_day_shows_the_joint_patrols_briefing_partners_duty_phone_and_map_link(world, officer, stopped_clock):
    area = world.area_a
    area.cst_duty_phone = "020 7946 0000"
    area.save()
    patrol = patrol_create_manual(
        site=world.objects["site_a"],
        starts_at=datetime(2026, 1, 10, 9, 0, tzinfo=UTC),
        ends_at=datetime(2026, 1, 10, 12, 0, tzinfo=UTC),
        by=None,
        kind=PatrolKind.JOINT,
        volunteers_required=1,
    )
    assignment_create(patrol=patrol, officer=officer, by=None)
    partner = make_user("partner", role=Role.OFFICER, area=area, collar="PC200", first_name="Dan", last_name="Green")
    assignment_create(patrol=patrol, officer=partner.officer, by=None)
    slot = patrol.slots.get()
    slot.volunteer, slot.status = world.objects["volunteer_a"], "confirmed"
    slot.save()
    Patrol.objects.filter(pk=patrol.pk).update(
        briefing_point="Car park, Brook Road",
        briefing_at=datetime(2026, 1, 10, 8, 45, tzinfo=UTC),
        cst_team_leader=world.objects["volunteer_a"],
    )
    html = world.client("officer").get(reverse("patrols:my_day")).content.decode()
    assert 'href="geo:51.65700,-0.27000?q=51.65700,-0.27000(Beth%20Test%20Synagogue)"' in html
    assert "<dd>You, PC PC200 Dan Green</dd>" in html
    assert "HS-01 Ari Cohen" in html and "<dt>Team leader</dt><dd>HS-01</dd>" in html
    assert "<dt>Briefing</dt><dd>08:45 at Car park, Brook Road</dd>" in html
    assert 'href="tel:02079460000"' in html
    assert "07700" not in html and "ari@example.org" not in html  # volunteers' own details stay with coordinators


def test_the_service_worker_is_served_from_my_days_path_and_never_kept(world):
    response = world.client("anonymous").get(reverse("patrols:my_day_sw"))
    assert response.status_code == 200 and response["Content-Type"].startswith("text/javascript")
    assert reverse("patrols:my_day_sw") == reverse("patrols:my_day") + "sw.js"  # its scope: My day only
    assert "no-store" in response["Cache-Control"]
    assert b"shomer-my-day-v1" in response.content


# ---- a double tap racing itself (PostgreSQL: real threads, the patrol's row lock) ---------------


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL's row locks")
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("same_client_id", [True, False], ids=["retry", "double-tap"])
def test_two_check_ins_at_once_make_one_visit(world, same_client_id):
    import threading

    import time_machine
    from django.db import connections

    officer = world.users["officer"].officer
    shared = uuid.uuid4()
    barrier = threading.Barrier(4)
    answers, errors = [], []

    def tap():
        try:
            barrier.wait()
            answers.append(_check_in(patrol, officer, client_id=shared if same_client_id else uuid.uuid4()))
        except Exception as error:  # reported below
            errors.append(error)
        finally:
            connections.close_all()

    # One clock for every thread (time-machine patches the whole process).
    with time_machine.travel(NOW, tick=True) as traveller:
        patrol = patrol_create_manual(site=world.objects["site_a"], starts_at=START, ends_at=END, by=None)
        assignment_create(patrol=patrol, officer=officer, by=None)
        traveller.move_to(START)
        threads = [threading.Thread(target=tap) for _ in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(30)
    assert not errors
    assert Visit.objects.count() == 1
    assert sorted(created for _, created in answers) == [False, False, False, True]
    assert {visit.pk for visit, _ in answers} == {Visit.objects.get().pk}
