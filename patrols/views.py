"""Pages of the rota: an officer's day, the CST coordinator's joint patrols, and the inspector's
read-only rota and generation runs (with "Generate now")."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.generic import ListView, TemplateView, View

from calendar_rules.dates import LAST_DAY, parse_date_param
from sites.models import Role
from sites.permissions import RoleRequiredMixin
from sites.selectors import areas_with_role

from . import services
from .selectors import (
    day_labels,
    joint_patrols_for_coordination,
    my_day,
    rota_grid,
    run_progress,
    runs_for_inspection,
)

ROTA_DEFAULT_DAYS = 7
ROTA_MAX_DAYS = 31
JOINT_DAYS = 14


class MyDayView(RoleRequiredMixin, TemplateView):
    """An officer's start page, phone-first: their patrols today and tomorrow."""

    roles = (Role.OFFICER,)
    template_name = "patrols/my_day.html"

    def get_context_data(self, **kwargs):
        officer = getattr(self.request.user, "officer", None)
        days = []
        if officer is not None:
            days = my_day(access=self.access, officer=officer, now=timezone.now())
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
        context = super().get_context_data(days=JOINT_DAYS, **kwargs)
        # Name the Shabbat or festival each patrol is for (by its local date in its own area).
        patrols = list(context["object_list"])
        if patrols:
            local_dates = [p.starts_at.astimezone(ZoneInfo(p.area.timezone)).date() for p in patrols]
            labels = day_labels(min(local_dates), (max(local_dates) - min(local_dates)).days + 1)
            for patrol, day in zip(patrols, local_dates, strict=True):
                patrol.day_labels = labels[day]
        context["object_list"] = patrols
        return context


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
        today = timezone.now().astimezone(ZoneInfo(area.timezone)).date()
        try:
            start = parse_date_param(self.request.GET.get("start"), name="start", default=today)
        except ValueError as error:
            context["date_error"] = f"{error} Showing the rota from today instead."
            start = today
        try:
            days = min(max(int(self.request.GET.get("days", ROTA_DEFAULT_DAYS)), 1), ROTA_MAX_DAYS)
        except ValueError:
            days = ROTA_DEFAULT_DAYS
        # The calendar ends with LAST_DAY: a window running past it is cut short.
        days = min(days, (LAST_DAY - start).days + 1)
        context.update(
            start=start,
            end=start + timedelta(days=days - 1),
            days=days,
            rota=rota_grid(area=area, start=start, days=days),
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
            run = runs_for_inspection(self.access).filter(pk=run_id).first()
            watched = run_progress(run, now=timezone.now()) if run is not None else None
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
            return render(
                request, "patrols/partials/run_progress.html", {"watch": run_progress(run, now=timezone.now())}
            )
        messages.success(request, f"Generation started for {area.name}.")
        return redirect(f"{reverse('patrols:runs')}?run={run.pk}")


class RunProgressView(RoleRequiredMixin, View):
    """The progress partial of one run; it polls itself every second until the run is finished, or
    until it has been queued or running for longer than the task's hard time limit (the worker
    has lost it: the partial says so and stops)."""

    roles = (Role.INSPECTOR,)

    def get(self, request, pk):
        run = get_object_or_404(runs_for_inspection(self.access), pk=pk)
        return render(request, "patrols/partials/run_progress.html", {"watch": run_progress(run, now=timezone.now())})
