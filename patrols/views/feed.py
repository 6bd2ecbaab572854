"""The officer's calendar feed: /feeds/<token>.ics, no login (the secret in the URL is the
credential, as calendar apps cannot sign in). Unknown or replaced secrets answer 404."""

from __future__ import annotations

from django.http import Http404, HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from audit.recording import unfinished_area_ids
from audit.services import patrol_view_record
from people.selectors import officer_for_feed

from ..calendar_feed import feed_calendar
from ..selectors import officer_feed_patrols

FEED_CHANNEL = "feed"  # what the audit records a fetch under


@require_GET
def calendar_feed(request, token: str):
    officer = officer_for_feed(token)
    if officer is None:
        raise Http404("No such calendar feed.")
    now = timezone.now()
    patrols = officer_feed_patrols(officer=officer, now=now)
    # The feed shows future patrol times like any page: recorded against its officer.
    patrol_view_record(user_id=officer.user_id, area_ids=unfinished_area_ids(patrols, now), channel=FEED_CHANNEL)
    body = feed_calendar(patrols=patrols, now=now, my_day_url=request.build_absolute_uri(reverse("patrols:my_day")))
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="shomer.ics"'
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response
