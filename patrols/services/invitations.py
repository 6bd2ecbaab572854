"""Volunteers answering for themselves: the personal Accept / Decline link of an ask, its email,
its answer, and the coordinators told of it.

`slot_fill` (a coordinator asks a volunteer for a place) calls `invitation_issue` in its own
transaction: the link's row and the SLOT_ASKED email to the volunteer are written with the ask, or
not at all. The email names the day only — a patrol's time and site never travel in email
(DESIGN.md §6: future patrol times at Jewish sites are security-sensitive; mail is forwarded and
kept) — and the page the link opens shows them, behind a secret only that volunteer holds.

`slot_answer` is the link's POST: the answer goes through the slot services (confirm / decline)
with no user as the editor and a history reason naming the volunteer, and each CST coordinator of
the area gets a SLOT_ANSWERED email (the day and the answer, a link to the patrol's page).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone

from notifications.models import NotificationKind
from notifications.services import notification_queue
from people.models import Volunteer
from sites.history import editor_user
from sites.models import Role

from .. import slot_links
from ..models import InvitationAnswer, Patrol, PatrolKind, PatrolStatus, SlotInvitation, SlotStatus, VolunteerSlot

if TYPE_CHECKING:
    from sites.history import Editor

ANSWERS = {"accept": InvitationAnswer.ACCEPTED, "decline": InvitationAnswer.DECLINED}


class LinkRefused(Exception):
    """The link cannot answer: `problem` says why (used, revoked, expired), for its page."""

    def __init__(self, problem: slot_links.LinkProblem, invitation: SlotInvitation):
        super().__init__(problem.message)
        self.problem = problem
        self.invitation = invitation


def patrol_day_text(patrol: Patrol) -> str:
    """'Saturday 5 December 2026': the patrol's local day, all an email may say of when."""
    day = patrol.starts_at.astimezone(patrol.area.zone)
    return f"{day:%A} {day.day} {day:%B %Y}"


def slot_asked_email(*, volunteer: Volunteer, patrol: Patrol, token: str) -> tuple[str, str]:
    """The subject and body of the email asking a volunteer for a place: the day, the area and
    two links; not the time or the site (see the module's docstring)."""
    day = patrol_day_text(patrol)
    accept = settings.SITE_URL + reverse("links:slot_answer", args=[token, "accept"])
    decline = settings.SITE_URL + reverse("links:slot_answer", args=[token, "decline"])
    subject = f"CST patrol on {day}: can you take a place?"
    body = (
        f"Dear {volunteer.name},\n\n"
        f"The CST coordinators of {patrol.area.name} ask whether you can take a place on a joint "
        f"patrol with police on {day}.\n\n"
        f"Accept:\n{accept}\n\n"
        f"Decline:\n{decline}\n\n"
        "Each link opens a page with the patrol's time and place and asks you to confirm your answer. "
        "The links are yours alone: please do not forward this email. They work once, and stop "
        "working when the patrol starts.\n\n"
        "The time and place are not in this email on purpose: they stay behind your personal link.\n"
    )
    return subject, body


def slot_answered_email(*, invitation: SlotInvitation, patrol: Patrol) -> tuple[str, str]:
    """The coordinators' email: who answered what for which day, and a link to the patrol's page."""
    volunteer = invitation.volunteer
    day = patrol_day_text(patrol)
    said = "accepted" if invitation.answer == InvitationAnswer.ACCEPTED else "declined"
    link = settings.SITE_URL + reverse("patrols:joint_patrol", args=[patrol.pk])
    subject = f"{volunteer.call_sign} {said} a CST place on {day}"
    body = (
        f"{volunteer.call_sign} {volunteer.name} {said} the place they were asked for on a joint patrol "
        f"on {day}, from their personal link.\n\n"
        f"See the patrol's places, after signing in:\n{link}\n"
    )
    return subject, body


def _standing_revoke(links: QuerySet[SlotInvitation], *, reason: str, now: datetime | None) -> int:
    return links.filter(answered_at__isnull=True, revoked_at__isnull=True).update(
        revoked_at=now or timezone.now(), revoked_reason=reason[:200]
    )


def invitations_revoke(*, slot: VolunteerSlot, reason: str, now: datetime | None = None) -> int:
    """Withdraw every standing (unanswered, unrevoked) link of `slot`: its ask is settled or gone.
    Call inside the transaction that changes the slot."""
    return _standing_revoke(SlotInvitation.objects.filter(slot=slot), reason=reason, now=now)


# What the dead link's page says; whoever holds the link (perhaps not the volunteer: an old
# mailbox) learns nothing more.
VOLUNTEER_LINKS_REVOKED = "your CST coordinator has withdrawn the links sent to you so far"


def volunteer_invitations_revoke(*, volunteer: Volunteer, now: datetime | None = None) -> int:
    """Withdraw every standing link sent to `volunteer`, whatever place it asks for. The place
    stays asked of them: the coordinator settles it (by phone, or asks again for a new link)."""
    return _standing_revoke(SlotInvitation.objects.filter(volunteer=volunteer), reason=VOLUNTEER_LINKS_REVOKED, now=now)


def on_volunteer_links_withdrawn(sender: object, *, volunteer: Volunteer, **kwargs: object) -> None:
    """people.signals.volunteer_links_withdrawn (a new email address, a deactivation, the
    coordinator's "withdraw links"): sent inside that transaction, so both commit or neither."""
    volunteer_invitations_revoke(volunteer=volunteer)


