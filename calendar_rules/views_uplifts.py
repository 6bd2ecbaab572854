"""Inspector pages for the staffing uplifts of their areas: list, add, edit, deactivate. Saving
one queues a run of its area (calendar_rules.uplifts)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.views.generic import FormView, ListView, View

from sites.models import RiskTier, Role, SiteKind
from sites.permissions import RoleRequiredMixin, redirect_back
from sites.selectors import areas_with_role

from . import jewish_calendar, uplifts
from .forms_uplifts import StaffingUpliftForm
from .models import CATEGORY_LABELS, StaffingUplift
from .staffing import raise_text

RUN_QUEUED = "The rota of its area is being brought in line with it."


def uplifts_for_inspection(access):
    """The uplifts of the areas the user inspects, with their area (one query)."""
    return access.scope(StaffingUplift.objects.select_related("area"), Role.INSPECTOR).order_by("area__name", "label")


def _apply_errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields and field != "version" else None, errors)
    else:
        form.add_error(None, error.messages)


class UpliftListView(RoleRequiredMixin, ListView):
    roles = (Role.INSPECTOR,)
    template_name = "calendar_rules/uplifts/uplift_list.html"
    paginate_by = 50

    def get_queryset(self):
        return uplifts_for_inspection(self.access)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        for uplift in context["object_list"]:
            uplift.when_text, uplift.where_text, uplift.raise_text = describe(uplift)
        return context


def describe(uplift: StaffingUplift) -> tuple[str, str, str]:
    """(when, where, what) in words: "Rosh Hashanah I, Yom Kippur", "Synagogues, tier 1",
    "+1 officer, joint with 2 CST places"."""
    kinds = jewish_calendar.OBSERVANCE_KINDS
    when = [CATEGORY_LABELS.get(c, c).split(" (")[0] for c in uplift.observance_categories]
    when += [kinds[key].name if key in kinds else key for key in uplift.observance_keys]
    text = ", ".join(when)
    if uplift.periods:
        names = " or ".join(jewish_calendar.PERIODS.get(p, p) for p in uplift.periods)
        text = f"{text} during the {names}" if text else f"Every day of the {names}"
    if uplift.during_surge:
        text = "While the alert level is raised" + (f"; {text}" if text else "")
    where_kinds = ", ".join(SiteKind(kind).label for kind in uplift.site_kinds) or "Every kind of site"
    tiers = ", ".join(RiskTier(tier).label for tier in sorted(uplift.risk_tiers))
    where = f"{where_kinds}; {tiers}" if tiers else where_kinds
    return text, where, raise_text(uplift.officers_mode, uplift.officers_value, uplift.cst_places)


class _UpliftFormView(RoleRequiredMixin, FormView):
    roles = (Role.INSPECTOR,)
    form_class = StaffingUpliftForm
    template_name = "calendar_rules/uplifts/uplift_form.html"
    uplift: StaffingUplift | None = None

    def get_form_kwargs(self):
        kwargs = {**super().get_form_kwargs(), "areas": areas_with_role(self.access, Role.INSPECTOR)}
        if self.uplift is not None:
            kwargs.update(instance=self.uplift)
        return kwargs

    def get_context_data(self, **kwargs):
        history = (
            self.uplift.history.select_related("history_user").order_by("-history_date")[:20] if self.uplift else []
        )
        return super().get_context_data(uplift=self.uplift, history=history, **kwargs)


class UpliftCreateView(_UpliftFormView):
    def form_valid(self, form):
        try:
            uplift = uplifts.uplift_create(by=self.request.user, **form.uplift_fields())
        except ValidationError as error:
            _apply_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, f"Uplift “{uplift.label}” created. {RUN_QUEUED}")
        return redirect("calendar_rules:uplift_list")


class UpliftEditView(_UpliftFormView):
    def load_scoped_objects(self, pk):
        self.uplift = get_object_or_404(uplifts_for_inspection(self.access), pk=pk)

    def form_valid(self, form):
        assert self.uplift is not None
        fields = form.uplift_fields()
        fields.pop("area")
        # The version the editor opened, posted back by the form (not a form field: it has no label).
        version = self.request.POST.get("version", "")
        try:
            if not version.isdigit():
                raise uplifts.StaleUplift()
            uplifts.uplift_update(uplift=self.uplift, by=self.request.user, expected_version=int(version), **fields)
        except ValidationError as error:
            _apply_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, f"Uplift “{self.uplift.label}” saved. {RUN_QUEUED}")
        return redirect("calendar_rules:uplift_list")


class UpliftActiveView(RoleRequiredMixin, View):
    """POST (with the version shown): deactivate or reactivate an uplift."""

    roles = (Role.INSPECTOR,)
    http_method_names = ["post"]

    def post(self, request, pk):
        uplift = get_object_or_404(uplifts_for_inspection(self.access), pk=pk)
        active = request.POST.get("active") == "1"
        try:
            uplifts.uplift_update(
                uplift=uplift, by=request.user, expected_version=int(request.POST.get("version") or 0), active=active
            )
        except (ValidationError, ValueError):
            messages.error(request, uplifts.STALE_UPLIFT_MESSAGE)
        else:
            state = "reactivated" if active else "deactivated"
            messages.success(request, f"Uplift “{uplift.label}” {state}. {RUN_QUEUED}")
        return redirect_back(request, "calendar_rules:uplift_list")
