"""The assignments API (officers on and off patrols, conflicts named, warnings overridden with a
reason), a patrol's suggested officers, and the absences API: inspectors of the area only;
officers, coordinators and other areas' inspectors get 404 or 403 and change nothing."""

from datetime import UTC, date, datetime, timedelta

import pytest
from django.urls import reverse

from conftest import make_user
from patrols.models import Assignment, PatrolKind
from patrols.services import assignment_create, patrol_cancel, patrol_create_manual
from people.models import Absence
from people.services import absence_create
from sites.models import Role

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]

TOMORROW_8 = datetime(2026, 1, 6, 8, 0, tzinfo=UTC)
HOUR = timedelta(hours=1)


def _patrol(world, *, site="site_a", start=TOMORROW_8, hours=1, **fields):
    return patrol_create_manual(
        site=world.objects[site], starts_at=start, ends_at=start + hours * HOUR, by=None, **fields
    )


@pytest.fixture
def officer(world):
    return world.users["officer"].officer


def _assign(client, patrol, officer, **extra):
    return client.post(reverse("assignment-list"), {"patrol": patrol.pk, "officer": officer.pk, **extra}, format="json")


# ---- assign ---------------------------------------------------------------------------------------


def test_an_inspector_puts_an_officer_on_a_patrol(world, officer):
    patrol = _patrol(world)
    response = _assign(world.client("inspector_a"), patrol, officer)
    assert response.status_code == 201, response.data
    assignment = Assignment.objects.get()
    assert response.json() == {
        "id": assignment.pk,
        "patrol": patrol.pk,
        "officer": officer.pk,
        "officer_name": "officer",
        "collar_number": "PC100",
        "override_reason": "",
    }
    assert assignment.assigned_by == world.users["inspector_a"]


def test_an_overlapping_patrol_is_refused_naming_it_on_officer(world, officer):
    first, second = _patrol(world), _patrol(world, start=TOMORROW_8 + HOUR / 2)
    assignment_create(patrol=first, officer=officer, by=None)
    response = _assign(world.client("inspector_a"), second, officer)
    assert response.status_code == 400
    assert list(response.data) == ["officer"]
    assert "is already on a patrol at" in response.data["officer"][0]
    assert not Assignment.objects.filter(patrol=second).exists()


def test_an_absent_officer_is_refused_naming_the_absence(world, officer):
    absence_create(officer=officer, kind="leave", starts_on=date(2026, 1, 6), ends_on=date(2026, 1, 9), by=None)
    patrol = _patrol(world)
    response = _assign(world.client("inspector_a"), patrol, officer)
    assert response.status_code == 400
    assert "On leave 6–9 Jan" in response.data["officer"][0]
    assert not Assignment.objects.exists()


def test_a_cancelled_patrol_is_refused_on_patrol(world, officer):
    patrol = _patrol(world)
    patrol_cancel(patrol=patrol, by=None, reason="Closed", expected_version=patrol.version)
    response = _assign(world.client("inspector_a"), patrol, officer)
    assert response.status_code == 400 and "patrol" in response.data
    assert not Assignment.objects.exists()


def test_a_long_duty_needs_an_override_reason_which_is_kept(world, officer):
    _assigned = _patrol(world, hours=4)  # 08:00–12:00
    assignment_create(patrol=_assigned, officer=officer, by=None)
    later = _patrol(world, start=TOMORROW_8 + 5 * HOUR, hours=7)  # 13:00–20:00: one 12-hour duty
    client = world.client("inspector_a")

    response = _assign(client, later, officer)

    assert response.status_code == 400
    body = response.json()
    assert body["needs_override"] is True and body["warnings"]
    assert body["override_reason"] and isinstance(body["override_reason"], list)
    assert not Assignment.objects.filter(patrol=later).exists()

    response = _assign(client, later, officer, override_reason="No one else trained for this site")
    assert response.status_code == 201, response.data
    assert response.json()["override_reason"] == "No one else trained for this site"
    assert Assignment.objects.get(patrol=later).override_reason == "No one else trained for this site"
    history = client.get(reverse("patrol-history", args=[later.pk])).json()
    assert history[0]["what"] == f"assigned {officer} over a warning"
    assert history[0]["reason"] == "No one else trained for this site"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"patrol": 999999}, "patrol"),
        ({"patrol": "x"}, "patrol"),
        ({"officer": 999999}, "officer"),
        ({"officer": 2**70}, "officer"),
        ({"override_reason": "a\x00b"}, "override_reason"),
        ({"override_reason": "x" * 201}, "override_reason"),
    ],
)
def test_bad_input_is_a_400_naming_the_field_and_assigns_nobody(world, officer, body, field):
    patrol = _patrol(world)
    response = world.client("inspector_a").post(
        reverse("assignment-list"), {"patrol": patrol.pk, "officer": officer.pk, **body}, format="json"
    )
    assert response.status_code == 400 and field in response.data, response.data
    assert not Assignment.objects.exists()


