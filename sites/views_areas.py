"""The area page: an inspector's settings of their area, and its alert level (raise, end, history).

Only inspectors of the area (and administrators) reach it: another area is not found (404), and
another role is refused (403), as on the site pages."""

from __future__ import annotations

from copy import copy

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.views.generic import ListView, TemplateView, View

from . import services
from .forms_areas import AreaSettingsForm, SurgeRaiseForm
from .models import AreaSurge, Role
from .permissions import RoleRequiredMixin
from .selectors import areas_with_role, open_surges
from .surges import surge_end, surge_raise

SURGE_HISTORY = 20
SETTINGS_HISTORY = 20


def _add_errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, messages_ in error.message_dict.items():
            form.add_error(field if field in form.fields and field != "version" else None, messages_)
    else:
        form.add_error(None, error.messages)


class AreaListView(RoleRequiredMixin, ListView):
    roles = (Role.INSPECTOR,)
    template_name = "sites/areas/area_list.html"
    context_object_name = "areas"

    def get_queryset(self):
        return areas_with_role(self.access, Role.INSPECTOR).order_by("name")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        areas = list(context["areas"])
        surges = open_surges(area.pk for area in areas)
        context["rows"] = [(area, surges.get(area.pk)) for area in areas]
        return context


class _AreaView(RoleRequiredMixin):
    roles = (Role.INSPECTOR,)

    def load_scoped_objects(self, slug):
        self.area = get_object_or_404(areas_with_role(self.access, Role.INSPECTOR), slug=slug)


class AreaDetailView(_AreaView, TemplateView):
    """GET: the area's alert level and settings; POST: save the settings."""

    template_name = "sites/areas/area_detail.html"

    def get_context_data(self, **kwargs):
        area = self.area
        kwargs.setdefault("form", AreaSettingsForm(instance=area))
        kwargs.setdefault("surge_form", SurgeRaiseForm(area=area))
        surges = list(
            AreaSurge.objects.filter(area=area)
            .select_related("raised_by", "ended_by")
            .order_by("-raised_at")[:SURGE_HISTORY]
        )
        open_ = next((surge for surge in surges if surge.ended_at is None), None)
        history = area.history.select_related("history_user").order_by("-history_date")[:SETTINGS_HISTORY]
        return super().get_context_data(
            area=area, surge=open_, surges=surges, history=history, zone=area.zone, now=timezone.now(), **kwargs
        )

    def post(self, request, slug):
        # The form validates into a copy: beside a refused form the page shows the stored area.
        form = AreaSettingsForm(request.POST, instance=copy(self.area))
        if form.is_valid():
            fields = {name: form.cleaned_data[name] for name in form.Meta.fields}
            try:
                services.area_update(
                    area=self.area, by=request.user, expected_version=form.cleaned_data["version"], **fields
                )
            except ValidationError as error:
                _add_errors(form, error)
            else:
                messages.success(request, f"Settings of {self.area.name} saved.")
                return redirect("sites:area_detail", slug=self.area.slug)
        return self.render_to_response(self.get_context_data(form=form))


class SurgeRaiseView(AreaDetailView):
    """POST: raise the alert level; a refused raise shows the area page with the form's messages."""

    http_method_names = ["post"]

    def post(self, request, slug):
        form = SurgeRaiseForm(request.POST, area=self.area)
        if form.is_valid():
            try:
                surge_raise(
                    area=self.area,
                    by=request.user,
                    reason=form.cleaned_data["reason"],
                    ends_at=form.cleaned_data["ends_at"],
                )
            except ValidationError as error:
                _add_errors(form, error)
            else:
                messages.success(request, "Alert level raised: the rota is being re-planned with the surge rules.")
                return redirect("sites:area_detail", slug=self.area.slug)
        return self.render_to_response(self.get_context_data(surge_form=form))


class SurgeEndView(_AreaView, View):
    http_method_names = ["post"]

    def post(self, request, slug):
        try:
            surge_end(area=self.area, by=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, "Alert level back to normal: the surge's patrols to come are being cancelled.")
        return redirect("sites:area_detail", slug=self.area.slug)
