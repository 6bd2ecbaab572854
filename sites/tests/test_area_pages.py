"""The area page: an inspector's settings of their area (validated, versioned, with history), and
its alert level raised and ended, with the banner on the board, My day and the joint planner."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse

from patrols.models import GenerationRun, RunTrigger
from sites.models import Area, AreaSurge
from sites.surges import surge_raise

NOW = datetime(2026, 1, 5, 7, 0, tzinfo=UTC)  # a Monday in winter: London time is UTC

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def settings_data(area: Area, **changes) -> dict:
    data = {
        "version": area.version,
        "timezone": str(area.timezone),
        "latitude": str(area.latitude),
        "longitude": str(area.longitude),
        "horizon_days": "" if area.horizon_days is None else area.horizon_days,
        "cst_duty_phone": area.cst_duty_phone,
        "max_duty_hours": area.max_duty_hours,
        "min_rest_hours": area.min_rest_hours,
        "check_in_flag_distance_m": area.check_in_flag_distance_m,
        "feed_shows_site_name": "on" if area.feed_shows_site_name else "",
        "escalation_shabbat_leads": area.escalation_shabbat_leads,
        "escalation_festival_days": area.escalation_festival_days,
        "escalation_festival_time": area.escalation_festival_time.strftime("%H:%M"),
    }
    return {**data, **changes}


def page(world, persona="inspector_a"):
    return reverse("sites:area_detail", args=[world.area_a.slug])


def test_the_area_list_shows_the_inspectors_areas_and_their_alert_level(world):
    surge_raise(area=world.area_a, by=world.users["inspector_a"], reason="Incident")
    html = world.client("inspector_a").get(reverse("sites:area_list")).content.decode()
    assert "Area A" in html and "Area B" not in html
    assert "Raised</span> until Thu 8 Jan 07:00" in html
    assert 'href="/sites/areas/"' in world.client("inspector_a").get(reverse("sites:site_list")).content.decode()


def test_saving_a_planning_setting_raises_the_version_keeps_history_and_queues_a_run(world):
    client = world.client("inspector_a")
    response = client.post(page(world), settings_data(world.area_a, timezone="Europe/Dublin", horizon_days="60"))
    assert response.status_code == 302
    area = Area.objects.get(pk=world.area_a.pk)
    assert (str(area.timezone), area.horizon_days, area.version) == ("Europe/Dublin", 60, 2)
    run = GenerationRun.objects.get()
    assert (run.trigger, run.requested_by, run.area) == (RunTrigger.SETTINGS, world.users["inspector_a"], area)
    html = client.get(page(world)).content.decode()
    assert "changed timezone, rota horizon (days) by inspector_a" in html
    assert "5 Jan 2026 07:00" in html


def test_a_setting_runs_do_not_plan_from_is_saved_without_a_run(world):
    client = world.client("inspector_a")
    response = client.post(page(world), settings_data(world.area_a, cst_duty_phone="020 7946 0000"))
    assert response.status_code == 302
    assert Area.objects.get(pk=world.area_a.pk).cst_duty_phone == "020 7946 0000"
    assert not GenerationRun.objects.exists()
    # Saving again without a change writes nothing.
    client.post(page(world), settings_data(Area.objects.get(pk=world.area_a.pk)))
    assert Area.objects.get(pk=world.area_a.pk).version == 2


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("latitude", "123", "Ensure this value is less than or equal to 90."),
        ("horizon_days", "400", "Ensure this value is less than or equal to 366."),
        ("timezone", "Mars/Olympus", "Select a valid choice."),
        ("cst_duty_phone", "call me", "Enter a phone number of digits"),
        ("escalation_festival_days", "soon", "is not a number of days from 1 to 14."),
    ],
)
def test_a_bad_setting_is_refused_with_its_message_and_nothing_changes(world, field, value, message):
    response = world.client("inspector_a").post(page(world), settings_data(world.area_a, **{field: value}))
    html = response.content.decode()
    assert response.status_code == 200 and f'id="id_{field}_error"' in html and message in html
    area = Area.objects.get(pk=world.area_a.pk)
    assert area.version == 1 and area.history.count() == 1 and not GenerationRun.objects.exists()
    assert (area.latitude, area.horizon_days) == (Decimal("51.65650"), None)


def test_a_stale_save_is_refused_and_the_other_change_is_kept(world):
    inspector = world.client("inspector_a")
    opened = settings_data(world.area_a)
    assert inspector.post(page(world), {**opened, "min_rest_hours": "12"}).status_code == 302
    response = inspector.post(page(world), {**opened, "min_rest_hours": "9"})
    html = response.content.decode()
    assert response.status_code == 200 and "changed by someone else since you opened them" in html
    assert Area.objects.get(pk=world.area_a.pk).min_rest_hours == 12


def test_raising_and_ending_the_alert_level_from_the_page(world):
    client = world.client("inspector_a")
    raise_url = reverse("sites:area_surge_raise", args=[world.area_a.slug])
    html = client.get(page(world)).content.decode()
    assert 'value="2026-01-08T07:00"' in html  # 72 hours from now, the default end

    response = client.post(raise_url, {"reason": "Incident nearby", "ends_at": "2026-01-06T19:30"})
    assert response.status_code == 302
    surge = AreaSurge.objects.get()
    assert (surge.reason, surge.raised_by, surge.ends_at) == (
        "Incident nearby",
        world.users["inspector_a"],
        datetime(2026, 1, 6, 19, 30, tzinfo=UTC),
    )
    assert GenerationRun.objects.get().trigger == RunTrigger.SURGE
    html = client.get(page(world)).content.decode()
    assert "Alert level raised:</strong> Incident nearby, until" in html and "End the raised alert level now" in html

    response = client.post(reverse("sites:area_surge_end", args=[world.area_a.slug]))
    assert response.status_code == 302
    surge.refresh_from_db()
    assert (surge.ended_by, surge.ended_at) == (world.users["inspector_a"], NOW)
    assert GenerationRun.objects.filter(trigger=RunTrigger.SURGE).count() == 2
    html = client.get(page(world)).content.decode()
    assert "Raise the alert level" in html
    assert "raised by inspector_a: Incident nearby; ended by inspector_a on 5 Jan 2026 07:00" in html


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"reason": "Incident", "ends_at": "2026-01-05T06:59"}, "The end must be in the future."),
        ({"reason": "Incident", "ends_at": "2026-01-19T07:01"}, "at most 14 days at once"),
        ({"reason": "", "ends_at": "2026-01-06T07:00"}, "This field is required."),
        ({"reason": "Incident", "ends_at": "tomorrow"}, "Enter a valid date/time."),
        # The hour the clocks go back in London is there twice: which one is not guessed.
        ({"reason": "Incident", "ends_at": "2026-10-25T01:30"}, "be interpreted in time zone Europe/London"),
    ],
)
def test_a_bad_raise_is_refused_with_its_message_and_nothing_is_raised(world, data, message):
    response = world.client("inspector_a").post(reverse("sites:area_surge_raise", args=[world.area_a.slug]), data)
    assert response.status_code == 200 and message in response.content.decode()
    assert not AreaSurge.objects.exists() and not GenerationRun.objects.exists()


def test_the_banner_shows_on_the_board_my_day_and_the_planner_of_the_area_only(world):
    surge_raise(area=world.area_a, by=world.users["inspector_a"], reason="Incident nearby")
    banner = "Alert level raised:</strong> Incident nearby, until <time"
    for persona, url in [
        ("inspector_a", reverse("patrols:rota")),
        ("officer", reverse("patrols:my_day")),
        ("coordinator", reverse("patrols:joint")),
    ]:
        html = world.client(persona).get(url).content.decode()
        assert banner in html and "Thu 8 Jan 07:00" in html, persona
    assert banner not in world.client("inspector_b").get(reverse("patrols:rota")).content.decode()


def test_the_banner_goes_once_the_end_has_passed_even_before_the_expiry_task(world, clock):
    surge_raise(area=world.area_a, by=world.users["inspector_a"], reason="Incident nearby")
    clock.move_to(NOW + timedelta(hours=72))
    assert "Alert level raised" not in world.client("officer").get(reverse("patrols:my_day")).content.decode()
