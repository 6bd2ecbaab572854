"""Pages of the rota: an officer's day, the CST coordinator's joint patrols and their CST places,
and the inspector's read-only rota and generation runs (with "Generate now")."""

from __future__ import annotations

from datetime import timedelta

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.generic import ListView, TemplateView, View

from audit.recording import PatrolViewAuditMixin
from calendar_rules.dates import LAST_DAY
from sites.forms import query_errors
from sites.models import Role
from sites.permissions import RoleRequiredMixin
from sites.selectors import areas_with_role
from sites.validators import is_slug

from . import services
from .forms import ROTA_DEFAULT_DAYS, RotaWindowForm, RunWatchForm
from .models import Patrol, PatrolStatus, RunStatus, SlotStatus, VolunteerSlot
from .selectors import (
    day_labels,
    joint_patrols_coordinated,
    joint_patrols_for_coordination,
    my_day,
    patrol_slots,
    rota_grid,
    run_progress,
    runs_for_inspection,
    slots_for_coordination,
    volunteers_to_fill,
)

JOINT_DAYS = 14


class MyDayView(PatrolViewAuditMixin, RoleRequiredMixin, TemplateView):
    """An officer's start page, phone-first: their patrols today and tomorrow."""

    roles = (Role.OFFICER,)
    template_name = "patrols/my_day.html"

    def shown_patrols(self, context):  # audit: who viewed future patrol times
        return [item["patrol"] for day in context["days"] for item in day["items"]]

    def get_context_data(self, **kwargs):
        officer = getattr(self.request.user, "officer", None)
        days = []
        if officer is not None:
            days = my_day(access=self.access, officer=officer, now=timezone.now())
        return super().get_context_data(officer=officer, days=days, **kwargs)


class JointPatrolsView(PatrolViewAuditMixin, RoleRequiredMixin, ListView):
    """A CST coordinator's start page: joint patrols of their areas in the next two weeks."""

    roles = (Role.CST_COORDINATOR,)
    template_name = "patrols/joint.html"
    paginate_by = 100

    def shown_patrols(self, context):  # audit: who viewed future patrol times
        return context["object_list"]

    def get_queryset(self):
        now = timezone.now()
        return joint_patrols_for_coordination(self.access, start=now, end=now + timedelta(days=JOINT_DAYS))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(days=JOINT_DAYS, **kwargs)
        # Name the Shabbat or festival each patrol is for (by its local date in its own area).
        patrols = list(context["object_list"])
        if patrols:
            local_dates = [p.starts_at.astimezone(p.area.zone).date() for p in patrols]
            labels = day_labels(min(local_dates), (max(local_dates) - min(local_dates)).days + 1)
            for patrol, day in zip(patrols, local_dates, strict=True):
                patrol.day_labels = labels[day]
        context["object_list"] = patrols
        return context


SLOTS_PARTIAL = "patrols/partials/slots.html"


def slot_page_context(patrol: Patrol, *, errors: dict[int, list[str]] | None = None, notice: str = "") -> dict:
    """What the joint patrol page (and its htmx slots partial) shows: the patrol in its area's
    time, its slots, each with the volunteers it may be filled with and any refusal next to it,
    the counts, and the slots' history. Four queries whatever the number of slots."""
    now = timezone.now()
    slots = patrol_slots(patrol)
    volunteers = list(volunteers_to_fill(patrol))
    # A volunteer is on a patrol once (one slot each, a declined one included): offer the others,
    # and a declined slot its own volunteer again.
    taken = {slot.volunteer_id for slot in slots if slot.volunteer_id}
    for slot in slots:
        # What the template shows beside each slot.
        slot.choices = [v for v in volunteers if v.pk not in taken or v.pk == slot.volunteer_id]  # type: ignore[attr-defined]
        slot.errors = (errors or {}).get(slot.pk, [])  # type: ignore[attr-defined]
    changeable = patrol.starts_at > now
    fillable = changeable and patrol.status == PatrolStatus.SCHEDULED
    counts = {status: sum(1 for slot in slots if slot.status == status) for status in SlotStatus.values}
    history = (
        VolunteerSlot.history.filter(patrol_id=patrol.pk).select_related("history_user").order_by("-history_date")[:20]
    )
    return {
        "patrol": patrol,
        "slots": slots,
        "counts": counts,
        "changeable": changeable,
        "fillable": fillable,
        "notice": notice,
        "history": history,
    }


