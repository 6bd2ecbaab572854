"""The inspector's hand edits of the rota: the patrol dialog (move, staffing, cancel, restore,
officers on and off, history), a one-off patrol, and the board's bulk actions.

How a request is answered (as the CST coordinator's pages in `joint` do):
- htmx gets the dialog's body back (200), with the new state after an edit or the refusal shown in
  it; after an edit the response also triggers `patrol-changed` (the patrols' ids) so the board
  redraws those patrols' chips;
- without JavaScript an edit redirects back to the patrol's page with a message, and a refusal
  renders that page with it (422).
A refusal changes nothing.

Stale copies: every form carries the version of the patrol the inspector was shown, and the
services refuse an edit made from an older one (code "stale"). The answer says what changed since
(from the patrol's history), shows the patrol as it is now, and keeps what the inspector typed in
the form, carrying the current version, so one click applies it again on the current patrol:
nothing they typed is lost, nothing anyone else did is overwritten.

Assignments and their removal are checked by their services against the patrol as it is under the
area's lock (its current times, its status), so they need no version: a move meanwhile cannot make
them wrong, and refusing them would only lose the inspector's choice.
"""

from __future__ import annotations

import json
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef
from django.http import HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views import View
from django.views.generic import TemplateView

from audit.recording import PatrolViewAuditMixin, record_for_request, unfinished_area_ids
from people.models import Officer, Volunteer
from sites.models import Membership, Role, Site
from sites.permissions import RoleRequiredMixin

from .. import services
from ..dialog import (
    changes_since,
    confirmed_volunteers,
    officer_choices,
    patrol_assignments,
    patrols_for_editing,
    slot_counts,
)
from ..edit_forms import (
    AssignForm,
    AssignmentRemoveForm,
    BriefingForm,
    BulkAction,
    BulkForm,
    PatrolAddForm,
    PatrolCancelForm,
    PatrolMoveForm,
    PatrolRestoreForm,
    PatrolStaffingForm,
    VersionedForm,
)
from ..history import patrol_history
from ..models import Assignment, Patrol, PatrolKind, PatrolStatus
from ..selectors import patrol_visits

DIALOG = "patrols/partials/patrol_dialog.html"
PAGE = "patrols/patrol.html"
CHANGED_EVENT = "patrol-changed"
# The add form's fields are prefixed: its ids must not clash with the board's own filter form.
ADD_PREFIX = "add"


def _changed(response: HttpResponse, patrols: list[Patrol]) -> HttpResponse:
    """Tell the board (htmx) which patrols changed, and the sites whose rows show them."""
    ids = [patrol.pk for patrol in patrols]
    sites = sorted({patrol.site_id for patrol in patrols})
    response["HX-Trigger"] = json.dumps({CHANGED_EVENT: {"ids": ids, "sites": sites}})
    return response


def _with_version(form: VersionedForm, version: int) -> VersionedForm:
    """`form` as the inspector filled it, but carrying `version`: submitting it again applies what
    they typed to the patrol as it is now."""
    data = QueryDict(mutable=True)
    data.update(form.data)
    data[form.add_prefix("version")] = str(version)
    again = type(form)(data, prefix=form.prefix)
    again.is_valid()
    return again