def test_an_officer_of_another_area_names_nobody(world):
    outsider = make_user("pc_b", role=Role.OFFICER, area=world.area_b, collar="PC200").officer
    patrol = _patrol(world)
    response = _assign(world.client("inspector_a"), patrol, outsider)
    assert response.status_code == 400
    assert response.data == {"officer": ["No officer of Area A has this id."]}
    # The same answer as for an id nobody has: no telling whether it exists.
    response = world.client("inspector_a").post(
        reverse("assignment-list"), {"patrol": patrol.pk, "officer": 999999}, format="json"
    )
    assert response.data == {"officer": ["No officer of Area A has this id."]}
    assert not Assignment.objects.exists()


@pytest.mark.parametrize(("persona", "status"), [("officer", 403), ("coordinator", 403), ("inspector_b", 400)])
def test_others_cannot_assign(world, officer, persona, status):
    patrol = _patrol(world)
    response = _assign(world.client(persona), patrol, officer)
    assert response.status_code == status
    if status == 400:
        assert response.data == {"patrol": ["No patrol you inspect has this id."]}
    assert not Assignment.objects.exists()


# ---- take off -------------------------------------------------------------------------------------


def test_an_inspector_takes_an_officer_off_with_a_reason(world, officer):
    patrol = _patrol(world)
    assignment = assignment_create(patrol=patrol, officer=officer, by=None)
    client = world.client("inspector_a")
    response = client.delete(reverse("assignment-detail", args=[assignment.pk]) + "?reason=Needed+at+court")
    assert response.status_code == 204
    assert not Assignment.objects.exists()
    history = client.get(reverse("patrol-history", args=[patrol.pk])).json()
    assert (history[0]["what"], history[0]["reason"]) == (f"removed {officer}", "Needed at court")


@pytest.mark.parametrize(("persona", "status"), [("officer", 403), ("coordinator", 403), ("inspector_b", 404)])
def test_others_cannot_take_an_officer_off(world, officer, persona, status):
    assignment = assignment_create(patrol=_patrol(world), officer=officer, by=None)
    response = world.client(persona).delete(reverse("assignment-detail", args=[assignment.pk]))
    assert response.status_code == status
    assert Assignment.objects.filter(pk=assignment.pk).exists()


@pytest.mark.parametrize("reason", ["x" * 201, "a%00b", "a%1Bb"])
def test_a_bad_reason_to_take_off_is_a_400_and_changes_nothing(world, officer, reason):
    assignment = assignment_create(patrol=_patrol(world), officer=officer, by=None)
    response = world.client("inspector_a").delete(
        reverse("assignment-detail", args=[assignment.pk]) + "?reason=" + reason
    )
    assert response.status_code == 400 and "reason" in response.data, response.data
    assert Assignment.objects.filter(pk=assignment.pk).exists()


def test_an_officer_cannot_be_taken_off_a_patrol_that_has_started(world, officer, frozen):
    assignment = assignment_create(patrol=_patrol(world), officer=officer, by=None)
    frozen.move_to(TOMORROW_8 + HOUR / 2)
    response = world.client("inspector_a").delete(reverse("assignment-detail", args=[assignment.pk]))
    assert response.status_code == 400
    assert "stays on the record" in str(response.data["non_field_errors"])
    assert Assignment.objects.filter(pk=assignment.pk).exists()


# ---- suggestions ----------------------------------------------------------------------------------


def test_an_inspector_gets_the_officers_ranked_with_reasons(world, officer):
    patrol = _patrol(world)
    busy = make_user("pc_busy", role=Role.OFFICER, area=world.area_a, collar="PC101").officer
    assignment_create(patrol=_patrol(world, start=TOMORROW_8 - HOUR / 2), officer=busy, by=None)
    rows = world.client("inspector_a").get(reverse("patrol-suggestions", args=[patrol.pk])).json()
    by_id = {row["officer"]: row for row in rows}
    assert set(by_id) == {officer.pk, busy.pk}
    assert by_id[officer.pk]["suggested"] is True and by_id[officer.pk]["conflict"] == ""
    assert by_id[busy.pk]["suggested"] is False and by_id[busy.pk]["conflict"]
    assert rows[0]["officer"] == officer.pk
    assert {"officer_name", "collar_number", "reason", "patrols_count", "special_count", "warnings"} <= set(rows[0])


