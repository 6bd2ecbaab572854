"""The inspector's "Today" panel (today's patrols of an area: missed, due now, completed, with
counts) and its two forms on a missed patrol: record why, or correct it."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.generic import TemplateView, View

from audit.recording import PatrolViewAuditMixin, record_for_request
from notifications.selectors import FAILED_RECENT_DAYS, failed_recently
from sites.models import Area, Role
from sites.permissions import RoleRequiredMixin
from sites.selectors import areas_with_role
from sites.validators import is_slug

from .. import services
from ..forms_outcomes import MissedReasonForm, OutcomeCorrectionForm
from ..models import MissedReason
from ..selectors import patrols_for_editing
from ..today import grace_minutes, today_panel

TEMPLATE = "patrols/today.html"


def _today_context(access, area: Area, areas: list[Area], **extra: Any) -> dict[str, Any]:
    now = timezone.now()
    return {
        "panel": today_panel(area, now),
        "area": area,
        "areas": areas,
        "reasons": MissedReason.choices,
        "grace_minutes": grace_minutes(),
        "failed_emails": failed_recently(area, now),
        "failed_days": FAILED_RECENT_DAYS,
        **extra,
    }


class TodayView(PatrolViewAuditMixin, RoleRequiredMixin, TemplateView):
    """Today's patrols of one of the inspector's areas (`?area=<slug>`, else the first)."""

    roles = (Role.INSPECTOR,)
    template_name = TEMPLATE

    def viewed_area_ids(self, context, now):
        # Today's window always reaches the rest of the day: recorded even when empty, as the
        # board and the day view are (an empty day says as much as a full one).
        return {context["panel"].area.id}

    def get_context_data(self, **kwargs):
        areas = list(areas_with_role(self.access, Role.INSPECTOR).order_by("name"))
        slug = self.request.GET.get("area", "")
        if slug:
            if not is_slug(slug):
                raise Http404("No such area in your scope.")
            area = next((a for a in areas if a.slug == slug), None)
        else:
            area = areas[0] if areas else None
        if area is None:
            raise Http404("No such area in your scope.")
        return super().get_context_data(**_today_context(self.access, area, areas), **kwargs)


class _MissedPatrolPost(RoleRequiredMixin, View):
    """POST on one patrol of an area the user inspects (404 outside, 403 for another role); back
    to the Today panel, or the panel with the refusal (422)."""

    roles = (Role.INSPECTOR,)
    http_method_names = ["post"]
    form_class: type[MissedReasonForm] | type[OutcomeCorrectionForm]

    def load_scoped_objects(self, pk):
        self.patrol = get_object_or_404(patrols_for_editing(self.access), pk=pk)

    def act(self, data: dict[str, Any]) -> str:
        raise NotImplementedError

    def post(self, request, pk):
        form = self.form_class(request.POST)
        if not form.is_valid():
            said = [
                f"{name}: {error}" if name != "__all__" else str(error)
                for name, errors in form.errors.items()
                for error in errors
            ]
            return self.refused(said)
        try:
            notice = self.act(form.cleaned_data)
        except ValidationError as error:
            return self.refused(error.messages)
        messages.success(request, notice)
        return redirect(reverse("patrols:today") + f"?area={self.patrol.area.slug}")

    def refused(self, said: list[str]) -> HttpResponse:
        area = self.patrol.area
        areas = list(areas_with_role(self.access, Role.INSPECTOR).order_by("name"))
        context = _today_context(self.access, area, areas, refusal=said, refused_patrol=self.patrol.pk)
        record_for_request(self.request, {area.id})
        return render(self.request, TEMPLATE, context, status=422)


class PatrolMissedView(_MissedPatrolPost):
    form_class = MissedReasonForm

    def act(self, data):
        services.patrol_record_missed(
            patrol=self.patrol,
            by=self.request.user,
            reason=data["reason"],
            note=data["note"],
            expected_version=data["version"],
        )
        return f"Recorded: {MissedReason(data['reason']).label.lower()}."


class PatrolOutcomeView(_MissedPatrolPost):
    form_class = OutcomeCorrectionForm

    def act(self, data):
        services.patrol_correct_outcome(
            patrol=self.patrol,
            by=self.request.user,
            status=data["status"],
            note=data["note"],
            expected_version=data["version"],
        )
        if data["status"] == "completed":
            return "Marked attended (not checked in)."
        return "Marked missed again."