class JointPatrolView(PatrolViewAuditMixin, RoleRequiredMixin, TemplateView):
    """One joint patrol for a CST coordinator: its places, who is asked or confirmed (with their
    phone), and the actions to fill, confirm, decline and release each place."""

    roles = (Role.CST_COORDINATOR,)
    template_name = "patrols/joint_patrol.html"

    def shown_patrols(self, context):  # audit: who viewed future patrol times
        return [self.patrol]

    def load_scoped_objects(self, pk):
        self.patrol = get_object_or_404(joint_patrols_coordinated(self.access), pk=pk)

    def get_context_data(self, **kwargs):
        return super().get_context_data(**slot_page_context(self.patrol), **kwargs)


class _SlotActionView(RoleRequiredMixin, View):
    """POST one action on a slot. htmx gets the slots partial back (200), a refusal shown next to
    the slot; without JavaScript a success redirects back to the patrol's page and a refusal
    renders it with the refusal (422). A refusal changes nothing."""

    roles = (Role.CST_COORDINATOR,)
    http_method_names = ["post"]

    def act(self, slot: VolunteerSlot) -> str:
        """Call the service; return what was done, for the coordinator."""
        raise NotImplementedError

    def post(self, request, pk):
        slot = get_object_or_404(slots_for_coordination(self.access), pk=pk)
        patrol = slot.patrol
        try:
            notice = self.act(slot)
        except ValidationError as error:
            context = slot_page_context(patrol, errors={slot.pk: error.messages})
            if request.htmx:
                return render(request, SLOTS_PARTIAL, context)
            return render(request, "patrols/joint_patrol.html", context, status=422)
        if request.htmx:
            return render(request, SLOTS_PARTIAL, slot_page_context(patrol, notice=notice))
        messages.success(request, notice)
        return redirect("patrols:joint_patrol", patrol.pk)


class SlotFillView(_SlotActionView):
    def act(self, slot):
        volunteer_id = self.request.POST.get("volunteer", "")
        # Only a volunteer of the patrol's area is looked up: an id from elsewhere names nobody.
        volunteer = None
        if volunteer_id.isdigit():
            volunteer = slot.patrol.area.volunteers.filter(pk=volunteer_id).first()
        if volunteer is None:
            raise ValidationError({"volunteer": "Choose a volunteer to ask."})
        services.slot_fill(slot=slot, volunteer=volunteer, by=self.request.user)
        return f"{volunteer} asked."


class SlotConfirmView(_SlotActionView):
    def act(self, slot):
        services.slot_confirm(slot=slot, by=self.request.user)
        return f"{slot.volunteer} confirmed."


class SlotDeclineView(_SlotActionView):
    def act(self, slot):
        services.slot_decline(slot=slot, by=self.request.user)
        return f"{slot.volunteer} declined."


class SlotReleaseView(_SlotActionView):
    def act(self, slot):
        volunteer = slot.volunteer
        services.slot_release(slot=slot, by=self.request.user)
        return f"{volunteer} released; the place is open." if volunteer else "The place is open."


class RotaView(PatrolViewAuditMixin, RoleRequiredMixin, TemplateView):
    """The inspector's read-only rota: by day and site, with the day's observances."""

    roles = (Role.INSPECTOR,)
    template_name = "patrols/rota.html"

    def viewed_area_ids(self, context, now):  # audit: a window reaching today or later, even empty
        area = context.get("area")
        if area is None or "end" not in context:
            return set()
        return {area.pk} if context["end"] >= area.today(now) else set()

    def get_context_data(self, **kwargs):
        areas = list(areas_with_role(self.access, Role.INSPECTOR).order_by("name"))
        query = RotaWindowForm(self.request.GET)
        query.is_valid()  # a bad value is said on the page, and its default used
        slug = query.cleaned_data.get("area")
        if query.has_error("area"):
            raise Http404("No such area in your scope.")
        area = next((a for a in areas if a.slug == slug), None) if slug else (areas[0] if areas else None)
        if slug and area is None:
            raise Http404("No such area in your scope.")
        context = super().get_context_data(areas=areas, area=area, **kwargs)
        if area is None:
            return context
        today = area.today()
        start = query.cleaned_data.get("start") or today
        days = query.cleaned_data.get("days") or ROTA_DEFAULT_DAYS
        if query.errors:
            said = query_errors(query)
            if query.has_error("start"):
                said.append("Showing the rota from today instead.")
            if query.has_error("days"):
                said.append(f"Showing {ROTA_DEFAULT_DAYS} days.")
            context["query_error"] = " ".join(said)
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
    """POST "Generate now" for one area: a queued run, its task enqueued on commit."""

    roles = (Role.INSPECTOR,)
    http_method_names = ["post"]

    def post(self, request):
        slug = request.POST.get("area", "")
        if not is_slug(slug):
            raise Http404("No such area among yours.")
        area = get_object_or_404(areas_with_role(self.access, Role.INSPECTOR), slug=slug)
        run = services.generation_run_start(area=area, by=request.user)
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