def invitation_issue(*, slot: VolunteerSlot, patrol: Patrol, volunteer: Volunteer, by: Editor) -> str | None:
    """Make the volunteer's link for the place they were just asked for, and queue the email that
    carries it; earlier links of the place are withdrawn. Returns the link's secret (kept nowhere
    but in the email), or None when the volunteer has no email address (the coordinator phones)."""
    now = timezone.now()
    invitations_revoke(slot=slot, reason="the place was asked again", now=now)
    if not volunteer.email:
        return None
    token = slot_links.new_token()
    invitation = SlotInvitation.objects.create(
        slot=slot,
        volunteer=volunteer,
        token_hash=slot_links.token_hash(token),
        asked_by=editor_user(by),
        expires_at=patrol.starts_at,
        starts_at=patrol.starts_at,
        ends_at=patrol.ends_at,
        site_id=patrol.site_id,
    )
    subject, body = slot_asked_email(volunteer=volunteer, patrol=patrol, token=token)
    notification_queue(
        kind=NotificationKind.SLOT_ASKED,
        event_key=f"slot_asked:{invitation.pk}",
        subject=subject,
        body=body,
        area=patrol.area,
        to_volunteer=volunteer,
        about=invitation,
    )
    return token


def invitation_for_token(token: str) -> SlotInvitation | None:
    """The link whose secret is `token`, with its place, patrol, site, area and volunteer; None
    for a secret nobody was sent (mistyped, altered). One query."""
    if not token or len(token) > 100:
        return None
    return (
        SlotInvitation.objects.select_related(
            "volunteer", "slot__patrol__site", "slot__patrol__area", "slot__volunteer"
        )
        .filter(token_hash=slot_links.token_hash(token))
        .first()
    )


def link_facts(invitation: SlotInvitation) -> slot_links.LinkFacts:
    """The link and its place and patrol as they are now (the rows loaded with it)."""
    slot = invitation.slot
    patrol = slot.patrol
    return slot_links.LinkFacts(
        answer=invitation.answer,
        revoked_reason=invitation.revoked_reason,
        revoked=invitation.revoked_at is not None,
        expires_at=invitation.expires_at,
        patrol_starts_at=patrol.starts_at,
        patrol_scheduled=patrol.status == PatrolStatus.SCHEDULED,
        patrol_joint=patrol.kind == PatrolKind.JOINT,
        patrol_as_asked=(
            patrol.starts_at == invitation.starts_at
            and patrol.ends_at == invitation.ends_at
            and patrol.site_id == invitation.site_id
        ),
        slot_awaits_them=slot.status == SlotStatus.REQUESTED and slot.volunteer_id == invitation.volunteer_id,
        volunteer_active=invitation.volunteer.active,
        confirmed_them=slot.status == SlotStatus.CONFIRMED and slot.volunteer_id == invitation.volunteer_id,
    )


def link_problem(invitation: SlotInvitation, *, now: datetime) -> slot_links.LinkProblem | None:
    return slot_links.link_problem(link_facts(invitation), now=now)


@dataclass(frozen=True)
class Answered:
    invitation: SlotInvitation
    slot: VolunteerSlot


def slot_answer(*, invitation: SlotInvitation, answer: str) -> Answered:
    """The volunteer's answer from their link: `accept` confirms the place, `decline` declines it,
    through the slot services (the history says the volunteer answered from their link), and the
    area's CST coordinators are emailed. Refused with LinkRefused (nothing changed) when the link
    was used, withdrawn or has expired; ValueError for an answer that is neither. Two answers of
    one link racing each other: the link's row is locked, so the second finds it used."""
    from .slots import _locked_slot, slot_confirm, slot_decline

    if answer not in ANSWERS:
        raise ValueError(f"not an answer: {answer!r}")
    with transaction.atomic():
        # The place first (the area's lock, the patrol, the slot: the order every slot edit
        # takes), then the link itself.
        _locked_slot(invitation.slot)
        current = (
            SlotInvitation.objects.select_for_update(of=("self",))
            .select_related("volunteer", "slot__patrol__site", "slot__patrol__area", "slot__volunteer")
            .get(pk=invitation.pk)
        )
        now = timezone.now()
        problem = link_problem(current, now=now)
        if problem is not None:
            raise LinkRefused(problem, current)
        current.answer = ANSWERS[answer]
        current.answered_at = now
        current.save(update_fields=["answer", "answered_at"])
        slot = current.slot
        # A refusal of the slot service (a CST card that ran out since the ask, say) rolls the
        # answer back with everything else; the link's page says what the service said.
        if current.answer == InvitationAnswer.ACCEPTED:
            slot_confirm(slot=slot, by=None, from_link=True)
        else:
            slot_decline(slot=slot, by=None, from_link=True)
        patrol = slot.patrol
        subject, body = slot_answered_email(invitation=current, patrol=patrol)
        coordinators = (
            get_user_model()
            .objects.filter(
                memberships__area_id=patrol.area_id, memberships__group__name=Role.CST_COORDINATOR, is_active=True
            )
            .distinct()
            .order_by("pk")
        )
        for coordinator in coordinators:
            notification_queue(
                kind=NotificationKind.SLOT_ANSWERED,
                event_key=f"slot_answered:{current.pk}",
                subject=subject,
                body=body,
                area=patrol.area,
                to_user=coordinator,
                about=current,
            )
    return Answered(invitation=current, slot=slot)