@pytest.mark.parametrize(("persona", "status"), [("officer", 403), ("coordinator", 403), ("inspector_b", 404)])
def test_suggestions_are_for_inspectors_of_the_area(world, officer, persona, status):
    patrol = _patrol(world, kind=PatrolKind.JOINT, volunteers_required=1)
    assignment_create(patrol=patrol, officer=officer, by=None)
    response = world.client(persona).get(reverse("patrol-suggestions", args=[patrol.pk]))
    assert response.status_code == status


# ---- absences -------------------------------------------------------------------------------------


def _absence_body(who, **overrides):
    body = {"officer": who.pk, "kind": "leave", "starts_on": "2026-01-06", "ends_on": "2026-01-08"}
    body["note"] = "Family wedding"
    body.update(overrides)
    return body


def test_an_inspector_records_an_absence_and_sees_the_patrols_to_restaff(world, officer):
    patrol = _patrol(world)
    assignment_create(patrol=patrol, officer=officer, by=None)
    response = world.client("inspector_a").post(reverse("absence-list"), _absence_body(officer), format="json")
    assert response.status_code == 201, response.data
    body = response.json()
    assert body["summary"] == "On leave 6–8 Jan" and body["created_by"] == "inspector_a"
    assert [row["id"] for row in body["clashing_patrols"]] == [patrol.pk]
    assert Absence.objects.get().note == "Family wedding"


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"ends_on": "2026-01-05"}, "ends_on"),
        ({"starts_on": "9999-01-01", "ends_on": "9999-01-02"}, "starts_on"),
        ({"starts_on": "not a date"}, "starts_on"),
        ({"kind": "holiday"}, "kind"),
        ({"note": "a\x1bb"}, "note"),
        ({"note": "x" * 201}, "note"),
        ({"officer": 999999}, "officer"),
    ],
)
def test_a_bad_absence_is_a_400_naming_the_field_and_records_nothing(world, officer, overrides, field):
    response = world.client("inspector_a").post(
        reverse("absence-list"), _absence_body(officer, **overrides), format="json"
    )
    assert response.status_code == 400 and field in response.data, response.data
    assert not Absence.objects.exists()


def test_an_officer_of_another_area_names_nobody_for_an_absence(world):
    outsider = make_user("pc_b", role=Role.OFFICER, area=world.area_b, collar="PC200").officer
    response = world.client("inspector_a").post(reverse("absence-list"), _absence_body(outsider), format="json")
    assert response.status_code == 400 and "officer" in response.data
    assert not Absence.objects.exists()


@pytest.fixture
def absence(world, officer):
    return absence_create(
        officer=officer, kind="training", starts_on=date(2026, 1, 12), ends_on=date(2026, 1, 12), by=None
    )


def test_an_inspector_changes_and_removes_an_absence(world, absence):
    client = world.client("inspector_a")
    url = reverse("absence-detail", args=[absence.pk])
    response = client.patch(url, {"ends_on": "2026-01-14", "note": "Public order course"}, format="json")
    assert response.status_code == 200, response.data
    absence.refresh_from_db()
    assert absence.ends_on == date(2026, 1, 14) and absence.note == "Public order course"
    assert client.delete(url).status_code == 204
    assert not Absence.objects.exists()


def test_an_absence_stays_with_its_officer(world, absence):
    other = make_user("pc2", role=Role.OFFICER, area=world.area_a, collar="PC102").officer
    response = world.client("inspector_a").patch(
        reverse("absence-detail", args=[absence.pk]), {"officer": other.pk}, format="json"
    )
    assert response.status_code == 400 and "officer" in response.data
    absence.refresh_from_db()
    assert absence.officer == world.users["officer"].officer


