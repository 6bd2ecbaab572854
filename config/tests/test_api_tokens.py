"""API tokens (django-rest-knox): hashed at rest, one per sign-in, expiring, revocable by the
client that holds one, and revoked all at once by a password change or a deactivation."""

import hashlib
from datetime import UTC, datetime, timedelta

import time_machine
import yaml
from django.contrib.auth import get_user_model
from django.urls import reverse
from knox.models import AuthToken
from rest_framework.test import APIClient

ISSUED_AT = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
NEW_PASSWORD = "Lantern-Orchard-42-Vigil"


def _sign_in(username="inspector_a", password="pw") -> str:
    response = APIClient().post(reverse("api-token"), {"username": username, "password": password}, format="json")
    assert response.status_code == 200, response.content
    return response.data["token"]


def _status_with(token: str) -> int:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return client.get(reverse("patrol-list")).status_code


def test_a_token_works_and_only_its_digest_is_stored(world):
    token = _sign_in()
    assert _status_with(token) == 200
    stored = AuthToken.objects.get(user=world.users["inspector_a"])
    assert stored.digest == hashlib.sha512(token.encode()).hexdigest()
    stored_values = [str(value) for value in AuthToken.objects.values_list("digest", "token_key", "user_id").get()]
    assert not any(token in value for value in stored_values)


def test_each_sign_in_gets_its_own_token(world):
    first, second = _sign_in(), _sign_in()
    assert first != second
    assert AuthToken.objects.filter(user=world.users["inspector_a"]).count() == 2


def test_a_token_expires_after_the_configured_time(world, settings):
    settings.REST_KNOX = {**settings.REST_KNOX, "TOKEN_TTL": timedelta(hours=3)}
    with time_machine.travel(ISSUED_AT, tick=False) as clock:
        response = APIClient().post(reverse("api-token"), {"username": "inspector_a", "password": "pw"}, format="json")
        token = response.data["token"]
        assert response.data["expiry"].startswith("2026-03-02T12:00:00")
        clock.move_to(ISSUED_AT + timedelta(hours=2, minutes=59))
        assert _status_with(token) == 200
        clock.move_to(ISSUED_AT + timedelta(hours=3, minutes=1))
        assert _status_with(token) == 401
    assert not AuthToken.objects.exists()


def test_a_token_lasts_twelve_hours_by_default(world):
    with time_machine.travel(ISSUED_AT, tick=False):
        response = APIClient().post(reverse("api-token"), {"username": "inspector_a", "password": "pw"}, format="json")
    assert AuthToken.objects.get().expiry == ISSUED_AT + timedelta(hours=12)
    assert response.data["expiry"].startswith("2026-03-02T21:00:00")


def test_delete_revokes_only_the_token_that_sent_it(world):
    kept, revoked = _sign_in(), _sign_in()
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {revoked}")
    assert client.delete(reverse("api-token")).status_code == 204
    assert _status_with(revoked) == 401
    assert _status_with(kept) == 200
    assert AuthToken.objects.count() == 1


def test_delete_needs_a_token(world):
    assert APIClient().delete(reverse("api-token")).status_code == 401
    # A browser session is no token: there is nothing for it to revoke.
    assert world.client("inspector_a").delete(reverse("api-token")).status_code == 401


def test_changing_the_password_on_its_page_revokes_every_token_of_that_user(world, client):
    tokens = [_sign_in(), _sign_in()]
    someone_else = _sign_in("officer")
    client.force_login(world.users["inspector_a"])
    response = client.post(
        reverse("password_change"),
        {"old_password": "pw", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == 302
    assert [_status_with(token) for token in tokens] == [401, 401]
    assert _status_with(someone_else) == 200
    assert _status_with(_sign_in(password=NEW_PASSWORD)) == 200


def test_an_administrator_setting_a_password_revokes_every_token_of_that_user(world):
    token = _sign_in("officer")
    user = world.users["officer"]
    response = world.client("admin").post(
        reverse("admin:auth_user_password_change", args=[user.pk]),
        {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD, "usable_password": "true"},
    )
    assert response.status_code == 302
    assert _status_with(token) == 401


def test_deactivating_a_user_in_the_admin_revokes_every_token_and_reactivating_restores_none(world):
    token = _sign_in("officer")
    user = world.users["officer"]
    admin = world.client("admin")
    form = {
        "username": user.username,
        "first_name": "",
        "last_name": "",
        "email": "",
        "date_joined_0": "2026-01-01",
        "date_joined_1": "09:00:00",
        "initial-date_joined_0": "2026-01-01",
        "initial-date_joined_1": "09:00:00",
    }
    response = admin.post(reverse("admin:auth_user_change", args=[user.pk]), form)  # is_active unticked
    assert response.status_code == 302, response.content[:2000]
    user.refresh_from_db()
    assert not user.is_active
    assert not AuthToken.objects.filter(user=user).exists()
    response = admin.post(reverse("admin:auth_user_change", args=[user.pk]), {**form, "is_active": "on"})
    assert response.status_code == 302
    assert _status_with(token) == 401


def test_saving_a_user_without_touching_the_password_keeps_their_tokens(world):
    token = _sign_in("officer")
    user = get_user_model().objects.get(username="officer")
    user.first_name = "Pat"
    user.save()
    assert _status_with(token) == 200


def test_the_schema_documents_the_token_scheme_and_both_methods(world):
    response = world.client("inspector_a").get(reverse("api-schema"))
    schema = yaml.safe_load(response.content)
    schemes = schema["components"]["securitySchemes"]
    assert schemes["knoxApiToken"]["name"] == "Authorization"
    assert "tokenAuth" not in schemes
    operations = schema["paths"]["/api/v1/auth/token/"]
    assert set(operations) >= {"post", "delete"}
    assert operations["delete"]["security"] == [{"knoxApiToken": []}]
    assert {"knoxApiToken": []} in schema["paths"]["/api/v1/sites/"]["get"]["security"]
