"""The volunteer's availability link: a signed, expiring token naming the volunteer and their
`links_version`. Signed (django.core.signing, the SECRET_KEY) rather than stored: the link is
good for many visits (a volunteer comes back when their plans change) until it expires or the
coordinator withdraws every link sent so far by raising the volunteer's `links_version`. An
altered token fails its signature and names nobody."""

from __future__ import annotations

from django.core import signing

SALT = "shomer.volunteer-availability"
# How long an availability link works: a season's planning, not for ever.
MAX_AGE_DAYS = 60


class LinkInvalid(Exception):
    """Not a token we made (altered, truncated, made with another key)."""


class LinkExpired(LinkInvalid):
    """A token we made, older than MAX_AGE_DAYS."""


def make_token(*, volunteer_id: int, links_version: int) -> str:
    return signing.TimestampSigner(salt=SALT).sign_object({"v": volunteer_id, "n": links_version})


def read_token(token: str, *, max_age_days: int = MAX_AGE_DAYS) -> tuple[int, int]:
    """(volunteer id, links version) of a token; LinkExpired or LinkInvalid when it is not good."""
    if not token or len(token) > 200:
        raise LinkInvalid(token)
    try:
        value = signing.TimestampSigner(salt=SALT).unsign_object(token, max_age=max_age_days * 86400)
    except signing.SignatureExpired as error:
        raise LinkExpired(token) from error
    except (signing.BadSignature, ValueError) as error:
        raise LinkInvalid(token) from error
    if not isinstance(value, dict) or not isinstance(value.get("v"), int) or not isinstance(value.get("n"), int):
        raise LinkInvalid(token)
    return value["v"], value["n"]
