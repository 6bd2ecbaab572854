"""The pages a CST volunteer opens from their email: no login, made for a phone.

- `/v/<secret>/accept/` and `/v/<secret>/decline/`: one asked place. GET shows the patrol's day,
  time and site and a button; only the button's POST answers (a mail scanner following the link
  changes nothing).
- `/v/availability/<signed>/`: the volunteer's coming Shabbatot and festival days, each a box to
  tick when they cannot patrol; POST saves them (only the days the page showed: each is posted
  back as a hidden `shown` field).

The secret in the URL is the credential. A link that cannot act gets a page saying why — not
recognised (mistyped or altered: 404), already answered, withdrawn or expired (410) — and changes
nothing. The forms carry Django's CSRF token, which lives in its own cookie (CSRF_USE_SESSIONS is
off), so they work without a session or a login. The answers say `Referrer-Policy: same-origin`,
so the secret never leaves for another site in a Referer header (not `no-referrer`: with it a
browser sends `Origin: null` with the form, which Django's CSRF check rightly refuses),
`X-Robots-Tag: noindex`, and `Cache-Control: no-store, private` (no browser or proxy keeps them).
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.views import View

from people.models import Volunteer

from .. import availability_links
from ..models import InvitationAnswer
from ..services import availability as availability_services
from ..services import invitations

ANSWER_WORDS = {"accept": "Accept", "decline": "Decline"}


def _private(response: HttpResponse) -> HttpResponse:
    # `Cache-Control: no-store, private` (config.middleware.no_store adds it to every answer;
    # said here too, as these pages show a future patrol's time and site without a login).
    add_never_cache_headers(response)
    response["Referrer-Policy"] = "same-origin"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def _dead_link(request, *, title: str, message: str, status: int, invitation=None) -> HttpResponse:
    return _private(
        render(
            request,
            "patrols/links/dead_link.html",
            {"title": title, "message": message, "invitation": invitation},
            status=status,
        )
    )


NOT_RECOGNISED = (
    "This link is not recognised. It may have been copied incompletely or altered: open it again "
    "from your email, or contact your CST coordinator."
)
TITLES = {"used": "Already answered", "revoked": "Request withdrawn", "expired": "Link expired"}


class SlotAnswerView(View):
    """Accept or decline the place a volunteer was asked for, from their emailed link."""

    http_method_names = ["get", "post"]

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        if kwargs.get("answer") not in invitations.ANSWERS:
            raise Http404("No such answer.")

    def _page(self, request, invitation, answer: str, *, status: int = 200, error: str = "") -> HttpResponse:
        patrol = invitation.slot.patrol
        zone = patrol.area.zone
        context = {
            "invitation": invitation,
            "volunteer": invitation.volunteer,
            "patrol": patrol,
            "starts": patrol.starts_at.astimezone(zone),
            "ends": patrol.ends_at.astimezone(zone),
            "briefing_at": patrol.briefing_at.astimezone(zone) if patrol.briefing_at else None,
            "answer": answer,
            "answer_word": ANSWER_WORDS[answer],
            "other": "decline" if answer == "accept" else "accept",
            "error": error,
        }
        return _private(render(request, "patrols/links/slot_answer.html", context, status=status))

    def get(self, request, token: str, answer: str):
        invitation = invitations.invitation_for_token(token)
        if invitation is None:
            return _dead_link(request, title="Link not recognised", message=NOT_RECOGNISED, status=404)
        problem = invitations.link_problem(invitation, now=timezone.now())
        if problem is not None:
            return _dead_link(
                request, title=TITLES[problem.kind], message=problem.message, status=410, invitation=invitation
            )
        return self._page(request, invitation, answer)

    def post(self, request, token: str, answer: str):
        invitation = invitations.invitation_for_token(token)
        if invitation is None:
            return _dead_link(request, title="Link not recognised", message=NOT_RECOGNISED, status=404)
        try:
            done = invitations.slot_answer(invitation=invitation, answer=answer)
        except invitations.LinkRefused as refused:
            return _dead_link(
                request,
                title=TITLES[refused.problem.kind],
                message=refused.problem.message,
                status=410,
                invitation=refused.invitation,
            )
        except ValidationError as error:
            return self._page(request, invitation, answer, status=409, error=" ".join(error.messages))
        accepted = done.invitation.answer == InvitationAnswer.ACCEPTED
        patrol = done.slot.patrol
        zone = patrol.area.zone
        return _private(
            render(
                request,
                "patrols/links/slot_answered.html",
                {
                    "accepted": accepted,
                    "patrol": patrol,
                    "starts": patrol.starts_at.astimezone(zone),
                    "ends": patrol.ends_at.astimezone(zone),
                    "volunteer": done.invitation.volunteer,
                },
            )
        )


class AvailabilityView(View):
    """A volunteer's dates they cannot patrol, from their emailed availability link."""

    http_method_names = ["get", "post"]

    def _volunteer(self, request, token: str) -> Volunteer | HttpResponse:
        try:
            volunteer_id, version = availability_links.read_token(token)
        except availability_links.LinkExpired:
            return _dead_link(
                request,
                title="Link expired",
                message="This availability link has expired. Ask your CST coordinator to send you a new one.",
                status=410,
            )
        except availability_links.LinkInvalid:
            return _dead_link(request, title="Link not recognised", message=NOT_RECOGNISED, status=404)
        volunteer = Volunteer.objects.select_related("area").filter(pk=volunteer_id).first()
        if volunteer is None:
            return _dead_link(request, title="Link not recognised", message=NOT_RECOGNISED, status=404)
        if volunteer.links_version != version or not volunteer.active:
            return _dead_link(
                request,
                title="Link withdrawn",
                message="This availability link has been withdrawn. Use the newest one your CST coordinator sent you.",
                status=410,
            )
        return volunteer

    def _page(self, request, volunteer: Volunteer, *, saved: bool = False, errors=(), status: int = 200):
        days = availability_services.availability_days(volunteer=volunteer, now=timezone.now())
        context = {"volunteer": volunteer, "days": days, "saved": saved, "errors": list(errors)}
        return _private(render(request, "patrols/links/availability.html", context, status=status))

    def get(self, request, token: str):
        volunteer = self._volunteer(request, token)
        if isinstance(volunteer, HttpResponse):
            return volunteer
        return self._page(request, volunteer)

    def post(self, request, token: str):
        volunteer = self._volunteer(request, token)
        if isinstance(volunteer, HttpResponse):
            return volunteer
        try:
            availability_services.availability_save(
                volunteer=volunteer,
                unavailable=request.POST.getlist("unavailable"),
                shown=request.POST.getlist("shown"),
                other_date=request.POST.get("other_date", ""),
                now=timezone.now(),
            )
        except ValidationError as error:
            return self._page(request, volunteer, errors=error.messages, status=422)
        return self._page(request, volunteer, saved=True)
