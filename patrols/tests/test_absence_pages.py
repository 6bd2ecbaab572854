"""The inspector's absence pages: record, list, edit and remove absences of the officers of their
areas; after saving, the patrols the officer is still on during the absence, to re-staff. Officers
see their own absences on My day."""

from datetime import UTC, date, datetime, timedelta

import pytest
from django.urls import reverse

from conftest import make_user
from patrols.models import Assignment, Patrol
from patrols.services import assignment_create, patrol_create_manual
from people.models import Absence, AbsenceKind
from people.services import absence_create
from sites.models import Role

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]

HOUR = timedelta(hours=1)


@pytest.fixture
def officer(world):
    return world.users["officer"].officer


@pytest.fixture
def inspector(world):
    return world.client("inspector_a")


def _patrol(world, starts_at, hours=2):
    return patrol_create_manual(
        site=world.objects["site_a"], starts_at=starts_at, ends_at=starts_at + hours * HOUR, by=None
    )


def _form(officer=None, **fields):
    data = {"kind": "leave", "starts_on": "2026-01-07", "ends_on": "2026-01-09", "note": ""}
    if officer is not None:
        data["officer"] = officer.pk
    return {**data, **fields}


def test_an_inspector_records_an_absence_and_sees_the_patrols_to_re_staff(world, officer, inspector):
    during = _patrol(world, datetime(2026, 1, 8, 10, 0, tzinfo=UTC))
    outside = _patrol(world, datetime(2026, 1, 12, 10, 0, tzinfo=UTC))
    for patrol in (during, outside):
        assignment_create(patrol=patrol, officer=officer, by=None)
    response = inspector.post(reverse("patrols:absence_add"), _form(officer, note="Holiday"))
    absence = Absence.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("patrols:absence_edit", args=[absence.pk])
    assert (absence.officer, absence.created_by, absence.note) == (officer, world.users["inspector_a"], "Holiday")

    html = inspector.get(response["Location"]).content.decode()
    assert (
        f"{officer}: On leave 7–9 Jan recorded. {officer.collar_number} is still on 1 patrol during it: re-staff below."
    ) in html
    assert "Patrols to re-staff" in html
    # Each links to its patrol's dialog, where an officer is taken off and another put on.
    clash = Patrol.objects.get(assignments__officer=officer, starts_at__date=date(2026, 1, 8))
    link = reverse("patrols:patrol", args=[clash.pk])
    assert f'<a href="{link}">Beth Test Synagogue, Thu 8 Jan 10:00–12:00</a>' in html
    assert "Mon 12 Jan" not in html
    assert Assignment.objects.count() == 2  # recording an absence takes nobody off a patrol


def test_an_absence_over_no_patrols_says_so_plainly(officer, inspector):
    response = inspector.post(reverse("patrols:absence_add"), _form(officer), follow=True)
    html = response.content.decode()
    assert f"{officer}: On leave 7–9 Jan recorded." in html
    assert "Patrols to re-staff" not in html


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"ends_on": "2026-01-06"}, "The last day cannot be before the first."),
        ({"starts_on": "1999-01-01"}, "1999-01-01 is out of range; give a date from 2000-01-01 to 2100-12-31."),
        ({"starts_on": "soon"}, "Enter a valid date."),
        ({"note": "x" * 201}, "at most 200 characters"),
        ({"kind": "holiday"}, "Select a valid choice."),
    ],
)
def test_a_bad_absence_is_refused_on_the_form_and_nothing_is_recorded(officer, inspector, fields, message):
    response = inspector.post(reverse("patrols:absence_add"), _form(officer, **fields))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Absence.objects.exists()


def test_an_overlapping_absence_is_refused_on_the_form(officer, inspector):
    absence_create(
        officer=officer, kind=AbsenceKind.SICKNESS, starts_on=date(2026, 1, 9), ends_on=date(2026, 1, 9), by=None
    )
    response = inspector.post(reverse("patrols:absence_add"), _form(officer))
    assert response.status_code == 200
    assert "already has an absence over these days: Off sick 9 Jan. Edit that one instead." in response.content.decode()
    assert Absence.objects.count() == 1


