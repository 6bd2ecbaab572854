"""The CST coordinator's planner (`/rota/joint/`): days grouped by the Shabbat or festival they are
for with their counts, the range and its named seasons, the filters, what each patrol card shows,
the open places ticked for "ask several", a query string that never breaks the page, and the
banner once a lead time has passed with places open."""

from datetime import UTC, date, datetime, timedelta

import pytest
from django.urls import NoReverseMatch, reverse

from conftest import make_site, make_volunteer
from patrols.models import PatrolKind
from patrols.services import (
    assignment_create,
    patrol_cancel,
    patrol_create_manual,
    patrol_set_briefing,
    slot_confirm,
    slot_fill,
)

from .conftest import NOW

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]

FRIDAY_NIGHT = datetime(2026, 1, 9, 19, 0, tzinfo=UTC)  # Friday 9 January 2026: Shabbat's evening
SHABBAT_MORNING = datetime(2026, 1, 10, 9, 30, tzinfo=UTC)
NEXT_SHABBAT = datetime(2026, 1, 17, 9, 30, tzinfo=UTC)


def joint(site, starts_at, places=2, **fields):
    return patrol_create_manual(
        site=site,
        starts_at=starts_at,
        ends_at=starts_at + timedelta(hours=2),
        by=None,
        kind=PatrolKind.JOINT,
        volunteers_required=places,
        **fields,
    )


def planner(world, persona="coordinator", **query):
    response = world.client(persona).get(reverse("patrols:joint"), query)
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def week(world):
    """Shabbat 10 January: a Friday-night patrol (two places, one confirmed and one asked) at
    Beth Din, a Shabbat morning one (three places, all open) at Kehillah, a cancelled one; and a
    patrol the next Shabbat."""
    coordinator = world.users["coordinator"]
    beth_din, kehillah = make_site(world.area_a, "Beth Din"), make_site(world.area_a, "Kehillah")
    friday = joint(beth_din, FRIDAY_NIGHT, label="Friday night")
    asked, confirmed = friday.slots.order_by("id")
    slot_fill(slot=confirmed, volunteer=world.objects["volunteer_a"], by=coordinator)
    slot_confirm(slot=confirmed, by=coordinator)
    slot_fill(slot=asked, volunteer=make_volunteer(world.area_a, "HS-02", name="Dina Levy"), by=coordinator)
    morning = joint(kehillah, SHABBAT_MORNING, places=3, label="Shabbat morning")
    cancelled = joint(kehillah, SHABBAT_MORNING + timedelta(hours=3), places=4, label="Afternoon")
    patrol_cancel(patrol=cancelled, by=world.users["inspector_a"], reason="Hall closed", expected_version=None)
    later = joint(beth_din, NEXT_SHABBAT, places=1, label="Next week")
    return {"friday": friday, "morning": morning, "cancelled": cancelled, "later": later, "asked": asked}


def test_the_planner_groups_patrols_by_the_shabbat_they_are_for_with_its_counts(world, week):
    html = planner(world)
    # A week from today (Monday 5 January): one day, Shabbat, Friday night's patrol counted with it
    # and the cancelled one listed but not counted.
    assert html.count("<h2 id=") == 1
    assert '<h2 id="day-20260110">Shabbat 10 Jan</h2>' in html
    assert "1 of 5 places confirmed, 1 asked, 3 open" in html
    assert html.index("Friday night") < html.index("Shabbat morning") < html.index("Afternoon")
    assert "Fri 9 Jan 19:00–21:00" in html and "Beth Din" in html and "Kehillah" in html
    assert '<span class="badge danger">Cancelled</span>' in html
    assert "Next week" not in html


def test_the_planner_shows_any_range_and_names_its_seasons(world, week):
    html = planner(world, start="2026-01-05", end="2026-01-31")
    assert html.count("<h2 id=") == 2 and "Shabbat 17 Jan" in html and "Next week" in html
    assert "0 of 1 place confirmed, 0 asked, 1 open" in html
    for name in ("This week", "Next Shabbat", "Pesach 2026", "High Holy Days 2026"):
        assert f">{name}</a>" in html
    # Next Shabbat's link opens that day alone.
    html = planner(world, start="2026-01-10", end="2026-01-10")
    assert 'aria-current="true">Next Shabbat</a>' in html and "Friday night" in html


def test_each_patrol_shows_its_officers_briefing_team_leader_and_places(world, week):
    friday = week["friday"]
    assignment_create(patrol=friday, officer=world.users["officer"].officer, by=None)
    patrol_set_briefing(
        patrol=friday,
        by=world.users["coordinator"],
        briefing_point="Car park, Brook Road",
        briefing_at=FRIDAY_NIGHT - timedelta(minutes=15),
        cst_team_leader=world.objects["volunteer_a"],
        expected_version=None,
    )
    html = planner(world)
    card = html[html.index(f'id="patrol-{friday.pk}"') :]
    card = card[: card.index("</article>")]
    assert "PC PC100 officer" in card
    assert "Car park, Brook Road, 18:45" in card
    assert "HS-01 Ari Cohen" in card and "HS-02 Dina Levy" in card
    assert ">Confirmed</span>" in card and ">Asked</span>" in card
    assert "1 of 2 confirmed, 1 asked" in card
    assert f'href="{reverse("patrols:joint_patrol", args=[friday.pk])}"' in card


def test_each_open_place_has_a_checkbox_for_asking_several_but_not_a_place_that_cannot_change(world, week):
    html = planner(world)
    open_slots = list(week["morning"].slots.filter(status="open"))
    assert len(open_slots) == 3
    for slot in open_slots:
        assert f'name="slots" value="{slot.pk}"' in html
    assert html.count('name="slots"') == 3  # not the cancelled patrol's, nor a filled place
    for slot in week["cancelled"].slots.all():
        assert f'value="{slot.pk}"' not in html


