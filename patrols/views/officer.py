"""The officer's pages: My day (a week ahead, phone-first), checking in and out from it, and the
service worker that keeps the last loaded My day readable offline."""

from __future__ import annotations

import uuid
from functools import lru_cache
from zoneinfo import ZoneInfo

from django.contrib import messages
from django.contrib.staticfiles import finders
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import dateformat, timezone
from django.views import View
from django.views.generic import TemplateView

from audit.recording import PatrolViewAuditMixin, record_for_request
from sites.models import Role
from sites.permissions import RoleRequiredMixin

from .. import services
from ..my_day import (
    CSRF_PLACEHOLDER,
    LOADED_AT_PLACEHOLDER,
    LOADED_AT_TEXT_PLACEHOLDER,
    fill_page,
    keep_page,
    kept_page,
    officer_week,
    render_week,
    unfinished_area_ids,
)
from ..selectors import patrols_to_check_in, visits_to_check_out


class MyDayView(PatrolViewAuditMixin, RoleRequiredMixin, TemplateView):
    """An officer's start page, phone-first: their patrols today and on the next seven days.

    The week comes from patrols/my_day.py (kept in the cache between changes) and renders with
    Jinja2; the page around it (layout, navigation, offline notes) is a Django template. While the
    week is kept, the whole page is kept with it (my_day.kept_page): a repeat load renders nothing,
    it fills in the response's CSRF token and load time. A page with messages to show (after a
    check-in without JavaScript) is rendered in full and not kept."""

    roles = (Role.OFFICER,)
    template_name = "patrols/my_day.html"

    def viewed_area_ids(self, context, now):  # audit: who viewed future patrol times
        return unfinished_area_ids(context["days"], now)

    def get(self, request, *args, **kwargs):
        officer = getattr(request.user, "officer", None)
        if officer is None or _has_messages(request):
            return super().get(request, *args, **kwargs)
        now = timezone.now()
        week = officer_week(access=self.access, officer=officer, now=now)
        layout = self._layout(now)
        page = kept_page(week, now=now, layout=layout)
        if page is None:
            response = self.render_to_response(self._context(officer, week, now, placeholders=True))
            page = response.render().content.decode()
            keep_page(week, user_id=officer.user_id, now=now, layout=layout, html=page)
        else:
            record_for_request(request, unfinished_area_ids(week.days, now))
        return HttpResponse(
            fill_page(
                page,
                csrf_token=get_token(request),
                loaded_at=dateformat.format(now, "c"),
                loaded_at_text=self._loaded_at_text(now),
            )
        )

    def _loaded_at_text(self, now) -> str:
        """When the page was loaded, as the offline note says it: in the time of the officer's
        area (the page's times are), or the service's own for an officer of several zones."""
        zones = {zone for _name, zone in self.access.area_names_zones.values()}
        local = now.astimezone(ZoneInfo(zones.pop())) if len(zones) == 1 else timezone.localtime(now)
        return dateformat.format(local, "D j M H:i")

    def _layout(self, now) -> tuple:
        """What the page around the week shows of the request and the moment: the navigation and
        who is signed in (config.navigation, base.html), and the raised alert levels' banners
        (read with the user; one whose end has passed stops showing even before it is closed)."""
        user, access = self.request.user, self.access
        roles = tuple(sorted(role for role, areas in access.roles.items() if areas))
        surges = tuple(sorted((pk, reason, ends) for pk, (reason, ends) in access.surges.items() if ends > now))
        return (user.get_username(), user.is_superuser, access.is_admin, roles, self.request.path, surges)

    def _context(self, officer, week, now, *, placeholders: bool) -> dict:
        csrf_token = CSRF_PLACEHOLDER if placeholders else get_token(self.request)
        week_html = render_week(week, user_id=officer.user_id, now=now, csrf_token=csrf_token)
        extra = {}
        if placeholders:
            extra = {"csrf_token": CSRF_PLACEHOLDER, "loaded_at": LOADED_AT_PLACEHOLDER}
            extra["loaded_at_text"] = LOADED_AT_TEXT_PLACEHOLDER
        return self.get_context_data(officer=officer, days=week.days, week_html=week_html, now=now, **extra)

    def get_context_data(self, **kwargs):
        if "days" not in kwargs:  # rendered in full: no officer profile, or messages to show
            officer = getattr(self.request.user, "officer", None)
            now = timezone.now()
            kwargs.update(officer=officer, days=[], week_html="", now=now)
            if officer is not None:
                week = officer_week(access=self.access, officer=officer, now=now)
                kwargs.update(
                    days=week.days,
                    week_html=render_week(week, user_id=officer.user_id, now=now, csrf_token=get_token(self.request)),
                )
        now = kwargs["now"]
        kwargs.setdefault("loaded_at", dateformat.format(now, "c"))
        kwargs.setdefault("loaded_at_text", self._loaded_at_text(now))
        return super().get_context_data(**kwargs)


def _has_messages(request) -> bool:
    """Whether messages wait to be shown (reading them does not mark them shown)."""
    storage = getattr(request, "_messages", None)
    return storage is not None and len(storage) > 0


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
