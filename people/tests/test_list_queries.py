"""The volunteers page and the volunteers API list cost the same number of queries for 3
volunteers as for 30."""

from datetime import date

import pytest
import time_machine
from django.urls import reverse

from conftest import make_area, make_volunteer
from sites.models import Role
from sites.services import membership_grant

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]


@pytest.fixture
def frozen():
    with time_machine.travel(date(2026, 1, 5), tick=False):
        yield


def _add_volunteers(world, first: int, last: int) -> None:
    """Volunteers numbered [first, last), alternately in area A and a second area the coordinator
    of A also coordinates; every third one's card expired."""
    other = world.objects.get("area_c")
    if other is None:
        other = world.objects["area_c"] = make_area("area-c", name="Area C")
        membership_grant(user=world.users["coordinator"], area=other, role=Role.CST_COORDINATOR)
    for number in range(first, last):
        expires = date(2025, 12, 1) if number % 3 == 0 else date(2030, 1, 1)
        area = world.area_a if number % 2 else other
        make_volunteer(area, f"HQ-{number:02d}", name=f"Volunteer {number:02d}", card_expires=expires)


def test_the_volunteers_page_takes_the_same_queries_for_3_or_30_volunteers(world, django_assert_num_queries):
    client, url = world.client("coordinator"), reverse("people:volunteer_list")
    _add_volunteers(world, 0, 3)
    client.get(url)  # warm the session
    # session, user, memberships, count, volunteers (with area)
    with django_assert_num_queries(4):
        small = client.get(url).content.decode()
    _add_volunteers(world, 3, 30)
    with django_assert_num_queries(4):
        large = client.get(url).content.decode()
    assert small.count("Volunteer ") == 3 and large.count("Volunteer ") == 30
    assert large.count("Expired</span>") == 10 and "HQ-29" in large


def test_the_volunteers_api_list_takes_the_same_queries_for_3_or_30_volunteers(world, django_assert_num_queries):
    client, url = world.client("coordinator"), reverse("volunteer-list")
    _add_volunteers(world, 0, 3)
    client.get(url)  # warm the session
    # session, user, memberships, count, volunteers (with area)
    with django_assert_num_queries(4):
        small = client.get(url).json()["results"]
    _add_volunteers(world, 3, 30)
    with django_assert_num_queries(4):
        large = client.get(url).json()["results"]
    assert (len(small), len(large)) == (3 + 1, 30 + 1)  # and area A's HS-01
    assert {row["area"] for row in large} == {"area-a", "area-c"}
