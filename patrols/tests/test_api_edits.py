"""The patrols API's hand edits (add, change, cancel, restore), the detail's officers and CST
places, and the history: inspectors of the patrol's area only, every edit with the version read
(409 and the patrol as it now is when stale), every refusal a 400 naming the field that changes
nothing."""

from datetime import UTC, datetime, timedelta

import pytest
from django.urls import reverse

from conftest import make_site
from patrols.models import Patrol, PatrolKind, PatrolStatus
from patrols.services import assignment_create, patrol_create_manual, patrol_update, slot_fill

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]

TOMORROW_9 = datetime(2026, 1, 6, 9, 0, tzinfo=UTC)
HOUR = timedelta(hours=1)


def _patrol(world, *, site="site_a", start=TOMORROW_9, **fields):
    return patrol_create_manual(site=world.objects[site], starts_at=start, ends_at=start + HOUR, by=None, **fields)


def _snapshot(patrol):
    row = Patrol.objects.get(pk=patrol.pk)
    return (
        row.starts_at,
        row.ends_at,
        row.site_id,
        row.kind,
        row.officers_required,
        row.label,
        row.status,
        row.version,
    )


def _add_body(world, **overrides):
    body = {
        "site": world.objects["site_a"].pk,
        "starts_at": "2026-01-07T18:00:00+00:00",
        "ends_at": "2026-01-07T20:00:00+00:00",
        "kind": "joint",
        "officers_required": 2,
        "volunteers_required": 2,
        "label": "Chanukah lighting",
    }
    body.update(overrides)
    return body


# ---- add ------------------------------------------------------------------------------------------


def test_an_inspector_adds_a_one_off_joint_patrol_with_its_open_places(world):
    response = world.client("inspector_a").post(reverse("patrol-list"), _add_body(world), format="json")
    assert response.status_code == 201, response.data
    body = response.json()
    patrol = Patrol.objects.get()
    assert body["id"] == patrol.pk and body["manual"] is True and body["pinned"] is False
    assert (patrol.kind, patrol.officers_required, patrol.label) == ("joint", 2, "Chanukah lighting")
    assert [slot["status"] for slot in body["slots"]] == ["open", "open"]
    assert body["assignments"] == []


@pytest.mark.parametrize(
    ("overrides", "field", "fragment"),
    [
        ({"site": 999999}, "site", "No site you inspect has this id."),
        ({"site": "x"}, "site", "whole number"),
        ({"site": 2**70}, "site", "No site you inspect"),
        ({"starts_at": "2026-01-07T18:00:00"}, "starts_at", "UTC offset"),
        ({"starts_at": "9999-12-31T23:00:00-14:00"}, "starts_at", ""),
        ({"starts_at": "2026-01-05T06:00:00+00:00"}, "starts_at", "passed"),
        ({"ends_at": "2026-01-07T17:00:00+00:00"}, "ends_at", "end after"),
        ({"kind": "joint", "volunteers_required": 0}, "volunteers_required", "at least one"),
        ({"officers_required": 21}, "officers_required", "20"),
        ({"label": "Bad\x1b[2J"}, "label", "control characters"),
        ({"label": "x" * 101}, "label", "100"),
        ({"kind": "cavalry"}, "kind", ""),
    ],
)
def test_a_bad_patrol_to_add_is_a_400_naming_the_field_and_adds_nothing(world, overrides, field, fragment):
    response = world.client("inspector_a").post(reverse("patrol-list"), _add_body(world, **overrides), format="json")
    assert response.status_code == 400, response.data
    assert field in response.data and fragment in str(response.data[field]), response.data
    assert not Patrol.objects.exists()


def test_a_site_of_another_area_is_refused_as_naming_no_site(world):
    for persona, site in (("inspector_a", "site_b"), ("inspector_b", "site_a")):
        response = world.client(persona).post(
            reverse("patrol-list"), _add_body(world, site=world.objects[site].pk), format="json"
        )
        assert response.status_code == 400
        assert response.data == {"site": ["No site you inspect has this id."]}
    assert not Patrol.objects.exists()


@pytest.mark.parametrize(("persona", "status"), [("officer", 403), ("coordinator", 403), ("anonymous", 401)])
def test_only_inspectors_add_patrols(world, persona, status):
    response = world.client(persona).post(reverse("patrol-list"), _add_body(world), format="json")
    assert response.status_code == status
    assert not Patrol.objects.exists()


# ---- change -------------------------------------------------------------------------------------


def test_an_inspector_moves_a_patrol_and_it_is_pinned(world):
    patrol = _patrol(world)
    response = world.client("inspector_a").patch(
        reverse("patrol-detail", args=[patrol.pk]),
        {"starts_at": "2026-01-06T10:00:00Z", "ends_at": "2026-01-06T11:30:00Z", "version": patrol.version},
        format="json",
    )
    assert response.status_code == 200, response.data
    patrol.refresh_from_db()
    assert patrol.starts_at == TOMORROW_9 + HOUR and patrol.pinned and patrol.version == 2
    assert response.json()["version"] == 2 and response.json()["pinned"] is True


