"""The CST coordinator's pages of one joint patrol: its CST places and briefing (the planner of
every joint patrol is patrols.views.planner)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.generic import TemplateView, View

from audit.recording import PatrolViewAuditMixin
from people.models import Volunteer
from people.selectors import volunteers_for_coordination
from sites.models import Role
from sites.permissions import RoleRequiredMixin

from .. import services
from ..edit_forms import BriefingForm
from ..models import Patrol, PatrolStatus, SlotStatus, VolunteerSlot
from ..selectors import (
    joint_patrols_coordinated,
    patrol_slots,
    slot_asks,
    slots_for_coordination,
    volunteer_suggestions,
)
from ..services import availability as availability_services

SLOTS_PARTIAL = "patrols/partials/slots.html"


def slot_page_context(patrol: Patrol, *, errors: dict[int, list[str]] | None = None, notice: str = "") -> dict:
    """What the joint patrol page (and its htmx slots partial) shows: the patrol in its area's
    time, its slots, each with the volunteers it may be filled with and any refusal next to it,
    the counts, and the slots' history. Four queries whatever the number of slots."""
    now = timezone.now()
    slots = patrol_slots(patrol)
    asks = slot_asks(patrol, slots)
    # Ranked: askable first, home site first, fewest recent duties; the others shown, marked.
    suggestions = volunteer_suggestions([patrol], now=now)
    # A volunteer is on a patrol once (one slot each, a declined one included): offer the others,
    # and a declined slot its own volunteer again.
    taken = {slot.volunteer_id for slot in slots if slot.volunteer_id}
    for slot in slots:
        # What the template shows beside each slot.
        slot.choices = [  # type: ignore[attr-defined]
            suggestion
            for suggestion in suggestions
            if suggestion.volunteer.pk not in taken or suggestion.volunteer.pk == slot.volunteer_id
        ]
        slot.errors = (errors or {}).get(slot.pk, [])  # type: ignore[attr-defined]
        slot.ask = asks.get(slot.pk)  # type: ignore[attr-defined]
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
        patrol = self.patrol
        page = slot_page_context(patrol)
        briefing = {
            "briefing_form": kwargs.pop("briefing_form", None) or BriefingForm.for_patrol(patrol),
            # From the slots the page loads already: who is confirmed may lead the CST team.
            "team_leaders": sorted(
                (slot.volunteer for slot in page["slots"] if slot.status == SlotStatus.CONFIRMED and slot.volunteer),
                key=lambda volunteer: volunteer.call_sign,
            ),
            "briefing_at": patrol.briefing_at.astimezone(patrol.area.zone) if patrol.briefing_at else None,
            "briefing_open": patrol.status == PatrolStatus.SCHEDULED and patrol.ends_at > timezone.now(),
        }
        return super().get_context_data(**page, **briefing, **kwargs)


class JointBriefingView(JointPatrolView):
    """POST where and when police and CST meet, and the CST team leader, from the joint patrol's
    page: back to it with what was done, or the page again (422) with the form as typed and why
    it was refused (nothing changed)."""

    http_method_names = ["post"]

    def post(self, request, pk):
        patrol = self.patrol
        form = BriefingForm(request.POST, prefix="briefing")
        try:
            if not form.is_valid():
                raise ValidationError([])
            leader_id = form.cleaned_data["team_leader"]
            leader = Volunteer.objects.filter(pk=leader_id, area_id=patrol.area_id).first() if leader_id else None
            if leader_id and leader is None:
                raise ValidationError({"team_leader": "Choose a volunteer confirmed on this patrol."})
            services.patrol_set_briefing(
                patrol=patrol,
                by=request.user,
                briefing_point=form.cleaned_data["point"],
                briefing_at=form.briefing_at(patrol),
                cst_team_leader=leader,
                expected_version=form.cleaned_data["version"],
            )
        except ValidationError as refused:
            if refused.messages:
                form.add_error(None, refused.messages)
            patrol.refresh_from_db()  # the page shows the patrol as it is, the form as typed
            return self.render_to_response(self.get_context_data(briefing_form=form), status=422)
        messages.success(request, "Briefing saved.")
        return redirect("patrols:joint_patrol", patrol.pk)


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


def _ids(values: list[str]) -> list[int] | None:
    """The ids in a list of query values, in order and once each; None when one is not an id."""
    ids: list[int] = []
    for value in values:
        if not value.isdigit() or len(value) > 18:
            return None
        if int(value) not in ids:
            ids.append(int(value))
    return ids