def test_the_ask_button_waits_for_the_ask_several_page(world, week):
    try:
        ask_many = reverse("patrols:joint_ask_many")
    except NoReverseMatch:
        ask_many = ""
    html = planner(world)
    assert f'<form method="get" action="{ask_many}" class="planner">' in html
    assert ("Ask volunteers for the ticked places" in html) == bool(ask_many)


def test_a_started_patrols_open_places_are_not_offered(world, week, frozen):
    frozen.move_to(SHABBAT_MORNING + timedelta(minutes=5))
    html = planner(world, start="2026-01-10", end="2026-01-10")
    assert "Shabbat morning" in html and 'name="slots"' not in html


def test_open_places_only_hides_the_patrols_that_are_full_or_cancelled(world, week):
    friday = week["friday"]
    slot_confirm(slot=week["asked"], by=world.users["coordinator"])
    html = planner(world, open="1")
    assert "Shabbat morning" in html
    assert f'id="patrol-{friday.pk}"' not in html and "Afternoon" not in html
    # The day's counts stay the whole day's.
    assert "2 of 5 places confirmed, 0 asked, 3 open" in html
    html = planner(world, open="1", start="2026-01-12", end="2026-01-16")
    assert "No open places on joint patrols in these days." in html


def test_the_site_filter_shows_one_site(world, week):
    beth_din = week["friday"].site
    html = planner(world, site=beth_din.pk, start="2026-01-05", end="2026-01-31")
    assert "Friday night" in html and "Next week" in html and "Shabbat morning" not in html
    assert f'<option value="{beth_din.pk}" selected>Beth Din</option>' in html
    # Only the sites of joint patrols are offered (DESIGN.md §6), not one with none.
    patrol_create_manual(
        site=world.objects["site_a"], starts_at=SHABBAT_MORNING, ends_at=SHABBAT_MORNING + timedelta(hours=1), by=None
    )
    assert "Beth Test Synagogue" not in planner(world)
    # The day counts what is shown: Beth Din's places that Shabbat.
    assert "1 of 2 places confirmed, 1 asked, 0 open" in html


@pytest.mark.parametrize(
    ("query", "said"),
    [
        ({"start": "2026-13-01"}, "start: "),
        ({"end": "someday"}, "end: "),
        ({"start": "2026-01-09", "end": "2026-01-05"}, "The end date is before the start date"),
        ({"start": "2026-01-05", "end": "2027-01-05"}, "at most 120 days"),
        ({"site": "99999"}, "No joint patrols at that site"),
        ({"site": "x"}, "site: "),
    ],
)
def test_a_bad_query_is_said_and_the_default_shown(world, week, query, said):
    html = planner(world, **query)
    assert said in html and "Shabbat 10 Jan" in html


def test_another_areas_planner_is_not_found(world):
    client = world.client("coordinator")
    assert client.get(reverse("patrols:joint"), {"area": "area-b"}).status_code == 404
    assert client.get(reverse("patrols:joint"), {"area": "no-such-area"}).status_code == 404


def test_a_range_past_the_generated_rota_says_so(world, week):
    html = planner(world)
    assert "The rota has not been generated yet" in html


def test_times_are_the_areas_own(world):
    world.area_a.timezone = "Asia/Jerusalem"
    world.area_a.save()
    joint(make_site(world.area_a, "Yeshurun"), datetime(2026, 1, 10, 7, 0, tzinfo=UTC))
    html = planner(world)
    assert "Sat 10 Jan 09:00–11:00" in html


# ---- the banner -------------------------------------------------------------------------------


def test_the_banner_shows_once_a_lead_has_passed_with_places_open(world, week, frozen):
    assert "still open" not in planner(world)  # Monday: Wednesday 18:00 is to come
    frozen.move_to(datetime(2026, 1, 7, 18, 0, tzinfo=UTC))
    html = planner(world)
    assert "3 CST places still open for Shabbat 10 January." in html
    link = reverse("patrols:joint") + "?area=area-a&amp;start=2026-01-10&amp;end=2026-01-10&amp;open=1"
    assert link in html
    board = world.client("inspector_a").get(reverse("patrols:rota")).content.decode()
    assert "3 CST places still open for Shabbat 10 January." in board
    assert "start=2026-01-09&amp;days=2&amp;kind=joint" in board
    # Filled: no banner.
    coordinator = world.users["coordinator"]
    for number, slot in enumerate(week["morning"].slots.filter(status="open")):
        slot_fill(
            slot=slot, volunteer=make_volunteer(world.area_a, f"HS-1{number}", name=f"V {number}"), by=coordinator
        )
    assert "still open" not in planner(world)


def test_the_banner_leaves_out_patrols_already_started(world, week, frozen):
    frozen.move_to(SHABBAT_MORNING + timedelta(minutes=1))
    assert "still open" not in planner(world, start="2026-01-10", end="2026-01-10")


def test_an_area_without_lead_times_has_no_banner(world, week, frozen):
    world.area_a.escalation_shabbat_leads = ""
    world.area_a.save()
    frozen.move_to(datetime(2026, 1, 9, 12, 0, tzinfo=UTC))
    assert "still open" not in planner(world)


def test_the_week_starts_today_in_the_areas_own_date(world):
    assert NOW.date() == date(2026, 1, 5)
    html = planner(world)
    assert 'name="start" id="id_start" value="2026-01-05"' in html and 'value="2026-01-11"' in html
