"""Access-matrix rows of issue 11's volunteer parts (added to patrols/tests/access_rows.py's
ROWS): the volunteers' personal link pages (no login: the secret is the credential, so every
persona, signed in or not, gets the same answer), asking one or several volunteers, the
availability link button, and the unavailable dates API."""

from django.urls import reverse

from config.tests.access import Row, outcomes

MATRIX_TOKEN = "matrix-link-secret-0123456789abcdefghijklmnopqrs"


def build(world):
    """A standing link (known secret) for the requested place of HS-01 in area A, and an
    availability link of HS-01."""
    from patrols import availability_links, slot_links
    from patrols.models import SlotInvitation

    if "invitation_a" in world.objects:
        return
    slot = world.objects["slot_requested"]
    patrol = slot.patrol
    world.objects["invitation_a"] = SlotInvitation.objects.create(
        slot=slot,
        volunteer=slot.volunteer,
        token_hash=slot_links.token_hash(MATRIX_TOKEN),
        expires_at=patrol.starts_at,
        starts_at=patrol.starts_at,
        ends_at=patrol.ends_at,
        site_id=patrol.site_id,
    )
    volunteer = world.objects["volunteer_a"]
    world.objects["availability_token"] = availability_links.make_token(
        volunteer_id=volunteer.pk, links_version=volunteer.links_version
    )


def _answer(answer: str, token: str = MATRIX_TOKEN):
    return lambda w: reverse("links:slot_answer", args=[token, answer])


def _availability(w):
    return reverse("links:availability", args=[w.objects["availability_token"]])


EVERYONE_200 = outcomes(200, 200, 200, 200, 200, 200)

ROWS = [
    Row("volunteer link: accept page", "links:slot_answer", "GET", _answer("accept"), EVERYONE_200),
    Row("volunteer link: decline (answers)", "links:slot_answer", "POST", _answer("decline"), EVERYONE_200),
    Row(
        "volunteer link: an unknown secret",
        "links:slot_answer",
        "GET",
        _answer("accept", "no-such-secret"),
        outcomes(404, 404, 404, 404, 404, 404),
    ),
    Row("volunteer availability page", "links:availability", "GET", _availability, EVERYONE_200),
    Row(
        "volunteer availability save",
        "links:availability",
        "POST",
        _availability,
        EVERYONE_200,
        data=lambda w: {"unavailable": [], "other_date": ""},
    ),
    Row(
        "volunteer availability: an altered link",
        "links:availability",
        "GET",
        lambda w: reverse("links:availability", args=[w.objects["availability_token"] + "x"]),
        outcomes(404, 404, 404, 404, 404, 404),
    ),
]
