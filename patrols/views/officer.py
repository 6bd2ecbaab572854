"""The officer's pages: My day (a week ahead, phone-first), checking in and out from it, and the
service worker that keeps the last loaded My day readable offline."""

from __future__ import annotations

import uuid
from functools import lru_cache

from django.contrib import messages
from django.contrib.staticfiles import finders
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.views import View
from django.views.generic import TemplateView

from audit.recording import PatrolViewAuditMixin
from sites.models import Role
from sites.permissions import RoleRequiredMixin

from .. import services
from ..my_day import officer_week, render_week, unfinished_area_ids
from ..selectors import patrols_to_check_in, visits_to_check_out


class MyDayView(PatrolViewAuditMixin, RoleRequiredMixin, TemplateView):
    """An officer's start page, phone-first: their patrols today and on the next seven days.

    The week comes from patrols/my_day.py (kept in the cache between changes) and renders with
    Jinja2; the page around it (layout, navigation, offline notes) is a Django template."""

    roles = (Role.OFFICER,)
    template_name = "patrols/my_day.html"

    def viewed_area_ids(self, context, now):  # audit: who viewed future patrol times
        return unfinished_area_ids(context["days"], now)

    def get_context_data(self, **kwargs):
        officer = getattr(self.request.user, "officer", None)
        now = timezone.now()
        days: list = []
        week_html = ""
        if officer is not None:
            week = officer_week(access=self.access, officer=officer, now=now)
            days = week.days
            week_html = render_week(week, user_id=officer.user_id, now=now, csrf_token=get_token(self.request))
        return super().get_context_data(officer=officer, days=days, week_html=week_html, now=now, **kwargs)


def _client_id(request) -> uuid.UUID | None:
    try:
        return uuid.UUID(request.POST.get("client_id", ""))
    except ValueError:
        return None


def _back_to(patrol_id: int):
    return redirect(reverse("patrols:my_day") + f"#patrol-{patrol_id}")


class VisitArriveView(RoleRequiredMixin, View):
    """ "Arrived" without JavaScript (the page's script sends it through the API with a position
    instead): a check-in on one of the officer's own patrols; anyone else's is a 404."""

    roles = (Role.OFFICER,)

    def post(self, request, pk: int):
        patrol = get_object_or_404(patrols_to_check_in(self.access), pk=pk)
        try:
            visit, _ = services.visit_check_in(
                patrol=patrol,
                officer=request.user.officer,
                by=request.user,
                client_id=_client_id(request),
                note=request.POST.get("note", "")[:500],
            )
        except ValidationError as refused:
            messages.error(request, " ".join(refused.messages))
        else:
            arrived = visit.checked_in_at.astimezone(patrol.area.zone)
            messages.success(request, f"Checked in at {patrol.site.name} at {arrived:%H:%M}.")
        return _back_to(patrol.pk)


class VisitLeaveView(RoleRequiredMixin, View):
    """ "Leaving" without JavaScript: the check-out of one of the officer's own visits."""

    roles = (Role.OFFICER,)

    def post(self, request, pk: int):
        visit = get_object_or_404(visits_to_check_out(self.access), pk=pk)
        try:
            visit = services.visit_check_out(visit=visit, by=request.user, note=request.POST.get("note", "")[:500])
        except ValidationError as refused:
            messages.error(request, " ".join(refused.messages))
        else:
            assert visit.checked_out_at is not None
            left = visit.checked_out_at.astimezone(visit.patrol.area.zone)
            messages.success(request, f"Checked out at {left:%H:%M}.")
        return _back_to(visit.patrol_id)


@lru_cache(maxsize=1)
def _service_worker_source() -> bytes:
    path = finders.find("js/sw.js")
    if not path:
        raise RuntimeError("static/js/sw.js is missing")
    with open(path, "rb") as source:
        return source.read()


def my_day_service_worker(request):
    """My day's service worker, served from My day's own path so its scope is My day and nothing
    else (a worker controls only pages under the path it is served from). Public like a static
    file: it holds no data, and a browser re-fetching it after sign-out must not be redirected.
    No-store like every response (config.middleware), so an update reaches phones at once."""
    return HttpResponse(_service_worker_source(), content_type="text/javascript; charset=utf-8")