def test_only_active_officers_rostered_in_the_inspectors_areas_are_offered(world, officer, inspector):
    retired = make_user("retired", role=Role.OFFICER, area=world.area_a, collar="PC999").officer
    retired.active = False
    retired.save()
    other = make_user("other", role=Role.OFFICER, area=world.area_b, collar="PC888").officer
    html = inspector.get(reverse("patrols:absence_add")).content.decode()
    assert f'<option value="{officer.pk}">' in html
    assert f'value="{retired.pk}"' not in html and f'value="{other.pk}"' not in html
    # The inspector's own officer profile holds no officer role: not offered either.
    assert f'value="{world.users["inspector_a"].officer.pk}"' not in html


@pytest.mark.parametrize("value", ["abc", "999999"])
def test_an_officer_outside_scope_is_a_404_and_nothing_is_recorded(world, inspector, value):
    assert inspector.get(reverse("patrols:absence_add") + f"?officer={value}").status_code == 404
    assert inspector.post(reverse("patrols:absence_add"), {**_form(), "officer": value}).status_code == 404
    assert not Absence.objects.exists()


def test_the_add_page_can_start_with_the_officer_chosen(officer, inspector):
    html = inspector.get(reverse("patrols:absence_add") + f"?officer={officer.pk}").content.decode()
    assert f'<option value="{officer.pk}" selected>' in html


def test_the_list_shows_current_and_upcoming_absences_soonest_first_and_filters_by_officer(
    world, officer, inspector, frozen
):
    colleague = make_user("colleague", role=Role.OFFICER, area=world.area_a, collar="PC101").officer
    past = absence_create(
        officer=officer, kind="leave", starts_on=date(2025, 12, 1), ends_on=date(2025, 12, 3), by=None
    )
    later = absence_create(
        officer=officer, kind="training", starts_on=date(2026, 2, 1), ends_on=date(2026, 2, 1), by=None
    )
    current = absence_create(
        officer=colleague, kind="sickness", starts_on=date(2026, 1, 4), ends_on=date(2026, 1, 6), by=None
    )
    other_area = make_user("b-officer", role=Role.OFFICER, area=world.area_b, collar="PC777").officer
    absence_create(officer=other_area, kind="leave", starts_on=date(2026, 1, 5), ends_on=date(2026, 1, 5), by=None)

    def shown(query=""):
        response = inspector.get(reverse("patrols:absences") + query)
        assert response.status_code == 200
        return [a.pk for a in response.context["object_list"]]

    assert shown() == [current.pk, later.pk]
    assert shown("?when=past") == [past.pk]
    assert shown("?when=all") == [later.pk, current.pk, past.pk]
    assert shown(f"?officer={officer.pk}&when=all") == [later.pk, past.pk]
    assert (
        world.client("inspector_b").get(reverse("patrols:absences") + "?when=all").context["object_list"].count() == 1
    )


def test_an_edit_changes_the_absence_with_its_history_and_lists_new_clashes(world, officer, inspector):
    patrol = _patrol(world, datetime(2026, 1, 10, 9, 0, tzinfo=UTC))
    assignment_create(patrol=patrol, officer=officer, by=None)
    absence = absence_create(
        officer=officer, kind="leave", starts_on=date(2026, 1, 7), ends_on=date(2026, 1, 9), by=None
    )
    url = reverse("patrols:absence_edit", args=[absence.pk])
    response = inspector.post(url, _form(ends_on="2026-01-10", note="Extended"), follow=True)
    absence.refresh_from_db()
    assert (absence.ends_on, absence.note) == (date(2026, 1, 10), "Extended")
    html = response.content.decode()
    assert "Beth Test Synagogue, Sat 10 Jan 09:00–11:00" in html
    assert "edited: ends_on, note by inspector_a" in html