def test_an_officer_reads_their_own_absences_and_may_not_change_them(world, absence):
    client = world.client("officer")
    other = make_user("pc2", role=Role.OFFICER, area=world.area_a, collar="PC102").officer
    absence_create(officer=other, kind="leave", starts_on=date(2026, 1, 20), ends_on=date(2026, 1, 21), by=None)
    rows = client.get(reverse("absence-list")).json()["results"]
    assert [row["id"] for row in rows] == [absence.pk]
    url = reverse("absence-detail", args=[absence.pk])
    assert client.get(url).status_code == 200
    assert client.patch(url, {"note": "mine"}, format="json").status_code == 403
    assert client.delete(url).status_code == 403
    assert client.post(reverse("absence-list"), _absence_body(absence.officer), format="json").status_code == 403
    absence.refresh_from_db()
    assert absence.note == "" and Absence.objects.count() == 2


@pytest.mark.parametrize(("persona", "status"), [("coordinator", 403), ("inspector_b", 404)])
def test_others_neither_read_nor_change_an_absence(world, absence, persona, status):
    client = world.client(persona)
    url = reverse("absence-detail", args=[absence.pk])
    assert client.get(url).status_code == status
    assert client.patch(url, {"note": "x"}, format="json").status_code == status
    assert client.delete(url).status_code == status
    absence.refresh_from_db()
    assert absence.note == ""


def test_absences_filter_by_officer_and_dates(world, officer, absence):
    other = make_user("pc2", role=Role.OFFICER, area=world.area_a, collar="PC102").officer
    later = absence_create(officer=other, kind="leave", starts_on=date(2026, 2, 1), ends_on=date(2026, 2, 5), by=None)
    client = world.client("inspector_a")
    url = reverse("absence-list")

    def ids(**query):
        response = client.get(url, query)
        assert response.status_code == 200, response.data
        return [row["id"] for row in response.json()["results"]]

    assert ids() == [later.pk, absence.pk]  # newest first
    assert ids(officer=officer.pk) == [absence.pk]
    assert ids(**{"from": "2026-01-13"}) == [later.pk]
    assert ids(to="2026-01-12") == [absence.pk]
    assert ids(**{"from": "2026-02-05", "to": "2026-02-05"}) == [later.pk]
    for bad in ({"from": "2026-13-01"}, {"to": "9999-01-01"}, {"officer": "x"}):
        response = client.get(url, bad)
        assert response.status_code == 400 and set(bad) <= set(response.data), response.data


# ---- queries --------------------------------------------------------------------------------------


def _queries(client, url) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(url)
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_the_detail_and_the_suggestions_cost_the_same_queries_for_few_and_many_officers(world, officer):
    patrol = _patrol(world, kind=PatrolKind.JOINT, volunteers_required=3, officers_required=8)
    client = world.client("inspector_a")
    detail, suggestions = reverse("patrol-detail", args=[patrol.pk]), reverse("patrol-suggestions", args=[patrol.pk])
    assignment_create(patrol=patrol, officer=officer, by=None)
    few = (_queries(client, detail), _queries(client, suggestions))
    for number in range(6):
        more = make_user(f"pc{number}", role=Role.OFFICER, area=world.area_a, collar=f"PC2{number:02d}").officer
        assignment_create(patrol=patrol, officer=more, by=None)
        make_user(f"spare{number}", role=Role.OFFICER, area=world.area_a, collar=f"PC3{number:02d}")
    assert (_queries(client, detail), _queries(client, suggestions)) == few


def test_the_absence_list_costs_the_same_queries_for_few_and_many(world, officer):
    client = world.client("inspector_a")
    url = reverse("absence-list")
    absence_create(officer=officer, kind="leave", starts_on=date(2026, 3, 1), ends_on=date(2026, 3, 2), by=None)
    few = _queries(client, url)
    for number in range(8):
        other = make_user(f"pc{number}", role=Role.OFFICER, area=world.area_a, collar=f"PC2{number:02d}").officer
        absence_create(officer=other, kind="sickness", starts_on=date(2026, 3, 1), ends_on=date(2026, 3, 2), by=None)
    assert _queries(client, url) == few


def test_the_absence_list_pages_by_its_dates(world, absence):
    """The list is ordered by a date column: its cursors carry dates (a 500 once, found by the
    fuzzer with page_size=1)."""
    client = world.client("inspector_a")
    officer = world.users["officer"].officer
    later = absence_create(
        officer=officer, kind="training", starts_on=date(2026, 3, 2), ends_on=date(2026, 3, 2), by=None
    )
    first = client.get(reverse("absence-list"), {"page_size": 1})
    assert first.status_code == 200
    assert [row["id"] for row in first.json()["results"]] == [later.pk]
    second = client.get(first.json()["next"])
    assert second.status_code == 200
    assert [row["id"] for row in second.json()["results"]] == [absence.pk]
    assert second.json()["next"] is None
