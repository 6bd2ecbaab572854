"""The rules API list and the calendar API cost the same number of queries for 3 rows as for 30."""

import pytest
from django.urls import reverse

from calendar_rules.tests.factories import make_rule
from conftest import make_site

pytestmark = pytest.mark.django_db


def test_the_rules_api_list_takes_the_same_queries_for_3_or_30_rules(world, django_assert_num_queries):
    sites = [make_site(world.area_a, name=f"Site {n}") for n in range(3)]
    client, url = world.client("inspector_a"), reverse("rule-list")

    def add_rules(first, last):
        for n in range(first, last):
            if n % 2:
                make_rule(world.area_a, label=f"Rule {n:02}", site_selection="sites", site_kinds=[], sites=sites)
            else:
                make_rule(world.area_a, label=f"Rule {n:02}", trigger="calendar", observance_keys=["yom_kippur"])

    add_rules(0, 3)
    client.get(url)  # warm the session
    # session, user, memberships, count, rules (with area), their sites (prefetched)
    with django_assert_num_queries(5):
        small = client.get(url).json()["results"]
    add_rules(3, 30)
    with django_assert_num_queries(5):
        large = client.get(url).json()["results"]
    assert (len(small), len(large)) == (3, 30)
    assert sorted(row["sites"] for row in large if row["site_selection"] == "sites")[0] == sorted(s.pk for s in sites)


def test_the_calendar_api_takes_the_same_queries_for_3_or_30_days(world, django_assert_num_queries):
    client, url = world.client("inspector_a"), reverse("calendar")
    client.get(url, {"area": "area-a", "start": "2025-09-20", "end": "2025-09-22"})  # warm the session
    # session, user, memberships, the area
    with django_assert_num_queries(3):
        small = client.get(url, {"area": "area-a", "start": "2025-09-20", "end": "2025-09-22"}).json()
    with django_assert_num_queries(3):
        large = client.get(url, {"area": "area-a", "start": "2025-09-20", "end": "2025-10-19"}).json()
    assert (len(small), len(large)) == (3, 30)
    assert "yom_kippur" in {observance["key"] for day in large for observance in day["observances"]}
