"""The officers API: who is listed to whom, each officer once."""

import pytest
from django.urls import reverse

from conftest import make_user
from sites.models import Role
from sites.services import membership_grant

pytestmark = pytest.mark.django_db


def _collars(response) -> list[str]:
    assert response.status_code == 200
    return [row["collar_number"] for row in response.json()["results"]]


def test_an_officer_rostered_in_two_areas_is_listed_once_and_only_where_rostered(world):
    both = make_user("pc.both", role=Role.OFFICER, area=world.area_a, collar="PC300")
    membership_grant(user=both, area=world.area_b, role=Role.OFFICER)
    membership_grant(user=world.users["inspector_a"], area=world.area_b, role=Role.INSPECTOR)
    url = reverse("officer-list")
    # inspector_a now inspects both areas, where pc.both is rostered twice: listed once. Their
    # own Officer row (I100) holds no officer role, so they are not listed.
    assert _collars(world.client("inspector_a").get(url)) == ["PC100", "PC300"]
    assert _collars(world.client("inspector_b").get(url)) == ["PC300"]
