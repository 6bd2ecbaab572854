"""Inspector pages: the patrol rules of their areas (with a live preview) and an area's calendar."""

from __future__ import annotations

import calendar as month_calendar
from datetime import date, timedelta
from typing import Any, cast

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import Http404, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.generic import FormView, ListView, TemplateView, View

from sites.forms import query_errors
from sites.models import Role
from sites.permissions import RoleRequiredMixin
from sites.selectors import areas_with_role, sites_for_inspection

from . import services
from .filters import RuleFilter
from .forms import CalendarMonthForm, PatrolRuleForm, QueuedRunForm
from .models import PatrolRule
from .selectors import area_location, calendar_days, coming_up, preview_rule, rules_for_inspection

PREVIEW_PARTIAL = "calendar_rules/partials/rule_preview.html"


def _apply_errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, messages_ in error.message_dict.items():
            form.add_error(field if field in form.fields and field != "version" else None, messages_)
    else:
        form.add_error(None, error.messages)


class RuleListView(RoleRequiredMixin, ListView):
    roles = (Role.INSPECTOR,)
    template_name = "calendar_rules/rule_list.html"
    paginate_by = 50

    def get_queryset(self):
        queryset = rules_for_inspection(self.access).order_by("area__name", "label")
        self.filterset = RuleFilter(self.request.GET, queryset=queryset)
        return self.filterset.qs

    def get_template_names(self):
        if self.htmx:
            return ["calendar_rules/partials/rule_rows.html"]
        return [self.template_name]

    def get_context_data(self, **kwargs):
        # `?run=<id>`: the run a save just queued, whose progress the page shows (the progress
        # partial is the runs page's own, fetched from /rota/runs/<id>/progress/, scoped there).
        query = QueuedRunForm(self.request.GET)
        queued_run_id = query.cleaned_data["run"] if query.is_valid() else None
        return super().get_context_data(filter=self.filterset, queued_run_id=queued_run_id, **kwargs)


def _after_save(request, rule: PatrolRule, done: str):
    """Back to the rules, watching the run the change queued (the rota follows a saved rule)."""
    run = getattr(rule, "queued_run", None)
    if run is None:
        messages.success(request, f"Rule “{rule.label}” {done}.")
        return redirect("calendar_rules:rule_list")
    messages.success(request, f"Rule “{rule.label}” {done}. The rota of {rule.area.name} is being brought up to date.")
    return redirect(f"{reverse('calendar_rules:rule_list')}?run={run.pk}")


class _RuleFormMixin(RoleRequiredMixin):
    roles = (Role.INSPECTOR,)
    rule: PatrolRule | None = None

    def rule_form(self, data=None, instance=None) -> PatrolRuleForm:
        visible = Q(active=True)
        if instance is not None and instance.pk:
            visible |= Q(patrol_rules=instance)  # keep a chosen site that was since deactivated
        sites = sites_for_inspection(self.access).filter(visible).distinct().order_by("area__name", "name")
        return PatrolRuleForm(
            data,
            instance=instance,
            areas=areas_with_role(self.access, Role.INSPECTOR),
            sites=sites,
        )

    def preview_context(self, form: PatrolRuleForm, *, touched: set[str] | None = None) -> dict:
        """Rows for the preview panel when the form is valid, else its errors (nothing is saved).

        A live preview passes the fields the planner has `touched`: errors of the others are not
        shown (opening a choice, e.g. "Jewish calendar", is not a mistake yet)."""
        if not form.is_bound or not form.is_valid():
            errors: list[tuple[str, Any]] = list(form.errors.items()) if form.is_bound else []
            if touched is not None:
                errors = [(field, messages_) for field, messages_ in errors if _is_touched(field, touched)]
            labels = {name: field.label for name, field in form.fields.items()}
            shown = [(labels.get(field, ""), message) for field, messages_ in errors for message in messages_]
            return {"preview_rows": None, "preview_errors": shown}
        rule = form.instance
        rows = preview_rule(rule, sites=form.cleaned_data["sites"], today=_area_today(rule.area))
        return {
            "preview_rows": rows,
            "preview_description": rule.description,
            "preview_timezone": rule.area.timezone,
        }

    def preview_of_failed_save(self, form: PatrolRuleForm) -> dict:
        """After a refused save, the preview of the rule as posted, as far as it can be made: a
        refusal that is not about when or where it patrols (a label in use, someone else's
        edit) still shows its patrols; otherwise the reasons."""
        data = cast(QueryDict, form.data).copy()
        data["label"] = "(preview)"  # nothing is saved: a label in use is no reason not to preview
        stored = None
        if self.rule is not None:
            stored = PatrolRule.objects.get(pk=self.rule.pk)  # the failed save may have changed self.rule
            data["version"] = str(stored.version)
        preview_form = self.rule_form(data, instance=stored)
        context = self.preview_context(preview_form)
        if context["preview_rows"] is None:
            return self.preview_context(form)
        return context


def _is_touched(field: str, touched: set[str]) -> bool:
    if field == "recurrence":  # the builder writes it
        return "recurrence" in touched or any(name.startswith("repeat_") for name in touched)
    return field in touched


def _area_today(area) -> date:
    return area.today()


