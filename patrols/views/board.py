"""The inspector's rota."""

from __future__ import annotations

from datetime import timedelta

from django.http import Http404
from django.views.generic import TemplateView

from audit.recording import PatrolViewAuditMixin
from calendar_rules.dates import LAST_DAY
from sites.forms import query_errors
from sites.models import Role
from sites.permissions import RoleRequiredMixin
from sites.selectors import areas_with_role

from ..forms import ROTA_DEFAULT_DAYS, RotaWindowForm
from ..selectors import (
    rota_grid,
)


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
