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
    from people.models import VolunteerUnavailability

    world.objects["unavailable_a"] = VolunteerUnavailability.objects.create(
        volunteer=volunteer, on_date=patrol.starts_at.date().replace(year=patrol.starts_at.year + 1)
    )
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


def _ask_many(slot: str):
    return lambda w: reverse("patrols:joint_ask_many") + f"?slots={w.objects[slot].pk}"


def _pk(route: str, key: str):
    return lambda w: reverse(route, args=[w.objects[key].pk])


def _pairs(slot: str, volunteer: str):
    return lambda w: {"pairs": [{"slot": w.objects[slot].pk, "volunteer": w.objects[volunteer].pk}]}


def _unmark(w):
    mark = w.objects["unavailable_a"]
    return reverse("volunteer-unavailability-date", args=[mark.volunteer_id, mark.on_date.isoformat()])


ROWS += [
    Row(
        "ask several page (open place in A)",
        "patrols:joint_ask_many",
        "GET",
        _ask_many("slot_open"),
        outcomes(302, 403, 200, 403, 403, 200),
    ),
    Row(
        "ask several page (place in B)",
        "patrols:joint_ask_many",
        "GET",
        _ask_many("slot_b"),
        outcomes(302, 403, 404, 403, 403, 200),
    ),
    Row(
        "ask several (open place in A)",
        "patrols:joint_ask_many",
        "POST",
        lambda w: reverse("patrols:joint_ask_many"),
        outcomes(302, 403, 200, 403, 403, 200),
        data=lambda w: {"slots": [w.objects["slot_open"].pk], "volunteers": [w.objects["volunteer_a2"].pk]},
    ),
    Row(
        "send availability link (volunteer of A)",
        "patrols:volunteer_availability_link",
        "POST",
        _pk("patrols:volunteer_availability_link", "volunteer_a"),
        outcomes(302, 403, 302, 403, 403, 302),
    ),
    Row(
        "send availability link (volunteer of B)",
        "patrols:volunteer_availability_link",
        "POST",
        _pk("patrols:volunteer_availability_link", "volunteer_b"),
        outcomes(302, 403, 404, 403, 403, 302),
    ),
    Row(
        "withdraw availability links (volunteer of A)",
        "people:volunteer_links_revoke",
        "POST",
        _pk("people:volunteer_links_revoke", "volunteer_a"),
        outcomes(302, 403, 302, 403, 403, 302),
    ),
    Row(
        "withdraw availability links (volunteer of B)",
        "people:volunteer_links_revoke",
        "POST",
        _pk("people:volunteer_links_revoke", "volunteer_b"),
        outcomes(302, 403, 404, 403, 403, 302),
    ),
    Row(
        "api slot ask (open place in A)",
        "slot-ask",
        "POST",
        _pk("slot-ask", "slot_open"),
        outcomes(401, 403, 200, 403, 403, 200),
        data=lambda w: {"volunteer": w.objects["volunteer_a2"].pk},
        format="json",
    ),
    Row(
        "api slot ask (place in B)",
        "slot-ask",
        "POST",
        _pk("slot-ask", "slot_b"),
        outcomes(401, 403, 404, 403, 403, 200),
        data=lambda w: {"volunteer": w.objects["volunteer_b"].pk},
        format="json",
    ),
    Row(
        "api slots ask-many (place in A)",
        "slot-ask-many",
        "POST",
        lambda w: reverse("slot-ask-many"),
        outcomes(401, 403, 200, 403, 403, 200),
        data=_pairs("slot_open", "volunteer_a2"),
        format="json",
    ),
    Row(
        "api slots ask-many (place in B)",
        "slot-ask-many",
        "POST",
        lambda w: reverse("slot-ask-many"),
        outcomes(401, 403, 404, 403, 403, 200),
        data=_pairs("slot_b", "volunteer_b"),
        format="json",
    ),
    Row(
        "api volunteer unavailability (A)",
        "volunteer-unavailability",
        "GET",
        _pk("volunteer-unavailability", "volunteer_a"),
        outcomes(401, 403, 200, 403, 403, 200),
    ),
    Row(
        "api volunteer unavailability (B)",
        "volunteer-unavailability",
        "GET",
        _pk("volunteer-unavailability", "volunteer_b"),
        outcomes(401, 403, 404, 403, 403, 200),
    ),
    Row(
        "api volunteer unavailability mark (A)",
        "volunteer-unavailability",
        "POST",
        _pk("volunteer-unavailability", "volunteer_a"),
        outcomes(401, 403, 201, 403, 403, 201),
        data=lambda w: {"on_date": "2027-03-06", "note": "away"},
        format="json",
    ),
    Row(
        "api volunteer unavailability unmark (A)",
        "volunteer-unavailability-date",
        "DELETE",
        _unmark,
        outcomes(401, 403, 204, 403, 403, 204),
    ),
]
