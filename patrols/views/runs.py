"""Generation runs: the list, "Generate now" and a run's progress."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.generic import ListView, View

from sites.forms import query_errors
from sites.models import Role
from sites.permissions import RoleRequiredMixin
from sites.selectors import areas_with_role
from sites.validators import is_slug

from .. import services
from ..forms import RunStartForm, RunWatchForm
from ..models import RunStatus
from ..selectors import (
    run_progress,
    runs_for_inspection,
)


class RunListView(RoleRequiredMixin, ListView):
    """Generation runs of the inspector's areas, with "Generate now"."""

    roles = (Role.INSPECTOR,)
    template_name = "patrols/runs.html"
    paginate_by = 25

    def get(self, request, *args, **kwargs):
        services.generation_runs_fail_dead_seen_by(access=self.access)
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        return runs_for_inspection(self.access)

    def get_context_data(self, **kwargs):
        watched = None
        query = RunWatchForm(self.request.GET)
        run_id = query.cleaned_data["run"] if query.is_valid() else None
        if run_id is not None:
            run = runs_for_inspection(self.access).filter(pk=run_id).first()
            watched = run_progress(run, now=timezone.now()) if run is not None else None
        return super().get_context_data(
            areas=areas_with_role(self.access, Role.INSPECTOR).order_by("name"),
            watched=watched,
            query_errors=query_errors(query),
            **kwargs,
        )


class RunStartView(RoleRequiredMixin, View):
    """POST "Generate now" for one area, or "Generate to <date>" (`until`, from the week board):
    a queued run, its task enqueued on commit. A refused date (before today, or further ahead
    than settings.ROTA_GENERATE_AHEAD_MAX_DAYS) is said and nothing is queued."""

    roles = (Role.INSPECTOR,)
    http_method_names = ["post"]

    def post(self, request):
        form = RunStartForm(request.POST)
        slug = request.POST.get("area", "")
        if not is_slug(slug):
            raise Http404("No such area among yours.")
        area = get_object_or_404(areas_with_role(self.access, Role.INSPECTOR), slug=slug)
        if form.is_valid():
            try:
                run = services.generation_run_start(area=area, by=request.user, until=form.cleaned_data["until"])
            except ValidationError as error:
                form.add_error("until", error)
        if form.errors:
            message = " ".join(str(message) for messages_ in form.errors.values() for message in messages_)
            if request.htmx:
                return render(request, "patrols/partials/run_refused.html", {"message": message})
            messages.error(request, message)
            return redirect(f"{reverse('patrols:rota')}?area={area.slug}")
        run.refresh_from_db()
        if request.htmx:
            return render(
                request, "patrols/partials/run_progress.html", {"watch": run_progress(run, now=timezone.now())}
            )
        messages.success(request, f"Generation started for {area.name}.")
        return redirect(f"{reverse('patrols:runs')}?run={run.pk}")


class RunProgressView(RoleRequiredMixin, View):
    """The progress partial of one run; it polls itself every second until the run is finished
    (a running run whose process stopped is marked failed here, and the partial shows why), or
    until it has been queued for longer than the task's hard time limit (no worker took it: the
    partial says so and stops)."""

    roles = (Role.INSPECTOR,)

    def get(self, request, pk):
        run = get_object_or_404(runs_for_inspection(self.access), pk=pk)
        if run.status == RunStatus.RUNNING and services.generation_runs_fail_dead(run_ids=[run.pk]):
            run.refresh_from_db()
        return render(request, "patrols/partials/run_progress.html", {"watch": run_progress(run, now=timezone.now())})
