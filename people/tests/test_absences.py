"""Absences: recorded, edited and removed only through people.services, each refusal naming what
is wrong and changing nothing; every change kept in the history with who made it."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from people.models import Absence, AbsenceKind, describe_dates
from people.services import absence_create, absence_delete, absence_update

pytestmark = pytest.mark.django_db

DEC_3, DEC_9 = date(2026, 12, 3), date(2026, 12, 9)


@pytest.fixture
def officer(world):
    return world.users["officer"].officer


@pytest.fixture
def inspector(world):
    return world.users["inspector_a"]


@pytest.fixture
def leave(officer, inspector):
    return absence_create(
        officer=officer, kind=AbsenceKind.LEAVE, starts_on=DEC_3, ends_on=DEC_9, note="Family wedding", by=inspector
    )


def _create(officer, by, **fields):
    values = {"kind": AbsenceKind.LEAVE, "starts_on": DEC_3, "ends_on": DEC_9, "note": ""}
    return absence_create(officer=officer, by=by, **{**values, **fields})


def test_an_absence_is_recorded_with_who_recorded_it(officer, inspector, leave):
    assert leave.created_by == inspector
    assert list(officer.absences.all()) == [leave]
    record = leave.history.get()
    assert (record.history_user, record.history_change_reason, record.history_type) == (inspector, "recorded", "+")
    assert leave.summary == "On leave 3–9 Dec"


@pytest.mark.parametrize(
    ("kind", "first", "last", "summary"),
    [
        (AbsenceKind.SICKNESS, date(2026, 12, 4), date(2026, 12, 4), "Off sick 4 Dec"),
        (AbsenceKind.TRAINING, date(2026, 11, 28), date(2026, 12, 3), "On training 28 Nov–3 Dec"),
        (AbsenceKind.OTHER, date(2026, 12, 28), date(2027, 1, 3), "Absent 28 Dec 2026–3 Jan 2027"),
    ],
)
def test_each_kind_reads_as_a_sergeant_would_say_it(officer, inspector, kind, first, last, summary):
    assert _create(officer, inspector, kind=kind, starts_on=first, ends_on=last).summary == summary


def test_dates_are_described_compactly():
    assert describe_dates(DEC_3, DEC_3) == "3 Dec"


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"starts_on": DEC_9, "ends_on": DEC_3}, "ends_on", "The last day cannot be before the first."),
        (
            {"starts_on": date(1999, 12, 31)},
            "starts_on",
            "1999-12-31 is out of range; give a date from 2000-01-01 to 2100-12-31.",
        ),
        (
            {"ends_on": date(2101, 1, 1)},
            "ends_on",
            "2101-01-01 is out of range; give a date from 2000-01-01 to 2100-12-31.",
        ),
        ({"note": "one\nline"}, "note", "this is one line of text"),
        ({"note": "x" * 201}, "note", "at most 200 characters"),
        ({"kind": "holiday"}, "kind", "not a valid choice"),
    ],
)
def test_a_bad_absence_is_refused_naming_the_field_and_nothing_is_recorded(officer, inspector, fields, field, message):
    with pytest.raises(ValidationError) as refused:
        _create(officer, inspector, **fields)
    assert message in " ".join(refused.value.message_dict[field])
    assert not Absence.objects.exists()
    assert not Absence.history.exists()


def test_a_second_absence_over_the_same_days_is_refused_naming_the_first(officer, inspector, leave):
    with pytest.raises(ValidationError) as refused:
        _create(officer, inspector, kind=AbsenceKind.SICKNESS, starts_on=DEC_9, ends_on=date(2026, 12, 12))
    assert refused.value.code == "overlap"
    assert refused.value.messages == [
        f"{officer} already has an absence over these days: On leave 3–9 Dec. Edit that one instead."
    ]
    assert list(Absence.objects.all()) == [leave]


def test_back_to_back_absences_and_other_officers_absences_do_not_clash(world, officer, inspector, leave):
    _create(officer, inspector, starts_on=date(2026, 12, 10), ends_on=date(2026, 12, 10))
    _create(world.users["inspector_a"].officer, inspector)
    assert Absence.objects.count() == 3


def test_an_absence_is_edited_with_its_history(officer, inspector, leave):
    absence_update(absence=leave, by=inspector, ends_on=date(2026, 12, 11), note="  Extended  ")
    leave.refresh_from_db()
    assert (leave.ends_on, leave.note) == (date(2026, 12, 11), "Extended")
    latest = leave.history.first()
    assert (latest.history_user, latest.history_change_reason) == (inspector, "edited: ends_on, note")


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"ends_on": date(2026, 12, 1)}, "The last day cannot be before the first."),
        ({"note": "bad\x00note"}, "Remove the control characters"),
    ],
)
def test_a_bad_edit_is_refused_and_changes_nothing(inspector, leave, fields, message):
    with pytest.raises(ValidationError) as refused:
        absence_update(absence=leave, by=inspector, **fields)
    assert message in " ".join(refused.value.messages)
    assert (leave.ends_on, leave.note) == (DEC_9, "Family wedding")
    stored = Absence.objects.get()
    assert (stored.ends_on, stored.note) == (DEC_9, "Family wedding")
    assert leave.history.count() == 1


def test_an_edit_onto_another_absence_is_refused(officer, inspector, leave):
    later = _create(officer, inspector, starts_on=date(2026, 12, 20), ends_on=date(2026, 12, 22))
    with pytest.raises(ValidationError) as refused:
        absence_update(absence=later, by=inspector, starts_on=date(2026, 12, 8))
    assert refused.value.code == "overlap"
    later.refresh_from_db()
    assert later.starts_on == date(2026, 12, 20)


def test_an_absence_cannot_move_to_another_officer_through_an_edit(world, inspector, leave):
    with pytest.raises(ValueError, match="Not editable here: officer"):
        absence_update(absence=leave, by=inspector, officer=world.users["inspector_a"].officer)
    assert Absence.objects.get().officer == world.users["officer"].officer


def test_an_absence_is_removed_and_its_history_says_who_removed_it(inspector, leave):
    absence_delete(absence=leave, by=inspector)
    assert not Absence.objects.exists()
    removed = Absence.history.filter(history_type="-").get()
    assert (removed.history_user, removed.history_change_reason) == (inspector, "removed")


def test_the_database_refuses_an_absence_ending_before_it_starts(officer):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        Absence.objects.create(officer=officer, starts_on=DEC_9, ends_on=DEC_3)


def test_an_administrator_records_an_absence_in_the_admin_through_the_service(world, officer):
    client = world.client("admin")
    response = client.post(
        reverse("admin:people_absence_add"),
        {"officer": officer.pk, "kind": "training", "starts_on": "2026-12-03", "ends_on": "2026-12-04", "note": ""},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    absence = Absence.objects.get()
    assert absence.created_by == world.users["admin"]
    assert absence.history.get().history_change_reason == "recorded"


def test_the_admin_shows_an_overlap_on_the_form_and_records_nothing(world, officer, leave):
    response = world.client("admin").post(
        reverse("admin:people_absence_add"),
        {"officer": officer.pk, "kind": "training", "starts_on": "2026-12-05", "ends_on": "2026-12-06", "note": ""},
    )
    assert response.status_code == 200
    assert "already has an absence over these days" in response.content.decode()
    assert list(Absence.objects.all()) == [leave]


def test_the_admin_edits_and_deletes_through_the_services(world, leave):
    client = world.client("admin")
    response = client.post(
        reverse("admin:people_absence_change", args=[leave.pk]),
        {"kind": "leave", "starts_on": "2026-12-03", "ends_on": "2026-12-10", "note": "Longer"},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert leave.history.first().history_change_reason == "edited: ends_on, note"
    response = client.post(reverse("admin:people_absence_delete", args=[leave.pk]), {"post": "yes"})
    assert response.status_code == 302
    assert Absence.history.filter(history_type="-").get().history_user == world.users["admin"]


def test_absences_are_scoped_as_design_section_6_says(world, officer, inspector, leave):
    from people.selectors import absences_for_inspection, absences_visible_to
    from sites.access import access_for

    others = _create(world.users["inspector_b"].officer, None)  # an officer profile rostered nowhere as officer
    seen = {
        persona: (
            set(absences_visible_to(access_for(world.users[persona]))),
            set(absences_for_inspection(access_for(world.users[persona]))),
        )
        for persona in ("officer", "coordinator", "inspector_a", "inspector_b", "admin")
    }
    assert seen == {
        "officer": ({leave}, set()),
        "coordinator": (set(), set()),
        "inspector_a": ({leave}, {leave}),
        "inspector_b": (set(), set()),
        "admin": ({leave, others}, {leave, others}),
    }
