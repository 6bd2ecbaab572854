"""The sites page and the sites API list cost the same number of queries for 3 sites as for 30."""

import re

import pytest
from django.urls import reverse

from conftest import make_area, make_site
from sites.models import SiteKind

pytestmark = pytest.mark.django_db


def _add_sites(world, first: int, last: int) -> None:
    """Sites numbered [first, last), alternately in area A and a second area the inspector of A
    also inspects (so each row's area is not the same object every time)."""
    from sites.models import Role
    from sites.services import membership_grant

    other = world.objects.get("area_c")
    if other is None:
        other = world.objects["area_c"] = make_area("area-c", name="Area C")
        membership_grant(user=world.users["inspector_a"], area=other, role=Role.INSPECTOR)
    for number in range(first, last):
        area = world.area_a if number % 2 else other
        make_site(area, name=f"School {number:02d}", kind=SiteKind.SCHOOL)


def test_the_sites_page_takes_the_same_queries_for_3_or_30_sites(world, django_assert_num_queries):
    client, url = world.client("inspector_a"), reverse("sites:site_list")
    _add_sites(world, 0, 3)
    client.get(url)  # warm the session
    # session, user, memberships, count, sites (with area)
    with django_assert_num_queries(4):
        small = client.get(url).content.decode()
    _add_sites(world, 3, 30)
    with django_assert_num_queries(4):
        large = client.get(url).content.decode()
    assert len(set(re.findall(r"School \d\d", small))) == 3 and len(set(re.findall(r"School \d\d", large))) == 30
    assert "Area C" in large


def test_the_sites_api_list_takes_the_same_queries_for_3_or_30_sites(world, django_assert_num_queries):
    client, url = world.client("inspector_a"), reverse("site-list")
    _add_sites(world, 0, 3)
    client.get(url)  # warm the session
    # session, user, memberships, count, sites (with area)
    with django_assert_num_queries(4):
        small = client.get(url).json()["results"]
    _add_sites(world, 3, 30)
    with django_assert_num_queries(4):
        large = client.get(url).json()["results"]
    assert (len(small), len(large)) == (3 + 1, 30 + 1)  # and area A's own synagogue
    assert {row["area"] for row in large} == {"area-a", "area-c"}
