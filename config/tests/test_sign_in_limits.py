"""Sign-in is limited per address as well as per username at an address (django-axes with
config.auth.AddressAwareAxesHandler), on the sign-in page and the API token endpoint alike."""

import pytest
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

ATTACKER = "203.0.113.7"
ELSEWHERE = "198.51.100.20"


@pytest.fixture
def limits(settings):
    settings.AXES_FAILURE_LIMIT = 3
    settings.AXES_ADDRESS_FAILURE_LIMIT = 8
    # The token endpoint's own per-address rate limit is not what is under test here.
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {**settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], "token": "1000/minute"},
    }
    return settings


def _guess_on_the_sign_in_page(username, password="wrong", address=ATTACKER):
    return Client(REMOTE_ADDR=address).post(reverse("login"), {"username": username, "password": password})


def _guess_at_the_token_endpoint(username, password="wrong", address=ATTACKER):
    return APIClient(REMOTE_ADDR=address).post(
        reverse("api-token"), {"username": username, "password": password}, format="json"
    )


@pytest.mark.parametrize("guess", [_guess_on_the_sign_in_page, _guess_at_the_token_endpoint])
def test_many_usernames_from_one_address_lock_that_address_out(world, limits, guess):
    # Two wrong passwords for each of four usernames: no pair reaches its limit of 3, the address
    # reaches its limit of 8 on the last one.
    usernames = ["inspector_a", "officer", "coordinator", "nobody"]
    statuses = [guess(username).status_code for _ in range(2) for username in usernames]
    assert 429 not in statuses[:-1]
    assert statuses[-1] == 429
    # Now even the right password of a user who never failed is refused from that address...
    assert guess("inspector_b", password="pw").status_code == 429
    # ...and answered from another address.
    assert guess("inspector_b", password="pw", address=ELSEWHERE).status_code in (200, 302)


def test_the_address_count_spans_the_sign_in_page_and_the_token_endpoint(world, limits):
    for username in ["a1", "a2", "a3", "a4"]:
        assert _guess_on_the_sign_in_page(username).status_code == 200
    for username in ["b1", "b2", "b3"]:
        assert _guess_at_the_token_endpoint(username).status_code == 400
    assert _guess_at_the_token_endpoint("b4").status_code == 429
    assert _guess_on_the_sign_in_page("inspector_a", password="pw").status_code == 429


def test_signing_in_to_one_account_does_not_clear_the_address_count(world, limits):
    for username in ["a1", "a2", "a3", "a4", "a5", "a6", "a7"]:
        _guess_on_the_sign_in_page(username)
    assert _guess_on_the_sign_in_page("officer", password="pw").status_code == 302
    assert _guess_on_the_sign_in_page("a8").status_code == 429


def test_below_the_address_limit_only_the_pair_is_locked(world, limits):
    for _ in range(3):
        _guess_on_the_sign_in_page("inspector_a")
    assert _guess_on_the_sign_in_page("inspector_a", password="pw").status_code == 429
    assert _guess_on_the_sign_in_page("officer", password="pw").status_code == 302


def test_behind_a_proxy_the_address_is_the_client_the_outermost_proxy_saw(world, limits):
    limits.REST_FRAMEWORK = {**limits.REST_FRAMEWORK, "NUM_PROXIES": 1}
    proxy = {"REMOTE_ADDR": "10.0.0.2"}
    client = Client()
    for number in range(8):
        client.post(
            reverse("login"), {"username": f"user{number}", "password": "x"}, HTTP_X_FORWARDED_FOR=ATTACKER, **proxy
        )
    locked = client.post(
        reverse("login"), {"username": "officer", "password": "pw"}, HTTP_X_FORWARDED_FOR=ATTACKER, **proxy
    )
    assert locked.status_code == 429
    # The same proxy, another client behind it: not affected.
    elsewhere = client.post(
        reverse("login"), {"username": "officer", "password": "pw"}, HTTP_X_FORWARDED_FOR=ELSEWHERE, **proxy
    )
    assert elsewhere.status_code == 302