def test_a_patch_from_a_stale_copy_is_a_409_with_the_patrol_as_it_is_now_and_changes_nothing(world):
    patrol = _patrol(world)
    read = patrol.version
    patrol_update(patrol=patrol, by=None, expected_version=read, officers_required=3)
    before = _snapshot(patrol)

    response = world.client("inspector_a").patch(
        reverse("patrol-detail", args=[patrol.pk]), {"label": "Mine", "version": read}, format="json"
    )

    assert response.status_code == 409
    body = response.json()
    assert "changed this patrol" in body["detail"] and body["version"]
    assert body["current"]["officers_required"] == 3 and body["current"]["version"] == read + 1
    assert _snapshot(patrol) == before


def test_a_patch_without_a_version_or_without_a_change_is_a_400(world):
    patrol = _patrol(world)
    before = _snapshot(patrol)
    client = world.client("inspector_a")
    url = reverse("patrol-detail", args=[patrol.pk])
    response = client.patch(url, {"label": "No version"}, format="json")
    assert response.status_code == 400 and "version" in response.data
    response = client.patch(url, {"version": patrol.version}, format="json")
    assert response.status_code == 400 and "non_field_errors" in response.data
    assert _snapshot(patrol) == before


@pytest.mark.parametrize(
    ("change", "field", "fragment"),
    [
        ({"site": "site_b"}, "site", "No site you inspect has this id."),
        ({"starts_at": "2026-01-05T06:00:00Z"}, "starts_at", "passed"),
        ({"ends_at": "2026-01-06T08:00:00Z"}, "ends_at", "end after"),
        ({"officers_required": -1}, "officers_required", ""),
        ({"version": 0}, "version", ""),
        ({"version": "two"}, "version", ""),
    ],
)
def test_a_bad_change_is_a_400_naming_the_field_and_changes_nothing(world, change, field, fragment):
    patrol = _patrol(world)
    before = _snapshot(patrol)
    body = {"version": patrol.version, **change}
    if body.get("site") == "site_b":
        body["site"] = world.objects["site_b"].pk
    response = world.client("inspector_a").patch(reverse("patrol-detail", args=[patrol.pk]), body, format="json")
    assert response.status_code == 400, response.data
    assert field in response.data and fragment in str(response.data[field]), response.data
    assert _snapshot(patrol) == before


def test_a_move_onto_an_officers_other_patrol_is_refused_naming_it(world):
    officer = world.users["officer"].officer
    first, second = _patrol(world), _patrol(world, start=TOMORROW_9 + 3 * HOUR)
    assignment_create(patrol=first, officer=officer, by=None)
    assignment_create(patrol=second, officer=officer, by=None)
    before = _snapshot(second)
    response = world.client("inspector_a").patch(
        reverse("patrol-detail", args=[second.pk]),
        {"starts_at": "2026-01-06T09:30:00Z", "ends_at": "2026-01-06T10:30:00Z", "version": second.version},
        format="json",
    )
    assert response.status_code == 400
    assert "is already on a patrol at" in str(response.data["non_field_errors"])
    assert _snapshot(second) == before


def test_a_site_of_the_inspectors_area_may_be_chosen(world):
    patrol = _patrol(world)
    other = make_site(world.area_a, name="Beth Other")
    response = world.client("inspector_a").patch(
        reverse("patrol-detail", args=[patrol.pk]), {"site": other.pk, "version": 1}, format="json"
    )
    assert response.status_code == 200, response.data
    assert response.json()["site_name"] == "Beth Other"


@pytest.mark.parametrize(("persona", "status"), [("officer", 403), ("coordinator", 403), ("inspector_b", 404)])
def test_others_cannot_change_cancel_or_restore_a_patrol_and_nothing_changes(world, persona, status):
    patrol = _patrol(world, kind=PatrolKind.JOINT, volunteers_required=1)
    assignment_create(patrol=patrol, officer=world.users["officer"].officer, by=None)  # the officer sees it
    before = _snapshot(patrol)
    client = world.client(persona)
    url = reverse("patrol-detail", args=[patrol.pk])
    assert client.patch(url, {"label": "x", "version": 1}, format="json").status_code == status
    assert client.put(url, {"label": "x", "version": 1}, format="json").status_code in (status, 405)
    cancel = reverse("patrol-cancel", args=[patrol.pk])
    assert client.post(cancel, {"reason": "x", "version": 1}, format="json").status_code == status
    restore = reverse("patrol-restore", args=[patrol.pk])
    assert client.post(restore, {"version": 1}, format="json").status_code == status
    assert client.get(reverse("patrol-history", args=[patrol.pk])).status_code == status
    assert _snapshot(patrol) == before


# ---- cancel and restore ---------------------------------------------------------------------------


