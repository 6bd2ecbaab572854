"""An object cannot leave its area by an edit: sites, rules, volunteers and patrols keep the area
they were made in, whoever writes (API, edit pages, admin, services); moving means making a new
one. And no stored patrol is in another area than its site and its rule."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse

from calendar_rules import services as rule_services
from calendar_rules.models import PatrolRule
from calendar_rules.tests.factories import make_rule
from calendar_rules.tests.test_pages import form_data as rule_form_data
from conftest import make_site
from patrols.models import Patrol
from patrols.selectors import patrols_outside_their_area
from patrols.services import patrol_create_manual, patrol_update, rota_sync
from people.models import Volunteer
from people.services import volunteer_update
from sites.history import save_with_history
from sites.models import Role, Site
from sites.services import membership_grant, site_update

NOW = datetime(2026, 1, 5, 7, 0, tzinfo=UTC)


@pytest.fixture
def of_both(world):
    """inspector_a is made an inspector (and coordinator) of area B as well: the case where the
    area field's choices alone do not stop a move."""
    user = world.users["inspector_a"]
    membership_grant(user=user, area=world.area_b, role=Role.INSPECTOR)
    membership_grant(user=user, area=world.area_a, role=Role.CST_COORDINATOR)
    membership_grant(user=user, area=world.area_b, role=Role.CST_COORDINATOR)
    return world.client("inspector_a")


def _api_targets(world):
    rule = make_rule(world.area_a, site_selection="sites", site_kinds=[], sites=[world.objects["site_a"]])
    return {
        "site": (reverse("site-detail", args=[world.objects["site_a"].pk]), world.objects["site_a"], {}),
        "rule": (reverse("rule-detail", args=[rule.pk]), rule, {"version": rule.version}),
        "volunteer": (
            reverse("volunteer-detail", args=[world.objects["volunteer_a"].pk]),
            world.objects["volunteer_a"],
            {},
        ),
    }


@pytest.mark.parametrize("kind", ["site", "rule", "volunteer"])
@pytest.mark.parametrize("method", ["patch", "put"])
def test_the_api_refuses_to_move_an_object_to_another_area_naming_area(world, of_both, kind, method):
    url, obj, extra = _api_targets(world)[kind]
    body = {**of_both.get(url).json(), **extra, "area": world.area_b.slug}
    body.pop("id")
    response = getattr(of_both, method)(url, body, format="json")
    assert response.status_code == 400, response.content
    assert list(response.json()) == ["area"]
    assert "make a new" in response.json()["area"][0]
    obj.refresh_from_db()
    assert obj.area == world.area_a


@pytest.mark.parametrize("kind", ["site", "rule", "volunteer"])
def test_the_api_accepts_an_update_that_repeats_the_same_area(world, of_both, kind):
    url, obj, extra = _api_targets(world)[kind]
    response = of_both.patch(url, {**extra, "area": world.area_a.slug, "active": True}, format="json")
    assert response.status_code == 200, response.content


def test_the_api_still_creates_in_any_area_the_caller_inspects(world, of_both):
    body = {
        "area": world.area_b.slug,
        "name": "New Synagogue",
        "kind": "synagogue",
        "address": "2 Example Road",
        "postcode": "WD6 1AB",
        "latitude": "51.6",
        "longitude": "-0.27",
    }
    assert of_both.post(reverse("site-list"), body, format="json").status_code == 201


def test_services_refuse_a_move_whoever_calls_them(world):
    site, volunteer = world.objects["site_a"], world.objects["volunteer_a"]
    rule = make_rule(world.area_a)
    calls = [
        lambda: site_update(site=site, by=None, area=world.area_b),
        lambda: volunteer_update(volunteer=volunteer, by=None, area=world.area_b),
        lambda: rule_services.rule_update(rule=rule, by=None, expected_version=rule.version, area=world.area_b),
    ]
    for call in calls:
        with pytest.raises(ValidationError) as refused:
            call()
        assert "area" in refused.value.message_dict
    assert Site.objects.get(pk=site.pk).area == world.area_a
    assert Volunteer.objects.get(pk=volunteer.pk).area == world.area_a
    assert PatrolRule.objects.get(pk=rule.pk).area == world.area_a


