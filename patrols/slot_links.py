"""Whether a volunteer's Accept / Decline link may still answer, and if not why. Pure: no Django,
no clock (the moment is passed in).

A link answers once, before its patrol starts, while the ask it answers still stands and the
patrol is still the one the volunteer was asked for. Every other state gets a page of its own
that says what happened, in words a volunteer reads on a phone.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

__all__ = ["LinkFacts", "LinkProblem", "link_problem"]

# The kinds of dead link, each its own page: answered already, withdrawn, expired.
USED = "used"
REVOKED = "revoked"
EXPIRED = "expired"


@dataclass(frozen=True, slots=True)
class LinkFacts:
    """A link and what it answers, as they are now."""

    answer: str  # "" until answered, else "accepted" / "declined"
    revoked_reason: str  # "" unless revoked
    revoked: bool
    expires_at: datetime
    patrol_starts_at: datetime
    patrol_scheduled: bool
    patrol_joint: bool
    patrol_as_asked: bool  # same start, end and site as when asked
    slot_awaits_them: bool  # the place is `requested` of this volunteer
    volunteer_active: bool
    confirmed_them: bool = False  # the place is `confirmed` for this volunteer (a coordinator did it)


@dataclass(frozen=True, slots=True)
class LinkProblem:
    kind: str  # USED, REVOKED or EXPIRED
    message: str


def link_problem(facts: LinkFacts, *, now: datetime) -> LinkProblem | None:
    """Why the link cannot answer at `now`, or None when it can. Answered beats revoked beats
    expired: a volunteer who answered is told what they answered, whatever happened since."""
    if facts.answer:
        return LinkProblem(USED, f"You have already answered this request: you {facts.answer} it.")
    if facts.confirmed_them:
        return LinkProblem(
            USED,
            "Your CST coordinator has already confirmed you for this place: there is nothing more to "
            "answer. If you cannot come after all, tell your coordinator.",
        )
    if facts.revoked:
        return LinkProblem(
            REVOKED, f"This request has been withdrawn: {facts.revoked_reason or 'it no longer stands'}."
        )
    if not facts.patrol_scheduled:
        return LinkProblem(REVOKED, "This request has been withdrawn: the patrol has been cancelled.")
    if not facts.patrol_joint:
        return LinkProblem(REVOKED, "This request has been withdrawn: the patrol no longer has CST places.")
    if not facts.patrol_as_asked:
        return LinkProblem(
            REVOKED, "This request has been withdrawn: the patrol has been moved. Your coordinator will ask again."
        )
    if not facts.volunteer_active:
        return LinkProblem(REVOKED, "This request has been withdrawn.")
    if now >= facts.expires_at or now >= facts.patrol_starts_at:
        return LinkProblem(EXPIRED, "This link has expired: the patrol has started.")
    if not facts.slot_awaits_them:
        return LinkProblem(REVOKED, "This request has been withdrawn: the place is no longer waiting for your answer.")
    return None


# 32 random bytes in URL-safe base64 (43 characters): hopeless to guess, so the link pages need
# no rate limit of their own (as the officer's calendar feed).
TOKEN_BYTES = 32


def new_token() -> str:
    import secrets

    return secrets.token_urlsafe(TOKEN_BYTES)


def token_hash(token: str) -> str:
    """What a link is looked up by: the SHA-256 of its secret, in hex (the secret is not kept)."""
    import hashlib

    return hashlib.sha256(token.encode()).hexdigest()
