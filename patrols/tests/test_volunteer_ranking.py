"""Who the ask dialog offers first: the pure ranking, table-driven, and the joint patrol page and
"Ask several" showing it."""

from datetime import UTC, date, datetime, timedelta

import pytest

from patrols.volunteer_ranking import VolunteerCandidate, rank_volunteers


def _ids(candidates):
    return [ranked.volunteer_id for ranked in rank_volunteers(candidates)]


@pytest.mark.parametrize(
    ("candidates", "expected"),
    [
        pytest.param([], [], id="nobody"),
        pytest.param(
            [
                VolunteerCandidate(1, "HS-01", home_here=False, recent_duties=0),
                VolunteerCandidate(2, "HS-02", home_here=True, recent_duties=5),
            ],
            [2, 1],
            id="home site before fewer duties",
        ),
        pytest.param(
            [
                VolunteerCandidate(1, "HS-01", home_here=False, recent_duties=3),
                VolunteerCandidate(2, "HS-02", home_here=False, recent_duties=1),
                VolunteerCandidate(3, "HS-03", home_here=False, recent_duties=1),
            ],
            [2, 3, 1],
            id="fewest duties, then call sign",
        ),
        pytest.param(
            [
                VolunteerCandidate(1, "HS-01", home_here=True, recent_duties=0, problem="Unavailable Sat 5 Dec"),
                VolunteerCandidate(2, "HS-02", home_here=False, recent_duties=9),
                VolunteerCandidate(3, "HS-03", home_here=False, recent_duties=0, problem="CST card expired 1 Dec"),
            ],
            [2, 1, 3],
            id="those who cannot be asked last, home site first among them",
        ),
    ],
)
def test_ranking_order(candidates, expected):
    assert _ids(candidates) == expected


def test_each_comes_with_why():
    ranked = rank_volunteers(
        [
            VolunteerCandidate(1, "HS-01", home_here=True, recent_duties=1),
            VolunteerCandidate(2, "HS-02", home_here=False, recent_duties=2),
            VolunteerCandidate(3, "HS-03", home_here=False, recent_duties=0, problem="Unavailable Sat 5 Dec"),
        ]
    )
    assert [(r.askable, r.reason) for r in ranked] == [
        (True, "Home site · 1 duty in the last 8 weeks"),
        (True, "2 duties in the last 8 weeks"),
        (False, "Unavailable Sat 5 Dec"),
    ]


# ---- through the pages ----------------------------------------------------------------------------

TUESDAY_9 = datetime(2026, 1, 6, 9, 0, tzinfo=UTC)


@pytest.fixture
def area_world(world, frozen):
    from conftest import make_site, make_volunteer
    from patrols.models import PatrolKind
    from patrols.services import patrol_create_manual

    site = world.objects["site_a"]
    other_site = make_site(world.area_a, name="Yavneh College")
    patrol = patrol_create_manual(
        site=site,
        starts_at=TUESDAY_9,
        ends_at=TUESDAY_9 + timedelta(hours=2),
        by=None,
        kind=PatrolKind.JOINT,
        volunteers_required=3,
    )
    people = {
        "busy": world.objects["volunteer_a"],  # HS-01, no home site, 0 duties
        "home": make_volunteer(world.area_a, "HS-02", name="Home Guard", home_site=site, email="h@example.org"),
        "worked": make_volunteer(world.area_a, "HS-03", name="Often Out", email="w@example.org"),
        "fresh": make_volunteer(world.area_a, "HS-04", name="New Face", email="f@example.org"),
        "away": make_volunteer(world.area_a, "HS-05", name="Away Day", home_site=site, email="a@example.org"),
    }
    return {"patrol": patrol, "site": site, "other_site": other_site, "people": people}


def _confirmed_duty(site, volunteer, starts_at, coordinator):
    """A joint patrol at `starts_at` (in the past, as of the clock) with `volunteer` confirmed on
    it: made while the clock stood before it."""
    import time_machine

    from patrols.models import PatrolKind
    from patrols.services import patrol_create_manual, slot_confirm, slot_fill

    with time_machine.travel(starts_at - timedelta(days=1), tick=False):
        patrol = patrol_create_manual(
            site=site,
            starts_at=starts_at,
            ends_at=starts_at + timedelta(hours=1),
            by=None,
            kind=PatrolKind.JOINT,
            volunteers_required=1,
        )
        slot = patrol.slots.get()
        slot_fill(slot=slot, volunteer=volunteer, by=coordinator)
        slot_confirm(slot=slot, by=coordinator)


@pytest.mark.django_db
def test_the_ask_dialog_ranks_home_site_then_fewest_recent_duties_and_marks_the_others(area_world, world):
    from django.urls import reverse

    from patrols.models import PatrolKind
    from patrols.services import patrol_create_manual, slot_fill
    from people.models import VolunteerUnavailability

    coordinator = world.users["coordinator"]
    people = area_world["people"]
    other_site = area_world["other_site"]
    # Two confirmed duties in the last 8 weeks for "worked", one 9 weeks ago for "fresh" (not counted).
    for days_ago in (7, 14):
        _confirmed_duty(other_site, people["worked"], TUESDAY_9 - timedelta(days=days_ago), coordinator)
    _confirmed_duty(other_site, people["fresh"], TUESDAY_9 - timedelta(weeks=9, days=1), coordinator)
    # "busy" is asked for an overlapping patrol elsewhere; "away" marked the day unavailable.
    elsewhere = patrol_create_manual(
        site=other_site,
        starts_at=TUESDAY_9 + timedelta(hours=1),
        ends_at=TUESDAY_9 + timedelta(hours=3),
        by=None,
        kind=PatrolKind.JOINT,
        volunteers_required=1,
    )
    slot_fill(slot=elsewhere.slots.get(), volunteer=people["busy"], by=coordinator)
    VolunteerUnavailability.objects.create(volunteer=people["away"], on_date=date(2026, 1, 6), note="wedding")

    html = world.client("coordinator").get(reverse("patrols:joint_patrol", args=[area_world["patrol"].pk]))
    html = html.content.decode()
    start = html.index('<select name="volunteer"')
    select = html[start : html.index("</select>", start)]
    order = [select.index(f">{call_sign} ") for call_sign in ("HS-02", "HS-04", "HS-03", "HS-05", "HS-01")]
    assert order == sorted(order), select
    assert "HS-02 Home Guard — Home site · 0 duties in the last 8 weeks</option>" in select
    assert "HS-03 Often Out — 2 duties in the last 8 weeks</option>" in select
    assert "HS-04 New Face — 0 duties in the last 8 weeks</option>" in select
    assert "disabled>HS-05 Away Day — Unavailable Tue 6 Jan (wedding)</option>" in select
    assert "disabled>HS-01 Ari Cohen — On a patrol at Yavneh College 10:00–12:00</option>" in select
