"""My day's kept weeks (patrols/my_day.py): a week is served from the cache only while nothing it
was built from has changed. Each change an officer's week can show — made through the services
people use, and by the periodic tasks — reaches the next page load; and an unchanged week is
served without the week's queries."""

import re
import uuid
from datetime import UTC, date, datetime, timedelta

import pytest
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from conftest import make_user
from patrols.models import PatrolKind
from patrols.services import (
    assignment_create,
    assignment_delete,
    patrol_cancel,
    patrol_create_manual,
    patrol_set_briefing,
    patrol_update,
    patrols_mark_outcomes,
    slot_confirm,
    slot_fill,
    visit_check_in,
)
from people.services import absence_create, volunteer_update
from sites.models import Role
from sites.services import site_update

from .conftest import NOW

pytestmark = [pytest.mark.django_db]

TOMORROW_9 = NOW.replace(hour=9) + timedelta(days=1)
HOUR = timedelta(hours=1)
# Served from a kept week: the session, the user with their roles and officer profile (one query,
# sites.auth.ShomerBackend), and the view record.
KEPT_QUERIES = 3


@pytest.fixture
def setup(world, stopped_clock):
    officer = world.users["officer"].officer
    patrol = patrol_create_manual(
        site=world.objects["site_a"],
        starts_at=TOMORROW_9,
        ends_at=TOMORROW_9 + HOUR,
        kind=PatrolKind.JOINT,
        volunteers_required=1,
        by=None,
    )
    assignment = assignment_create(patrol=patrol, officer=officer, by=None)
    client = world.client("officer")
    return world, officer, patrol, assignment, client


def _page(client) -> str:
    response = client.get(reverse("patrols:my_day"))
    assert response.status_code == 200
    return response.content.decode()


def _kept_queries(client) -> int:
    with CaptureQueriesContext(connection) as captured:
        _page(client)
    return len(captured)


def _without_csrf(html: str) -> str:
    """The page with its masked CSRF tokens blanked (they differ on every render, by design)."""
    html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', 'name="csrfmiddlewaretoken"', html)
    return re.sub(r'"X-CSRFToken": "[^"]+"', '"X-CSRFToken"', html)


def test_an_unchanged_week_is_served_from_the_cache(setup):
    world, officer, patrol, assignment, client = setup
    built = _page(client)
    assert _kept_queries(client) == KEPT_QUERIES
    kept = _page(client)
    assert f'id="patrol-{patrol.pk}"' in kept
    assert _without_csrf(kept) == _without_csrf(built)


def _other_officer(world, collar: str = "PC200"):
    return make_user(
        "second", role=Role.OFFICER, area=world.area_a, collar=collar, first_name="Noa", last_name="Brook"
    ).officer


CHANGES = {
    "moved": (
        lambda w, o, p, a: patrol_update(patrol=p, by=None, expected_version=None, starts_at=TOMORROW_9 + HOUR / 2),
        "09:30–10:00",
    ),
    "cancelled": (
        lambda w, o, p, a: patrol_cancel(patrol=p, by=None, reason="Road closed", expected_version=None),
        '<span class="badge danger">Cancelled</span>',
    ),
    "briefing": (
        lambda w, o, p, a: patrol_set_briefing(
            patrol=p,
            by=None,
            briefing_point="Car park, Brook Road",
            briefing_at=TOMORROW_9 - HOUR / 4,
            cst_team_leader=None,
            expected_version=None,
        ),
        "08:45 at Car park, Brook Road",
    ),
    "crew added": (
        lambda w, o, p, a: assignment_create(patrol=p, officer=_other_officer(w), by=None),
        "PC200 Noa Brook",
    ),
    "partner confirmed": (
        lambda w, o, p, a: slot_confirm(
            slot=slot_fill(slot=p.slots.get(), volunteer=w.objects["volunteer_a"], by=None), by=None
        ),
        "HS-01 ",
    ),
    "site notes": (
        lambda w, o, p, a: site_update(site=w.objects["site_a"], by=None, officer_notes="Side gate on Elm Walk"),
        "Side gate on Elm Walk",
    ),
    "area duty phone": (
        lambda w, o, p, a: _save(w.area_a, cst_duty_phone="020 7946 0123"),
        "020 7946 0123",
    ),
    "absence": (
        lambda w, o, p, a: absence_create(
            officer=o, kind="training", starts_on=date(2026, 1, 7), ends_on=date(2026, 1, 7), by=None
        ),
        "Training",
    ),
}


def _save(instance, **fields):
    for name, value in fields.items():
        setattr(instance, name, value)
    instance.save()


