"""Pages of the rota: an officer's day, the CST coordinator's joint patrols, and the inspector's
read-only rota and generation runs (with "Generate now")."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.generic import ListView, TemplateView, View

from calendar_rules import jewish_calendar
from sites.models import Role
from sites.permissions import RoleRequiredMixin
from sites.selectors import areas_with_role

from . import services
from .selectors import joint_patrols_for_coordination, officer_day, rota_patrols, runs_for_inspection
from .services import local_midnight

ROTA_DEFAULT_DAYS = 7
ROTA_MAX_DAYS = 31
JOINT_DAYS = 14


def _parse_date(value: str | None, default: date) -> date:
    try:
        return date.fromisoformat(value) if value else default
    except ValueError:
        return default


class MyDayView(RoleRequiredMixin, TemplateView):
    """An officer's start page, phone-first: their patrols today and tomorrow."""

    roles = (Role.OFFICER,)
    template_name = "patrols/my_day.html"

    def get_context_data(self, **kwargs):
        officer = getattr(self.request.user, "officer", None)
        tz = ZoneInfo(settings.TIME_ZONE)
        today = timezone.now().astimezone(tz).date()
        days = []
        if officer is not None:
            start, end = local_midnight(today, tz), local_midnight(today + timedelta(days=2), tz)
            by_day = defaultdict(list)
            for assignment in officer_day(officer=officer, start=start, end=end):
                patrol = assignment.patrol
                local_start = patrol.starts_at.astimezone(ZoneInfo(patrol.area.timezone))
                by_day[local_start.date()].append(
                    {
                        "patrol": patrol,
                        "starts": local_start,
                        "ends": patrol.ends_at.astimezone(ZoneInfo(patrol.area.timezone)),
                        "partners": patrol.partners,
                    }
                )
            days = [
                {"date": day, "name": name, "items": by_day.get(day, [])}
                for day, name in ((today, "Today"), (today + timedelta(days=1), "Tomorrow"))
            ]
        return super().get_context_data(officer=officer, days=days, **kwargs)


class JointPatrolsView(RoleRequiredMixin, ListView):
    """A CST coordinator's start page: joint patrols of their areas in the next two weeks."""

    roles = (Role.CST_COORDINATOR,)
    template_name = "patrols/joint.html"
    paginate_by = 100

    def get_queryset(self):
        now = timezone.now()
        return joint_patrols_for_coordination(self.access, start=now, end=now + timedelta(days=JOINT_DAYS))

    def get_context_data(self, **kwargs):
        return super().get_context_data(days=JOINT_DAYS, **kwargs)


class RotaView(RoleRequiredMixin, TemplateView):
    """The inspector's read-only rota: by day and site, with the day's observances."""

    roles = (Role.INSPECTOR,)
    template_name = "patrols/rota.html"

    def get_context_data(self, **kwargs):
        areas = list(areas_with_role(self.access, Role.INSPECTOR).order_by("name"))
        slug = self.request.GET.get("area")
        area = next((a for a in areas if a.slug == slug), None) if slug else (areas[0] if areas else None)
        if slug and area is None:
            raise Http404("No such area in your scope.")
        context = super().get_context_data(areas=areas, area=area, **kwargs)
        if area is None:
            return context
        tz = ZoneInfo(area.timezone)
        today = timezone.now().astimezone(tz).date()
        start = _parse_date(self.request.GET.get("start"), today)
        try:
            days = min(max(int(self.request.GET.get("days", ROTA_DEFAULT_DAYS)), 1), ROTA_MAX_DAYS)
        except ValueError:
            days = ROTA_DEFAULT_DAYS
        end = start + timedelta(days=days - 1)
        patrols = rota_patrols(area=area, start=local_midnight(start, tz), end=local_midnight(end + timedelta(1), tz))
        by_day: dict[date, dict[str, list]] = defaultdict(lambda: defaultdict(list))
        for patrol in patrols:
            patrol.local_starts = patrol.starts_at.astimezone(tz)
            patrol.local_ends = patrol.ends_at.astimezone(tz)
            by_day[patrol.local_starts.date()][patrol.site.name].append(patrol)
        observances = defaultdict(list)
        for observance in jewish_calendar.observances_between(start, end + timedelta(days=1)):
            observances[observance.date].append(observance)
        rota = []
        for offset in range(days):
            day = start + timedelta(days=offset)
            sites = by_day.get(day, {})
            rota.append(
                {
                    "date": day,
                    "observances": [o.name for o in observances.get(day, [])],
                    # A Jewish day begins at nightfall: this evening already belongs to tomorrow's
                    # Shabbat or festival, and evening patrols are for it.
                    "evening_of": [o.name for o in observances.get(day + timedelta(days=1), []) if o.work_forbidden],
                    "sites": sorted(sites.items()),
                    "count": sum(len(items) for items in sites.values()),
                }
            )
        context.update(
            start=start,
            end=end,
            days=days,
            rota=rota,
            previous_start=start - timedelta(days=days),
            next_start=start + timedelta(days=days),
        )
        return context


class RunListView(RoleRequiredMixin, ListView):
    """Generation runs of the inspector's areas, with "Generate now"."""

    roles = (Role.INSPECTOR,)
    template_name = "patrols/runs.html"
    paginate_by = 25

    def get_queryset(self):
        return runs_for_inspection(self.access)

    def get_context_data(self, **kwargs):
        watched = None
        run_id = self.request.GET.get("run")
        if run_id and run_id.isdigit():
            watched = runs_for_inspection(self.access).filter(pk=run_id).first()
        return super().get_context_data(
            areas=areas_with_role(self.access, Role.INSPECTOR).order_by("name"), watched=watched, **kwargs
        )


class RunStartView(RoleRequiredMixin, View):
    """POST "Generate now" for one area: a queued run, its task enqueued on commit."""

    roles = (Role.INSPECTOR,)
    http_method_names = ["post"]

    def post(self, request):
        area = get_object_or_404(areas_with_role(self.access, Role.INSPECTOR), slug=request.POST.get("area", ""))
        run = services.generation_run_start(area=area, by=request.user)
        run.refresh_from_db()
        if request.htmx:
            return render(request, "patrols/partials/run_progress.html", {"run": run})
        messages.success(request, f"Generation started for {area.name}.")
        return redirect(f"{reverse('patrols:runs')}?run={run.pk}")


class RunProgressView(RoleRequiredMixin, View):
    """The progress partial of one run; it polls itself every second until the run is finished."""

    roles = (Role.INSPECTOR,)

    def get(self, request, pk):
        run = get_object_or_404(runs_for_inspection(self.access), pk=pk)
        return render(request, "patrols/partials/run_progress.html", {"run": run})