class JointAskManyView(PatrolViewAuditMixin, RoleRequiredMixin, TemplateView):
    """ "Ask several": GET `?slots=<id>&slots=<id>` (the planner's checkboxes) shows those places
    and the area's volunteers ranked for them, as checkboxes; POST asks the ticked volunteers for
    the places that are open, pairing them in order (the first ticked for the first place, ...),
    each place in its own transaction, and shows what was asked and each refusal. A place outside
    the coordinator's areas is 404; places of more than one area are asked one area at a time."""

    roles = (Role.CST_COORDINATOR,)
    template_name = "patrols/joint_ask_many.html"
    http_method_names = ["get", "post"]

    def shown_patrols(self, context):  # audit: who viewed future patrol times
        return context["patrols"]

    def load_scoped_objects(self):
        source = self.request.POST if self.request.method == "POST" else self.request.GET
        ids = _ids(source.getlist("slots"))
        if ids is None:
            raise Http404("No such places.")
        self.too_many = len(ids) > services.slots.ASK_MANY_MAX
        if self.too_many:
            # From the planner's checkboxes over a festival season: say so rather than 404.
            self.slots = []
            return
        slots = list(slots_for_coordination(self.access).filter(pk__in=ids).order_by("patrol__starts_at", "pk"))
        if len(slots) != len(ids):
            raise Http404("No such places.")
        self.slots = slots

    def get_context_data(self, **kwargs):
        now = timezone.now()
        slots = self.slots
        patrols = list({slot.patrol_id: slot.patrol for slot in slots}.values())
        areas = {patrol.area_id for patrol in patrols}
        one_area = len(areas) == 1
        for slot in slots:
            slot.askable = slot.status in (SlotStatus.OPEN, SlotStatus.DECLINED)  # type: ignore[attr-defined]
            patrol = slot.patrol
            slot.local_starts = patrol.starts_at.astimezone(patrol.area.zone)  # type: ignore[attr-defined]
            slot.local_ends = patrol.ends_at.astimezone(patrol.area.zone)  # type: ignore[attr-defined]
        suggestions = volunteer_suggestions(patrols, now=now, mark_already_on=True) if one_area else []
        return super().get_context_data(
            places=slots,
            patrols=patrols,
            one_area=one_area,
            open_places=sum(1 for slot in slots if slot.status in (SlotStatus.OPEN, SlotStatus.DECLINED)),
            suggestions=suggestions,
            too_many=self.too_many,
            ask_many_max=services.slots.ASK_MANY_MAX,
            **kwargs,
        )

    def post(self, request):
        if self.too_many:
            return self.render_to_response(self.get_context_data(), status=422)
        context_extra: dict = {}
        volunteer_ids = _ids(request.POST.getlist("volunteers")) or []
        askable = [slot for slot in self.slots if slot.status in (SlotStatus.OPEN, SlotStatus.DECLINED)]
        areas = {slot.patrol.area_id for slot in self.slots}
        volunteers_by_id = {
            volunteer.pk: volunteer
            for volunteer in Volunteer.objects.filter(pk__in=volunteer_ids, area_id__in=areas, active=True)
        }
        chosen = [volunteers_by_id[pk] for pk in volunteer_ids if pk in volunteers_by_id]
        try:
            if len(areas) != 1:
                raise ValidationError("Ask for the places of one area at a time.")
            if not askable:
                raise ValidationError("None of these places is open.")
            outcomes = services.slots_fill_many(pairs=list(zip(askable, chosen, strict=False)), by=request.user)
        except ValidationError as refused:
            context_extra["errors"] = refused.messages
            status = 422
        else:
            context_extra["outcomes"] = outcomes
            left = len(askable) - len(chosen)
            if left > 0:
                context_extra["left_unasked"] = left
            elif left < 0:
                context_extra["volunteers_unused"] = [volunteer for volunteer in chosen[len(askable) :]]
            status = 200
        self.slots = list(
            slots_for_coordination(self.access)
            .filter(pk__in=[slot.pk for slot in self.slots])
            .order_by("patrol__starts_at", "pk")
        )
        return self.render_to_response(self.get_context_data(**context_extra), status=status)


class VolunteerAvailabilityLinkView(RoleRequiredMixin, View):
    """POST from the volunteer's page: email them their personal availability link."""

    roles = (Role.CST_COORDINATOR,)
    http_method_names = ["post"]

    def post(self, request, pk):
        volunteer = get_object_or_404(volunteers_for_coordination(self.access), pk=pk)
        try:
            availability_services.availability_link_send(volunteer=volunteer, by=request.user)
        except ValidationError as refused:
            for message in refused.messages:
                messages.error(request, message)
        else:
            messages.success(request, f"Availability link emailed to {volunteer.call_sign} ({volunteer.email}).")
        return redirect("people:volunteer_edit", volunteer.pk)