def test_a_bad_edit_is_refused_and_changes_nothing(officer, inspector):
    absence = absence_create(
        officer=officer, kind="leave", starts_on=date(2026, 1, 7), ends_on=date(2026, 1, 9), by=None
    )
    response = inspector.post(reverse("patrols:absence_edit", args=[absence.pk]), _form(ends_on="2026-01-01"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "The last day cannot be before the first." in html
    assert f"<h1>{officer}: On leave 7–9 Jan</h1>" in html  # the page still shows the absence as stored
    absence.refresh_from_db()
    assert absence.ends_on == date(2026, 1, 9)
    assert absence.history.count() == 1


def test_an_edit_onto_another_absence_is_refused_on_the_form(officer, inspector):
    absence_create(officer=officer, kind="sickness", starts_on=date(2026, 1, 12), ends_on=date(2026, 1, 12), by=None)
    absence = absence_create(
        officer=officer, kind="leave", starts_on=date(2026, 1, 7), ends_on=date(2026, 1, 9), by=None
    )
    response = inspector.post(reverse("patrols:absence_edit", args=[absence.pk]), _form(ends_on="2026-01-12"))
    assert "already has an absence over these days: Off sick 12 Jan." in response.content.decode()
    absence.refresh_from_db()
    assert absence.ends_on == date(2026, 1, 9)


def test_an_absence_is_removed(officer, inspector):
    absence = absence_create(
        officer=officer, kind="leave", starts_on=date(2026, 1, 7), ends_on=date(2026, 1, 9), by=None
    )
    response = inspector.post(reverse("patrols:absence_delete", args=[absence.pk]), follow=True)
    assert f"{officer}: On leave 7–9 Jan removed." in response.content.decode()
    assert not Absence.objects.exists()


def test_the_clash_links_go_to_the_patrol_page_once_there_is_one(world, officer, monkeypatch):
    from patrols.views import absences

    patrol = _patrol(world, datetime(2026, 1, 8, 10, 0, tzinfo=UTC))
    monkeypatch.setattr(absences, "reverse", lambda name, args=None: f"/rota/patrols/{args[0]}/")
    assert absences.patrol_link(patrol) == f"/rota/patrols/{patrol.pk}/"


def test_inspectors_get_the_absences_link_and_officers_do_not(world):
    assert reverse("patrols:absences") in world.client("inspector_a").get(reverse("patrols:runs")).content.decode()
    html = world.client("officer").get(reverse("patrols:my_day")).content.decode()
    assert reverse("patrols:absences") not in html


def test_my_day_shows_the_officers_own_absence(world, officer):
    absence_create(
        officer=officer,
        kind="training",
        starts_on=date(2026, 1, 6),
        ends_on=date(2026, 1, 7),
        note="Taser refresher",
        by=None,
    )
    absence_create(
        officer=world.users["inspector_a"].officer,
        kind="leave",
        starts_on=date(2026, 1, 5),
        ends_on=date(2026, 1, 5),
        by=None,
    )
    response = world.client("officer").get(reverse("patrols:my_day"))
    days = response.context["days"]
    # Shown on each of its days in the week ahead.
    assert [[a["summary"] for a in day["absences"]] for day in days][:4] == [
        [],
        ["On training 6–7 Jan"],
        ["On training 6–7 Jan"],
        [],
    ]
    html = response.content.decode()
    assert html.count("On training 6–7 Jan") == 2 and "Taser refresher" in html
    assert "On leave" not in html  # someone else's


def test_the_clashing_list_leaves_out_patrols_already_over(world, officer, inspector, frozen):
    patrol = _patrol(world, datetime(2026, 1, 5, 9, 0, tzinfo=UTC))
    assignment_create(patrol=patrol, officer=officer, by=None)
    absence = absence_create(
        officer=officer, kind="leave", starts_on=date(2026, 1, 5), ends_on=date(2026, 1, 5), by=None
    )
    frozen.move_to(datetime(2026, 1, 5, 12, 0, tzinfo=UTC))
    html = inspector.get(reverse("patrols:absence_edit", args=[absence.pk])).content.decode()
    assert "Patrols to re-staff" not in html
    assert Patrol.objects.count() == 1