@time_machine.travel(NOW, tick=False)
def test_a_patrol_cannot_be_moved_to_another_area_by_any_writer_that_validates(world):
    start = NOW + timedelta(days=1)
    site_a = world.objects["site_a"]
    patrol = patrol_create_manual(site=site_a, starts_at=start, ends_at=start + timedelta(hours=1), by=None)
    with pytest.raises(ValidationError) as refused:
        patrol_update(patrol=patrol, by=None, expected_version=patrol.version, site=world.objects["site_b"])
    assert "site" in refused.value.message_dict
    for fields in ({"area": world.area_b}, {"area": world.area_b, "site": world.objects["site_b"]}):
        moved = Patrol.objects.get(pk=patrol.pk)
        for name, value in fields.items():
            setattr(moved, name, value)
        with pytest.raises(ValidationError) as refused:
            save_with_history(moved, by=None, reason="moved")
        assert "area" in refused.value.message_dict or "site" in refused.value.message_dict
    patrol.refresh_from_db()
    assert (patrol.area, patrol.site) == (world.area_a, site_a)


@pytest.mark.parametrize("kind", ["site", "rule", "volunteer"])
def test_the_edit_pages_keep_the_area_whatever_is_posted(world, of_both, kind):
    site, volunteer = world.objects["site_a"], world.objects["volunteer_a"]
    if kind == "site":
        obj, url = site, reverse("sites:site_edit", args=[site.pk])
        data = {"name": site.name, "kind": site.kind, "address": site.address, "postcode": site.postcode}
        data |= {"latitude": site.latitude, "longitude": site.longitude, "risk_tier": site.risk_tier}
    elif kind == "volunteer":
        obj, url = volunteer, reverse("people:volunteer_edit", args=[volunteer.pk])
        data = {"call_sign": volunteer.call_sign, "name": volunteer.name, "phone": volunteer.phone}
        data |= {"email": volunteer.email, "card_expires": volunteer.card_expires.isoformat()}
    else:
        obj = make_rule(world.area_a, label="Shabbat morning", site_selection="sites", site_kinds=[], sites=[site])
        url = reverse("calendar_rules:rule_edit", args=[obj.pk])
        data = rule_form_data(world, version=obj.version)
    page = of_both.get(url).content.decode()
    assert "Fixed once set" in page
    response = of_both.post(url, {**data, "area": world.area_b.pk})
    assert response.status_code == 302, response.content.decode()
    obj.refresh_from_db()
    assert obj.area == world.area_a


@pytest.mark.parametrize("model", ["protected_sites/site", "calendar_rules/patrolrule", "people/volunteer"])
def test_the_admin_shows_the_area_read_only_once_set(world, model):
    site = world.objects["site_a"]
    obj = {
        "protected_sites/site": site,
        "calendar_rules/patrolrule": make_rule(world.area_a),
        "people/volunteer": world.objects["volunteer_a"],
    }[model]
    client = world.client("admin")
    change = client.get(f"/admin/{model}/{obj.pk}/change/").content.decode()
    assert 'name="area"' not in change  # shown as text, not a field
    add = client.get(f"/admin/{model}/add/").content.decode()
    assert 'name="area"' in add


@time_machine.travel(NOW, tick=False)
def test_no_generated_patrol_is_in_another_area_than_its_site_and_rule(world):
    for area, site in ((world.area_a, world.objects["site_a"]), (world.area_b, world.objects["site_b"])):
        make_site(area, name=f"School of {area.slug}", kind="school")
        make_rule(area, label="By kind", site_selection="kinds", site_kinds=["synagogue", "school"])
        make_rule(area, label="Chosen", site_selection="sites", site_kinds=[], sites=[site])
        rota_sync(area=area, now=NOW, start=NOW.date(), end=NOW.date() + timedelta(days=13))
    assert not patrols_outside_their_area().exists()
    assert patrols_outside_their_area().model.objects.count() == 2 * 14 * 3


def test_the_invariant_check_finds_a_patrol_in_another_area(world):
    """The check itself can fail: a patrol forced past the services into another area is found."""
    start = datetime(2030, 1, 1, 9, 0, tzinfo=UTC)
    patrol = patrol_create_manual(
        site=world.objects["site_a"], starts_at=start, ends_at=start + timedelta(hours=1), by=None
    )
    type(patrol).objects.filter(pk=patrol.pk).update(area=world.area_b)  # what no service may do
    assert list(patrols_outside_their_area()) == [patrol]


@override_settings(DEBUG=True)
def test_the_demo_rota_keeps_every_patrol_in_its_sites_and_rules_area(db):
    call_command("seed_demo", stdout=__import__("io").StringIO())
    assert not patrols_outside_their_area().exists()