def test_an_inspector_cancels_with_a_reason_and_restores(world):
    patrol = _patrol(world)
    client = world.client("inspector_a")
    response = client.post(
        reverse("patrol-cancel", args=[patrol.pk]), {"reason": " Road closed ", "version": 1}, format="json"
    )
    assert response.status_code == 200, response.data
    assert response.json()["status"] == "cancelled"
    patrol.refresh_from_db()
    assert patrol.cancel_reason == "Road closed"
    response = client.post(reverse("patrol-restore", args=[patrol.pk]), {"version": 2}, format="json")
    assert response.status_code == 200, response.data
    assert Patrol.objects.get(pk=patrol.pk).status == PatrolStatus.SCHEDULED


@pytest.mark.parametrize(
    ("body", "field"),
    [({"version": 1}, "reason"), ({"reason": "  ", "version": 1}, "reason"), ({"reason": "x"}, "version")],
)
def test_a_cancel_without_a_reason_or_version_is_a_400_and_changes_nothing(world, body, field):
    patrol = _patrol(world)
    before = _snapshot(patrol)
    response = world.client("inspector_a").post(reverse("patrol-cancel", args=[patrol.pk]), body, format="json")
    assert response.status_code == 400 and field in response.data, response.data
    assert _snapshot(patrol) == before


def test_cancel_and_restore_from_a_stale_copy_are_409(world):
    patrol = _patrol(world)
    patrol_update(patrol=patrol, by=None, expected_version=1, label="Changed")
    before = _snapshot(patrol)
    client = world.client("inspector_a")
    response = client.post(reverse("patrol-cancel", args=[patrol.pk]), {"reason": "x", "version": 1}, format="json")
    assert response.status_code == 409 and response.json()["current"]["label"] == "Changed"
    response = client.post(reverse("patrol-restore", args=[patrol.pk]), {"version": 1}, format="json")
    assert response.status_code == 409
    assert _snapshot(patrol) == before


def test_restoring_a_scheduled_patrol_is_a_400(world):
    patrol = _patrol(world)
    response = world.client("inspector_a").post(
        reverse("patrol-restore", args=[patrol.pk]), {"version": 1}, format="json"
    )
    assert response.status_code == 400
    assert "Only a cancelled patrol" in str(response.data["non_field_errors"])


# ---- detail: officers and places as each reader may see them --------------------------------------


@pytest.fixture
def staffed(world):
    patrol = _patrol(world, kind=PatrolKind.JOINT, volunteers_required=2)
    assignment_create(patrol=patrol, officer=world.users["officer"].officer, by=None)
    slot_fill(slot=patrol.slots.order_by("id").first(), volunteer=world.objects["volunteer_a"], by=None)
    return patrol


def test_the_detail_lists_the_officers_and_the_places_each_reader_may_see(world, staffed):
    url = reverse("patrol-detail", args=[staffed.pk])
    officer = world.users["officer"].officer
    inspector = world.client("inspector_a").get(url).json()
    assert inspector["assignments"] == [
        {
            "id": staffed.assignments.get().pk,
            "patrol": staffed.pk,
            "officer": officer.pk,
            "officer_name": "officer",
            "collar_number": "PC100",
            "override_reason": "",
        }
    ]
    assert [slot["status"] for slot in inspector["slots"]] == ["requested", "open"]
    assert "phone" not in inspector["slots"][0]["volunteer"]
    coordinator = world.client("coordinator").get(url).json()
    assert coordinator["slots"][0]["volunteer"]["phone"] == "07700 900001"
    assert "override_reason" not in coordinator["assignments"][0]
    mine = world.client("officer").get(url).json()
    # An officer: their partners only (not the open place), call sign and name, no contact details.
    assert [slot["volunteer"]["call_sign"] for slot in mine["slots"]] == ["HS-01"]
    assert "phone" not in mine["slots"][0]["volunteer"]
    assert "override_reason" not in mine["assignments"][0]


def test_the_list_shows_no_officers_or_places(world, staffed):
    row = world.client("inspector_a").get(reverse("patrol-list")).json()["results"][0]
    assert "assignments" not in row and "slots" not in row


# ---- history ------------------------------------------------------------------------------------


def test_an_inspector_reads_the_history_newest_first(world):
    inspector = world.users["inspector_a"]
    client = world.client("inspector_a")
    response = client.post(
        reverse("patrol-list"), _add_body(world, kind="police", volunteers_required=0), format="json"
    )
    patrol_id = response.json()["id"]
    client.post(reverse("patrol-cancel", args=[patrol_id]), {"reason": "Road closed", "version": 1}, format="json")
    history = client.get(reverse("patrol-history", args=[patrol_id])).json()
    assert [(row["who"], row["what"], row["reason"]) for row in history] == [
        (inspector.username, "cancelled", "Road closed"),
        (inspector.username, "created by hand: police patrol Wed 7 Jan 18:00–20:00", ""),
    ]
    assert set(history[0]) == {"when", "who", "what", "reason"}


def test_the_history_is_for_inspectors_of_the_area_and_admins(world, staffed):
    url = reverse("patrol-history", args=[staffed.pk])
    assert world.client("admin").get(url).status_code == 200
    # The officer on it and the coordinator may see the patrol, not how the rota is made.
    assert world.client("officer").get(url).status_code == 403
    assert world.client("coordinator").get(url).status_code == 403
    assert world.client("inspector_b").get(url).status_code == 404
