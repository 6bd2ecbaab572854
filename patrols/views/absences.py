"""The inspector's absence pages: officers' leave, training and sickness, and the patrols an
absence leaves without their officer.

The absence is people's (model and services); the page lives here because it also lists the
patrols the absence clashes with, which only patrols may read (DESIGN.md §2). An inspector sees
and edits the absences of the officers rostered in the areas they inspect; any other absence, or
officer, is a 404.
"""

from __future__ import annotations

import copy

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.views.generic import FormView, ListView, View

from audit.recording import PatrolViewAuditMixin
from people import services as people_services
from people.models import Absence, Officer
from people.selectors import absences_for_inspection, officers_for_inspection
from sites.models import Role
from sites.permissions import RoleRequiredMixin

from ..forms_absences import AbsenceFilterForm, AbsenceForm
from ..models import Patrol
from ..selectors import patrols_clashing_with_absence


def patrol_link(patrol: Patrol) -> str:
    """Where to re-staff a patrol: its page (the patrol dialog), where officers come off and on."""
    return reverse("patrols:patrol", args=[patrol.pk])


def _officer_in_scope(officers: QuerySet[Officer], value: str | None) -> Officer | None:
    """The officer `value` names among `officers`; None when none is named; 404 when one is
    named that is not in scope (or is not an id at all)."""
    if not value:
        return None
    try:
        pk = int(value)
    except (TypeError, ValueError):
        raise Http404("No such officer in your areas.") from None
    return get_object_or_404(officers, pk=pk)


class AbsenceListView(RoleRequiredMixin, ListView):
    """Absences of the officers of the inspector's areas: current and upcoming ones first (soonest
    first), or past ones (latest first), or all; optionally one officer's."""

    roles = (Role.INSPECTOR,)
    template_name = "patrols/absence_list.html"
    paginate_by = 50

    def get_queryset(self):
        self.officers = officers_for_inspection(self.access)
        self.filters = AbsenceFilterForm(self.request.GET)
        self.filters.is_valid()
        self.officer = _officer_in_scope(self.officers, self.request.GET.get("officer"))
        self.when = self.filters.cleaned_data.get("when") or "upcoming"
        absences = absences_for_inspection(self.access)
        if self.officer is not None:
            absences = absences.filter(officer=self.officer)
        today = timezone.localdate()
        if self.when == "upcoming":
            return absences.filter(ends_on__gte=today).order_by("starts_on", "officer__collar_number", "id")
        if self.when == "past":
            return absences.filter(ends_on__lt=today).order_by("-starts_on", "officer__collar_number", "-id")
        return absences.order_by("-starts_on", "officer__collar_number", "-id")

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            officers=self.officers, officer=self.officer, when=self.when, filters=self.filters, **kwargs
        )


class _AbsenceFormView(PatrolViewAuditMixin, RoleRequiredMixin, FormView):
    roles = (Role.INSPECTOR,)
    form_class = AbsenceForm
    template_name = "patrols/absence_form.html"
    absence: Absence | None = None
    officers: QuerySet[Officer]  # those the form may name (set by load_scoped_objects)

    def shown_patrols(self, context):  # audit: the clashing patrols' times are future patrol times
        return context.get("clashing", [])

    def get_form_kwargs(self):
        # A copy: a form applies what was typed to its instance, and a refused edit must leave the
        # page's absence (its title, its clashing patrols) as stored.
        instance = copy.copy(self.absence) if self.absence is not None else None
        return {**super().get_form_kwargs(), "officers": self.officers, "instance": instance}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(absence=self.absence, **kwargs)
        if self.absence is not None:
            clashing = patrols_clashing_with_absence(self.absence, since=timezone.now())
            context["clashing"] = clashing
            context["clashing_links"] = [(patrol, patrol_link(patrol)) for patrol in clashing]
            context["history"] = self.absence.history.select_related("history_user").order_by("-history_date")[:20]
        return context

    def refused(self, form, error: ValidationError):
        """The service's refusal, on the form (its field when it names one), nothing saved."""
        form.add_error(None, error)
        return self.form_invalid(form)

    def saved(self, absence: Absence, verb: str):
        clashing = patrols_clashing_with_absence(absence, since=timezone.now())
        text = f"{absence.officer}: {absence.summary} {verb}."
        if clashing:
            count = len(clashing)
            patrols = "1 patrol" if count == 1 else f"{count} patrols"
            text += f" {absence.officer.collar_number} is still on {patrols} during it: re-staff below."
            messages.warning(self.request, text)
        else:
            messages.success(self.request, text)
        return redirect("patrols:absence_edit", pk=absence.pk)


class AbsenceCreateView(_AbsenceFormView):
    """Record an absence; `?officer=<id>` chooses the officer beforehand."""

    def load_scoped_objects(self, **kwargs):
        self.officers = officers_for_inspection(self.access).filter(active=True)
        source = self.request.POST if self.request.method == "POST" else self.request.GET
        self.chosen = _officer_in_scope(self.officers, source.get("officer"))

    def get_initial(self):
        return {"officer": self.chosen} if self.chosen else {}

    def form_valid(self, form):
        try:
            absence = people_services.absence_create(by=self.request.user, **form.cleaned_data)
        except ValidationError as error:
            return self.refused(form, error)
        return self.saved(absence, "recorded")


class AbsenceEditView(_AbsenceFormView):
    """Change an absence's kind, dates or note; below it, the patrols the officer is still on
    during it (to re-staff), and its history."""

    def load_scoped_objects(self, pk, **kwargs):
        self.absence = get_object_or_404(absences_for_inspection(self.access), pk=pk)
        self.officers = officers_for_inspection(self.access)

    def form_valid(self, form):
        assert self.absence is not None
        fields = {name: form.cleaned_data[name] for name in Absence.EDITABLE_FIELDS if name in form.changed_data}
        try:
            people_services.absence_update(absence=self.absence, by=self.request.user, **fields)
        except ValidationError as error:
            return self.refused(form, error)
        return self.saved(self.absence, "saved")


class AbsenceDeleteView(RoleRequiredMixin, View):
    roles = (Role.INSPECTOR,)
    http_method_names = ["post"]

    def post(self, request, pk):
        absence = get_object_or_404(absences_for_inspection(self.access), pk=pk)
        summary = f"{absence.officer}: {absence.summary}"
        people_services.absence_delete(absence=absence, by=request.user)
        messages.success(request, f"{summary} removed.")
        return redirect("patrols:absences")