@pytest.mark.parametrize("change", CHANGES)
def test_each_change_reaches_the_next_page_load(setup, change):
    world, officer, patrol, assignment, client = setup
    make, shows = CHANGES[change]
    assert shows not in _page(client)
    assert _kept_queries(client) == KEPT_QUERIES  # kept
    make(world, officer, patrol, assignment)
    assert shows in _page(client)


def test_a_partner_renamed_or_an_officer_taken_off_reaches_the_week(setup):
    world, officer, patrol, assignment, client = setup
    slot = slot_fill(slot=patrol.slots.get(), volunteer=world.objects["volunteer_a"], by=None)
    slot_confirm(slot=slot, by=None)
    other = _other_officer(world)
    assignment_create(patrol=patrol, officer=other, by=None)
    assert "PC200 Noa Brook" in _page(client)
    volunteer_update(volunteer=world.objects["volunteer_a"], by=None, name="Ariel Stone")
    assert "HS-01 Ariel Stone" in _page(client)
    other.user.last_name = "Field"
    other.user.save()
    assert "PC200 Noa Field" in _page(client)
    assignment_delete(assignment=patrol.assignments.get(officer=other), by=None)
    assert "PC200" not in _page(client)
    assignment_delete(assignment=assignment, by=None)
    assert f'id="patrol-{patrol.pk}"' not in _page(client)


def test_a_check_in_and_the_outcome_task_reach_the_week(setup, stopped_clock):
    world, officer, patrol, assignment, client = setup
    stopped_clock.move_to(TOMORROW_9 + HOUR / 6)
    client.force_login(officer.user)  # a day on, the session has ended (12 hours)
    page = _page(client)
    assert "Arrived 09" not in page
    # "Arrived" shows now: what depends on the clock is worked out on each load, not kept.
    arrive = page[page.index(f'id="patrol-{patrol.pk}"') :]
    assert 'data-action="in">' in arrive[: arrive.index("</article>")]
    visit_check_in(patrol=patrol, officer=officer, by=officer.user, client_id=uuid.uuid4())
    assert "Arrived 09:10" in _page(client)
    ended = TOMORROW_9 + HOUR + timedelta(minutes=5)
    stopped_clock.move_to(ended)
    _page(client)
    # Kept; and with the patrol over, no patrol to come is shown, so no view record either.
    assert _kept_queries(client) == KEPT_QUERIES - 1
    patrols_mark_outcomes(now=ended)  # an update() of many rows, which sends no signals
    assert '<span class="badge ok">Completed</span>' in _page(client)


def test_the_week_is_built_again_on_a_new_day(setup, stopped_clock):
    world, officer, patrol, assignment, client = setup
    assert '<h2 id="day-heading-2">Tomorrow' in _page(client)
    stopped_clock.move_to(TOMORROW_9)
    client.force_login(officer.user)  # a day on, the session has ended (12 hours)
    page = _page(client)
    assert '<h2 id="day-heading-1">Today' in page
    assert page.index(f'id="patrol-{patrol.pk}"') < page.index('id="day-heading-2"')


def test_an_officer_removed_from_the_area_no_longer_sees_the_kept_week(setup):
    world, officer, patrol, assignment, client = setup
    assert f'id="patrol-{patrol.pk}"' in _page(client)
    officer.user.memberships.all().delete()
    assert client.get(reverse("patrols:my_day")).status_code == 403


def test_without_kept_weeks_every_load_builds_the_week(setup):
    world, officer, patrol, assignment, client = setup
    with override_settings(MY_DAY_SNAPSHOTS=False):
        _page(client)
        assert _kept_queries(client) > KEPT_QUERIES
        patrol_update(patrol=patrol, by=None, expected_version=None, starts_at=TOMORROW_9 + HOUR / 2)
        assert "09:30–10:00" in _page(client)