def dialog_context(
    patrol: Patrol,
    *,
    forms: dict[str, Any] | None = None,
    notice: str = "",
    refusal: list[str] | None = None,
    stale: dict[str, Any] | None = None,
    override: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """What the patrol dialog (and its page) shows: the patrol as it is now in its area's time,
    its officers and places, the officers to offer, its history, and a form for each edit — the
    inspector's own (with their values and any error) where they just sent one."""
    patrol = Patrol.objects.select_related("site", "area", "last_run", "cst_team_leader").get(pk=patrol.pk)
    now = timezone.now()
    zone = patrol.area.zone
    shown = {
        "move": PatrolMoveForm.for_patrol(patrol),
        "staffing": PatrolStaffingForm.for_patrol(patrol),
        "cancel": PatrolCancelForm.for_patrol(patrol),
        "restore": PatrolRestoreForm.for_patrol(patrol),
        "assign": AssignForm.for_patrol(patrol),
        "briefing": BriefingForm.for_patrol(patrol),
    }
    shown.update(forms or {})
    assignments = patrol_assignments(patrol)
    return {
        "patrol": patrol,
        "local_starts": patrol.starts_at.astimezone(zone),
        "local_ends": patrol.ends_at.astimezone(zone),
        "started": patrol.starts_at <= now,
        "scheduled": patrol.status == PatrolStatus.SCHEDULED,
        "cancelled": patrol.status == PatrolStatus.CANCELLED,
        "assignments": assignments,
        "slot_counts": slot_counts(patrol),
        "choices": officer_choices(patrol, now=now) if patrol.status == PatrolStatus.SCHEDULED else [],
        "forms": shown,
        "notice": notice,
        "refusal": refusal or [],
        "stale": stale,
        "override": override,
        "history": patrol_history(patrol),
        "visits": patrol_visits(patrol),
        "briefing_at": patrol.briefing_at.astimezone(zone) if patrol.briefing_at else None,
        "team_leaders": confirmed_volunteers(patrol),
        "briefing_open": patrol.kind == PatrolKind.JOINT
        and patrol.status == PatrolStatus.SCHEDULED
        and patrol.ends_at > now,
    }


class _PatrolScoped(RoleRequiredMixin):
    """Inspectors of the patrol's area (an admin: any); 404 outside them, 403 for another role."""

    roles = (Role.INSPECTOR,)

    def load_scoped_objects(self, pk):
        self.patrol = get_object_or_404(patrols_for_editing(self.access), pk=pk)


class PatrolView(PatrolViewAuditMixin, _PatrolScoped, TemplateView):
    """One patrol for its inspector: htmx gets the dialog the board shows it in, a browser without
    JavaScript the same as a page."""

    def shown_patrols(self, context):  # audit: who viewed future patrol times
        return [self.patrol]

    def get_template_names(self):
        return [DIALOG if self.htmx else PAGE]

    def get_context_data(self, **kwargs):
        return super().get_context_data(**dialog_context(self.patrol), **kwargs)


class _PatrolEdit(_PatrolScoped, View):
    """POST one edit of the patrol through `act`, which returns what was done."""

    http_method_names = ["post"]
    form_class: type[VersionedForm]
    prefix = ""

    def act(self, form: Any) -> str:
        raise NotImplementedError

    def post(self, request, pk):
        form = self.form_class(request.POST, prefix=self.prefix)
        if not form.is_valid():
            return self.refused(form, [])
        try:
            notice = self.act(form)
        except ValidationError as error:
            return self.refused_by_service(form, error)
        return self.done(notice)

    def answer(self, context: dict[str, Any], *, status: int = 200) -> HttpResponse:
        """The dialog for htmx, else the patrol's page."""
        record_for_request(self.request, unfinished_area_ids([context["patrol"]], timezone.now()))
        if self.htmx:
            return render(self.request, DIALOG, context)
        return render(self.request, PAGE, context, status=status)

    def done(self, notice: str) -> HttpResponse:
        if self.htmx:
            return _changed(self.answer(dialog_context(self.patrol, notice=notice)), [self.patrol])
        messages.success(self.request, notice)
        return redirect("patrols:patrol", self.patrol.pk)

    def refused(self, form: Any, said: list[str], **extra: Any) -> HttpResponse:
        context = dialog_context(self.patrol, forms={self.prefix: form}, refusal=said, **extra)
        return self.answer(context, status=422)

    def refused_by_service(self, form: Any, error: ValidationError) -> HttpResponse:
        if getattr(error, "code", None) == "stale":
            current = Patrol.objects.select_related("area", "last_run").get(pk=self.patrol.pk)
            stale = {
                "message": error.messages[0],
                "changes": changes_since(current, form.cleaned_data["version"]),
            }
            return self.refused(_with_version(form, current.version), [], stale=stale)
        return self.refused(form, error.messages)


class PatrolMoveView(_PatrolEdit):
    form_class = PatrolMoveForm
    prefix = "move"

    def act(self, form):
        starts_at, ends_at = form.times(self.patrol.area)
        services.patrol_update(
            patrol=self.patrol,
            by=self.request.user,
            expected_version=form.cleaned_data["version"],
            starts_at=starts_at,
            ends_at=ends_at,
        )
        zone = self.patrol.area.zone
        begins, ends = starts_at.astimezone(zone), ends_at.astimezone(zone)
        return f"Moved to {begins:%a %-d %b} {begins:%H:%M}–{ends:%H:%M}."


class PatrolStaffingView(_PatrolEdit):
    form_class = PatrolStaffingForm
    prefix = "staffing"

    def act(self, form):
        data = form.cleaned_data
        services.patrol_update(
            patrol=self.patrol,
            by=self.request.user,
            expected_version=data["version"],
            kind=data["kind"],
            officers_required=data["officers_required"],
            volunteers_required=data["volunteers_required"],
        )
        patrol = self.patrol
        places = f", {patrol.volunteers_required} CST" if patrol.kind == "joint" else ""
        return f"Staffing changed: {patrol.get_kind_display()}, {patrol.officers_required} officers{places}."


class PatrolCancelView(_PatrolEdit):
    form_class = PatrolCancelForm
    prefix = "cancel"

    def act(self, form):
        data = form.cleaned_data
        services.patrol_cancel(
            patrol=self.patrol, by=self.request.user, reason=data["reason"], expected_version=data["version"]
        )
        return "Patrol cancelled."


class PatrolRestoreView(_PatrolEdit):
    form_class = PatrolRestoreForm
    prefix = "restore"

    def act(self, form):
        services.patrol_restore(patrol=self.patrol, by=self.request.user, expected_version=form.cleaned_data["version"])
        return "Patrol restored."


class PatrolBriefingView(_PatrolEdit):
    form_class = BriefingForm
    prefix = "briefing"

    def act(self, form):
        patrol = self.patrol
        leader_id = form.cleaned_data["team_leader"]
        leader = None
        if leader_id is not None:
            leader = Volunteer.objects.filter(pk=leader_id, area_id=patrol.area_id).first()
            if leader is None:
                raise ValidationError({"team_leader": "Choose a volunteer confirmed on this patrol."})
        services.patrol_set_briefing(
            patrol=patrol,
            by=self.request.user,
            briefing_point=form.cleaned_data["point"],
            briefing_at=form.briefing_at(patrol),
            cst_team_leader=leader,
            expected_version=form.cleaned_data["version"],
        )
        return "Briefing saved."


def rostered_officers(access, *, area_ids=None):
    """Officers rostered in the areas the user inspects (or in `area_ids` among them)."""
    inspected = access.area_ids(Role.INSPECTOR) if not access.is_admin else None
    rostered = Membership.objects.filter(user_id=OuterRef("user_id"), group__name=Role.OFFICER)
    if inspected is not None:
        rostered = rostered.filter(area_id__in=inspected)
    if area_ids is not None:
        rostered = rostered.filter(area_id__in=area_ids)
    return Officer.objects.filter(Exists(rostered)).select_related("user")


class AssignmentCreateView(_PatrolEdit):
    """Put an officer on the patrol. A hard conflict is refused naming it; a soft one (a long duty,
    short rest) asks for a reason to override, and with it the officer is put on."""

    form_class = AssignForm
    prefix = "assign"

    def post(self, request, pk):
        form = self.form_class(request.POST, prefix=self.prefix)
        if not form.is_valid():
            return self.refused(form, [])
        officer = rostered_officers(self.access).filter(pk=form.cleaned_data["officer"]).first()
        if officer is None:
            return self.refused(form, ["Choose an officer of this area."])
        reason = form.cleaned_data["override_reason"].strip()
        try:
            services.assignment_create(patrol=self.patrol, officer=officer, by=request.user, override_reason=reason)
        except ValidationError as error:
            if getattr(error, "code", None) == "needs_override":
                warnings = list(getattr(error, "warnings", None) or error.messages)
                override = {"officer": officer, "warnings": warnings}
                return self.refused(AssignForm.for_patrol(self.patrol), [], override=override)
            return self.refused(form, error.messages)
        notice = f"{officer} put on the patrol."
        if reason:
            notice += f" Warning overridden: {reason}"
        return self.done(notice)


class AssignmentRemoveView(_PatrolEdit):
    """Take an officer off a patrol (the assignment found through the patrols the user may edit)."""

    form_class = AssignmentRemoveForm
    prefix = "remove"

    def load_scoped_objects(self, pk):
        self.assignment = get_object_or_404(
            Assignment.objects.select_related("officer__user").filter(patrol__in=patrols_for_editing(self.access)),
            pk=pk,
        )
        self.patrol = Patrol.objects.select_related("site", "area").get(pk=self.assignment.patrol_id)

    def post(self, request, pk):
        form = AssignmentRemoveForm(request.POST, prefix=self.prefix)
        reason = form.cleaned_data.get("reason", "") if form.is_valid() else ""
        officer = self.assignment.officer
        try:
            services.assignment_delete(assignment=self.assignment, by=request.user, reason=reason)
        except ValidationError as error:
            return self.refused(AssignForm.for_patrol(self.patrol), error.messages)
        return self.done(f"{officer} taken off the patrol.")


class PatrolAddView(PatrolViewAuditMixin, RoleRequiredMixin, TemplateView):
    """A one-off patrol: GET the form (the board's cell gives `site` and `day`), POST to add it.
    Without JavaScript an added patrol opens its page; with htmx the dialog shows it."""

    roles = (Role.INSPECTOR,)
    template_name = "patrols/patrol_add.html"

    def get_template_names(self):
        return ["patrols/partials/patrol_add_form.html" if self.htmx else self.template_name]

    def sites(self):
        return self.access.scope(Site.objects.all(), Role.INSPECTOR)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if "form" not in context:
            initial: dict[str, Any] = {}
            site_id, day = self.request.GET.get("site", ""), self.request.GET.get("day", "")
            if site_id.isdigit():
                initial["site"] = get_object_or_404(self.sites(), pk=site_id).pk
            if day:
                initial["day"] = day
            context["form"] = PatrolAddForm(initial=initial, sites=self.sites(), prefix=ADD_PREFIX)
        return context

    def post(self, request):
        form = PatrolAddForm(request.POST, sites=self.sites(), prefix=ADD_PREFIX)
        if form.is_valid():
            data = form.cleaned_data
            try:
                starts_at, ends_at = form.times()
                patrol = services.patrol_create_manual(
                    site=data["site"],
                    starts_at=starts_at,
                    ends_at=ends_at,
                    by=request.user,
                    kind=data["kind"],
                    officers_required=data["officers_required"],
                    volunteers_required=data["volunteers_required"],
                    label=data["label"],
                )
            except ValidationError as error:
                form.add_error(None, error.messages)
            else:
                notice = "Patrol added."
                if self.htmx:
                    record_for_request(request, unfinished_area_ids([patrol], timezone.now()))
                    response = render(request, DIALOG, dialog_context(patrol, notice=notice))
                    return _changed(response, [patrol])
                messages.success(request, notice)
                return redirect("patrols:patrol", patrol.pk)
        response = self.render_to_response(self.get_context_data(form=form))
        if not self.htmx:
            response.status_code = 422
        return response


class BulkView(RoleRequiredMixin, View):
    """The board's selection: assign one officer to every ticked patrol, cancel them or restore
    them. Each patrol is done or refused on its own (services.patrols_bulk); the answer lists both,
    with the reason for each refusal. A ticked patrol outside the inspector's areas is "not found"."""

    roles = (Role.INSPECTOR,)
    http_method_names = ["post"]

    def post(self, request):
        form = BulkForm(request.POST)
        context: dict[str, Any] = {"form": form, "done": [], "refused": [], "missing": 0}
        template = "patrols/partials/bulk_result.html" if self.htmx else "patrols/bulk_result.html"
        if not form.is_valid():
            return render(request, template, context, status=200 if self.htmx else 422)
        data = form.cleaned_data
        patrols = list(patrols_for_editing(self.access).filter(pk__in=data["patrols"]).order_by("starts_at", "pk"))
        missing = set(data["patrols"]) - {patrol.pk for patrol in patrols}
        officer = None
        if data["action"] == BulkAction.ASSIGN:
            officer = rostered_officers(self.access).filter(pk=data["officer"]).first()
            if officer is None:
                form.add_error("officer", "Choose an officer of your areas.")
                return render(request, template, context, status=200 if self.htmx else 422)
        try:
            outcomes = services.patrols_bulk(
                action=data["action"],
                patrols=patrols,
                by=request.user,
                officer=officer,
                reason=data["reason"].strip(),
                # The toolbar has one reason: when assigning, it is the reason to override warnings.
                override_reason=(data["override_reason"] or data["reason"]).strip(),
            )
        except ValidationError as error:  # refused as a whole (no patrol found, too many): nothing done
            if missing and not patrols:
                form.add_error("patrols", "None of the ticked patrols is in your areas.")
            else:
                form.add_error(None, error.messages)
            return render(request, template, context, status=200 if self.htmx else 422)
        context["done"] = [outcome for outcome in outcomes if outcome.done]
        context["refused"] = [outcome for outcome in outcomes if not outcome.done]
        context["missing"] = len(missing)
        context["action"] = dict(BulkAction.choices)[data["action"]]
        context["officer"] = officer
        record_for_request(request, unfinished_area_ids(patrols, timezone.now()))
        response = render(request, template, context)
        changed = [outcome.patrol for outcome in context["done"]]
        return _changed(response, changed) if self.htmx and changed else response
