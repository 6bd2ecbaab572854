"""sites.auth.ShomerBackend: a session's user comes with their roles and officer profile in one
query, and what changes about them (roles, the account) counts from the next request."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from sites.models import Membership

pytestmark = pytest.mark.django_db


def test_the_user_their_roles_and_profile_are_one_query(world):
    client = world.client("officer")
    client.get(reverse("people:profile"))
    with CaptureQueriesContext(connection) as captured:
        assert client.get(reverse("people:profile")).status_code == 200
    loads = [q["sql"] for q in captured.captured_queries if '"auth_user"' in q["sql"] and "SELECT" in q["sql"]]
    assert len(loads) == 1, loads
    assert '"people_officer"' in loads[0] and '"protected_sites_membership"' in loads[0]


def test_a_role_taken_away_counts_from_the_next_request(world):
    client = world.client("inspector_a")
    assert client.get(reverse("patrols:rota")).status_code == 200
    Membership.objects.filter(user=world.users["inspector_a"]).delete()
    assert client.get(reverse("patrols:rota")).status_code == 403


def test_an_administrator_without_roles_is_signed_in(world):
    client = world.client("admin")
    assert client.get(reverse("admin:index")).status_code == 200


def test_a_deactivated_account_is_signed_out_on_its_next_request(world):
    client = world.client("officer")
    assert client.get(reverse("patrols:my_day")).status_code == 200
    user = world.users["officer"]
    user.is_active = False
    user.save()
    response = client.get(reverse("patrols:my_day"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_with_cached_sessions_a_signed_in_page_reads_no_session_row(world):
    from django.test import override_settings

    with override_settings(SESSION_ENGINE="django.contrib.sessions.backends.cached_db"):
        client = world.client("officer")
        client.get(reverse("people:profile"))
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("people:profile")).status_code == 200
    assert not [q for q in captured.captured_queries if '"django_session"' in q["sql"]]