class _RuleFormView(_RuleFormMixin, FormView):
    template_name = "calendar_rules/rule_form.html"

    def get_form(self, form_class=None):
        data = self.request.POST if self.request.method == "POST" else None
        return self.rule_form(data, instance=self.rule)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(rule=self.rule, **kwargs)
        if self.rule is None or "preview_rows" in kwargs:
            return context
        context["history"] = self.rule.history.select_related("history_user").order_by("-history_id")[:20]
        if not context["form"].is_bound:
            # Opening a rule shows what it does now.
            rows = preview_rule(self.rule, sites=self.rule.sites.all(), today=_area_today(self.rule.area))
            context.update(
                preview_rows=rows, preview_description=self.rule.description, preview_timezone=self.rule.area.timezone
            )
        return context

    def form_invalid(self, form):
        # A refused save keeps the preview (of the rule as posted), beside the form's errors.
        return self.render_to_response(self.get_context_data(form=form, **self.preview_of_failed_save(form)))


class RuleCreateView(_RuleFormView):
    def form_valid(self, form):
        try:
            rule = services.rule_create(by=self.request.user, **form.rule_fields())
        except ValidationError as error:
            _apply_errors(form, error)
            return self.form_invalid(form)
        return _after_save(self.request, rule, "created")


class RuleEditView(_RuleFormView):
    rule: PatrolRule

    def load_scoped_objects(self, pk):
        self.rule = get_object_or_404(rules_for_inspection(self.access), pk=pk)

    def form_valid(self, form):
        try:
            services.rule_update(
                rule=self.rule,
                by=self.request.user,
                expected_version=form.cleaned_data["version"],
                **form.rule_fields(),
            )
        except ValidationError as error:
            _apply_errors(form, error)
            return self.form_invalid(form)
        return _after_save(self.request, self.rule, "saved")


class RuleActiveView(RoleRequiredMixin, View):
    """POST: deactivate or reactivate a rule (its patrols go at the next generation run)."""

    roles = (Role.INSPECTOR,)
    http_method_names = ["post"]

    def post(self, request, pk):
        rule = get_object_or_404(rules_for_inspection(self.access), pk=pk)
        active = request.POST.get("active") == "1"
        try:
            services.rule_set_active(rule=rule, by=request.user, active=active)
        except ValidationError as error:
            messages.error(request, f"Rule “{rule.label}” could not be changed: {' '.join(error.messages)}")
            return redirect("calendar_rules:rule_list")
        return _after_save(request, rule, "reactivated" if active else "deactivated")


class RulePreviewView(_RuleFormMixin, View):
    """POST a rule form's fields: the next occurrences of the rule as it stands, saving nothing.

    htmx swaps the returned partial into the form's preview panel; without JavaScript the
    "Preview" button posts here and gets the whole form page back, preview included.
    """

    http_method_names = ["post"]

    def post(self, request):
        rule_id = request.POST.get("rule")
        if rule_id:
            if not rule_id.isdigit():
                raise Http404
            self.rule = get_object_or_404(rules_for_inspection(self.access), pk=rule_id)
        data = request.POST.copy()
        if request.htmx and not data.get("label", "").strip():
            data["label"] = "(preview)"  # a rule's label does not change when it patrols
        if self.rule is not None and not data.get("version"):
            data["version"] = str(self.rule.version)
        form = self.rule_form(data, instance=self.rule)
        # A live preview (htmx) names the fields the planner has touched; the Preview button
        # (no JavaScript) is an explicit request, and shows every error.
        touched = set(filter(None, data.get("touched", "").split(","))) if request.htmx else None
        context = self.preview_context(form, touched=touched)
        if request.htmx:
            return render(request, PREVIEW_PARTIAL, context)
        return render(request, "calendar_rules/rule_form.html", {**context, "form": form, "rule": self.rule})


class CalendarView(RoleRequiredMixin, TemplateView):
    """A month of an area's calendar: observances, candle-lighting, havdalah and fasts.
    `?area=<slug>&month=YYYY-MM`; by default the user's first area and this month."""

    roles = (Role.INSPECTOR,)
    template_name = "calendar_rules/calendar.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        areas = list(areas_with_role(self.access, Role.INSPECTOR))
        query = CalendarMonthForm(self.request.GET)
        query.is_valid()  # a bad month shows this month, and says so
        slug = query.cleaned_data.get("area")
        if slug or query.has_error("area"):
            area = next((a for a in areas if a.slug == slug), None)
            if area is None:
                raise Http404("No such area among yours.")
        elif areas:
            area = areas[0]
        else:
            return {**context, "areas": [], "area": None}
        today = _area_today(area)
        first = query.cleaned_data.get("month") or today.replace(day=1)
        month_error = " ".join(f"{error} Showing this month." for error in query_errors(query)) or None
        last = date(first.year, first.month, month_calendar.monthrange(first.year, first.month)[1])
        days = calendar_days(area_location(area), first, last)
        # Weeks run Sunday to Shabbat, as a Jewish calendar does.
        leading = (first.weekday() + 1) % 7
        trailing = (6 - (last.weekday() + 1) % 7) % 7
        periods, upcoming = coming_up(today)
        previous_month = (first - timedelta(days=1)).replace(day=1)
        next_month = last + timedelta(days=1)
        return {
            **context,
            "areas": areas,
            "area": area,
            "month": first,
            "month_error": month_error,
            "today": today,
            "days": days,
            "leading": range(leading),
            "trailing": range(trailing),
            "previous_month": previous_month,
            "next_month": next_month,
            "this_month": today.replace(day=1),
            "coming_periods": periods,
            "coming_observances": upcoming,
            "weekdays": ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Shabbat"],
        }