def test_a_kept_week_follows_each_areas_own_day(world, stopped_clock):
    """An officer of two areas far apart in time: when the far one's day turns (and the first
    area's has not), its next day comes into the week."""
    from sites.services import membership_grant

    officer = world.users["officer"].officer
    far = world.area_b
    far.timezone = "Pacific/Auckland"  # 13 hours ahead of London in January
    far.save()
    membership_grant(user=officer.user, area=far, role=Role.OFFICER)
    # 10:00 on Tuesday 13 January in Auckland: eight days after Auckland's Monday 5th ends.
    patrol = patrol_create_manual(
        site=world.objects["site_b"],
        starts_at=datetime(2026, 1, 12, 21, 0, tzinfo=UTC),
        ends_at=datetime(2026, 1, 12, 22, 0, tzinfo=UTC),
        by=None,
    )
    assignment_create(patrol=patrol, officer=officer, by=None)
    client = world.client("officer")
    stopped_clock.move_to(datetime(2026, 1, 5, 10, 55, tzinfo=UTC))  # 23:55 on the 5th in Auckland
    assert f'id="patrol-{patrol.pk}"' not in _page(client)
    assert _kept_queries(client) == KEPT_QUERIES - 1  # kept (no patrol shown: no view record)
    stopped_clock.move_to(datetime(2026, 1, 5, 11, 5, tzinfo=UTC))  # 00:05 on the 6th there
    assert f'id="patrol-{patrol.pk}"' in _page(client)


# ---- the whole page kept with the week ------------------------------------------------------------


def _rendered_templates(client) -> tuple[str, list[str]]:
    from django.test.signals import template_rendered

    names: list[str] = []

    def seen(sender, template, **kwargs):
        names.append(getattr(template, "name", ""))

    template_rendered.connect(seen)
    try:
        return _page(client), names
    finally:
        template_rendered.disconnect(seen)


def test_a_kept_page_renders_nothing_and_carries_its_own_csrf_token_and_load_time(setup, stopped_clock):
    from django.test import Client

    world, officer, patrol, assignment, client = setup
    first, rendered = _rendered_templates(client)
    assert "patrols/my_day.html" in rendered
    stopped_clock.move_to(NOW + timedelta(minutes=7))
    kept, rendered = _rendered_templates(client)
    assert rendered == []  # neither the layout nor the week rendered again
    assert _without_csrf(kept) != _without_csrf(first)  # the load time moved on…
    loaded = (NOW + timedelta(minutes=7)).isoformat()
    assert f'data-loaded-at="{loaded}"' in kept and "last loaded Mon 5 Jan 07:07." in kept
    # …and nothing else did.
    assert _without_csrf(kept).replace(loaded, "T").replace("07:07.", "t") == _without_csrf(first).replace(
        NOW.isoformat(), "T"
    ).replace("07:00.", "t")
    from patrols.my_day import CSRF_PLACEHOLDER, LOADED_AT_PLACEHOLDER, LOADED_AT_TEXT_PLACEHOLDER

    for placeholder in (CSRF_PLACEHOLDER, LOADED_AT_PLACEHOLDER, LOADED_AT_TEXT_PLACEHOLDER):
        assert placeholder not in kept and placeholder not in first

    # The token in a kept page is this session's: a check-in without JavaScript posts with it.
    checked = Client(enforce_csrf_checks=True)
    checked.force_login(officer.user)
    stopped_clock.move_to(TOMORROW_9)
    checked.force_login(officer.user)
    page = checked.get(reverse("patrols:my_day")).content.decode()
    page = checked.get(reverse("patrols:my_day")).content.decode()  # the kept one
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    response = checked.post(reverse("patrols:visit_arrive", args=[patrol.pk]), {"csrfmiddlewaretoken": token})
    assert response.status_code == 302
    assert officer.visits.count() == 1


def test_a_page_with_a_message_is_rendered_in_full_and_the_message_shown_once(setup, stopped_clock):
    world, officer, patrol, assignment, client = setup
    stopped_clock.move_to(TOMORROW_9)
    client.force_login(officer.user)
    _page(client)
    _page(client)  # kept
    response = client.post(reverse("patrols:visit_arrive", args=[patrol.pk]), follow=True)
    assert "Checked in at Beth Test Synagogue at 09:00." in response.content.decode()
    page = _page(client)
    assert "Checked in at" not in page and "Arrived 09:00" in page


def test_a_kept_page_is_kept_per_signed_in_user(world, stopped_clock):
    """Two officers on one patrol: each page says who is signed in, and shows the other."""
    other = make_user("second", role=Role.OFFICER, area=world.area_a, collar="PC200", first_name="Noa").officer
    officer = world.users["officer"].officer
    patrol = patrol_create_manual(
        site=world.objects["site_a"], starts_at=TOMORROW_9, ends_at=TOMORROW_9 + HOUR, by=None
    )
    for person in (officer, other):
        assignment_create(patrol=patrol, officer=person, by=None)
    mine, theirs = world.client("officer"), world.client("anonymous")
    theirs.force_login(other.user)
    for _ in range(2):  # built, then kept
        assert "Sign out officer" in _page(mine) and "PC200" in _page(mine)
        page = _page(theirs)
        assert "Sign out second" in page and "Sign out officer" not in page and "PC100" in page
