"""The inspector's edit forms for one patrol (move, staffing, cancel, restore, assign), a new
one-off patrol, and the board's bulk actions. They read what the inspector typed; the services
decide whether it may be done.

Times are typed as the area's wall clock: a local date, a start and an end time. They become aware
instants with `calendar_rules.recurrence.local_to_utc`, so the DST policy is the rota's own (a
time in the spring-forward gap moves forward by the gap, a repeated one takes its first instant).
An end at or before the start is the next morning: a night patrol 22:00–02:00 is typed as it is
said.

Every form about one patrol carries the `version` of the patrol the inspector was shown: the
service refuses the edit if the patrol changed since (see `patrols.views.edits`).
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django import forms
from django.db.models import QuerySet

from calendar_rules.dates import LAST_DAY
from calendar_rules.models import MAX_OFFICERS_PER_PATROL, MAX_VOLUNTEERS_PER_PATROL, PatrolKind
from calendar_rules.recurrence import local_to_utc
from sites.models import Area, Site
from sites.validators import single_line_text

from .models import Patrol
from .services.patrols import BRIEFING_MAX_LEAD

OVERNIGHT_HELP = "An end at or before the start is the next morning."


def local_times(area: Area, day: date, start: time, end: time) -> tuple[datetime, datetime]:
    """The aware instants of `start`–`end` on the area's local `day` (an end at or before the start
    falls on the next day), each by the rota's DST policy."""
    starts_at = local_to_utc(day, start, area.zone.key)
    end_day = day if end > start else day + timedelta(days=1)
    return starts_at, local_to_utc(end_day, end, area.zone.key)


class VersionedForm(forms.Form):
    """A form about one patrol as the inspector saw it: its version travels with the edit."""

    version = forms.IntegerField(min_value=1, widget=forms.HiddenInput)

    def clean_version(self) -> int:
        version = self.cleaned_data["version"]
        if version is None:
            raise forms.ValidationError("This form is out of date: reload the patrol.")
        return version


class _TimesMixin(forms.Form):
    day = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    start = forms.TimeField(widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"))
    end = forms.TimeField(widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"), help_text=OVERNIGHT_HELP)

    def clean_day(self) -> date:
        day = self.cleaned_data["day"]
        if day >= LAST_DAY:
            raise forms.ValidationError("Choose a day the calendar covers.")
        return day

    def times(self, area: Area) -> tuple[datetime, datetime]:
        data = self.cleaned_data
        return local_times(area, data["day"], data["start"], data["end"])


class PatrolMoveForm(_TimesMixin, VersionedForm):
    """Move a patrol: its local day, start and end."""

    @classmethod
    def for_patrol(cls, patrol: Patrol) -> PatrolMoveForm:
        zone = patrol.area.zone
        begins, ends = patrol.starts_at.astimezone(zone), patrol.ends_at.astimezone(zone)
        initial = {"version": patrol.version, "day": begins.date(), "start": begins.time(), "end": ends.time()}
        return cls(initial=initial, prefix="move")


class StaffingFields(forms.Form):
    kind = forms.ChoiceField(choices=PatrolKind.choices)
    officers_required = forms.IntegerField(label="Officers", min_value=0, max_value=MAX_OFFICERS_PER_PATROL)
    volunteers_required = forms.IntegerField(
        label="CST places",
        min_value=0,
        max_value=MAX_VOLUNTEERS_PER_PATROL,
        required=False,
        help_text="For a joint patrol; a police patrol has none.",
    )

    def clean(self):
        super().clean()
        data = self.cleaned_data
        if data.get("volunteers_required") is None:
            data["volunteers_required"] = 0
        if data.get("kind") == PatrolKind.JOINT and not data["volunteers_required"]:
            self.add_error("volunteers_required", "A joint patrol needs at least one CST place.")
        return data


class PatrolStaffingForm(StaffingFields, VersionedForm):
    """Change who a patrol needs: its kind, officers and CST places."""

    @classmethod
    def for_patrol(cls, patrol: Patrol) -> PatrolStaffingForm:
        initial = {
            "version": patrol.version,
            "kind": patrol.kind,
            "officers_required": patrol.officers_required,
            "volunteers_required": patrol.volunteers_required,
        }
        return cls(initial=initial, prefix="staffing")


class PatrolCancelForm(VersionedForm):
    reason = forms.CharField(max_length=200, help_text="Shown on the rota and in the patrol's history.")

    @classmethod
    def for_patrol(cls, patrol: Patrol) -> PatrolCancelForm:
        return cls(initial={"version": patrol.version}, prefix="cancel")


class PatrolRestoreForm(VersionedForm):
    @classmethod
    def for_patrol(cls, patrol: Patrol) -> PatrolRestoreForm:
        return cls(initial={"version": patrol.version}, prefix="restore")


class AssignForm(VersionedForm):
    """Put an officer on the patrol; `override_reason` answers a warning the inspector accepts."""

    officer = forms.IntegerField(min_value=1, error_messages={"required": "Choose an officer."})
    override_reason = forms.CharField(
        label="Reason to override", max_length=200, required=False, help_text="Recorded in the patrol's history."
    )

    @classmethod
    def for_patrol(cls, patrol: Patrol) -> AssignForm:
        return cls(initial={"version": patrol.version}, prefix="assign")


class AssignmentRemoveForm(VersionedForm):
    reason = forms.CharField(max_length=200, required=False)


class PatrolAddForm(_TimesMixin, StaffingFields):
    """A one-off patrol at an active site of the areas the inspector inspects (the board's cell
    gives the site and the day)."""

    site = forms.ModelChoiceField(queryset=Site.objects.none(), empty_label=None)
    label = forms.CharField(max_length=100, required=False)

    field_order = ["site", "day", "start", "end", "kind", "officers_required", "volunteers_required", "label"]

    def __init__(self, *args, sites: QuerySet[Site], **kwargs):
        super().__init__(*args, **kwargs)
        site_field = self.fields["site"]
        assert isinstance(site_field, forms.ModelChoiceField)
        site_field.queryset = sites.filter(active=True).select_related("area").order_by("area__name", "name")
        self.fields["officers_required"].initial = 1
        self.fields["volunteers_required"].initial = 0
        self.fields["kind"].initial = PatrolKind.POLICE

    def times(self, area: Area | None = None) -> tuple[datetime, datetime]:
        return super().times(area or self.cleaned_data["site"].area)


class BulkAction:
    ASSIGN, CANCEL, RESTORE = "assign", "cancel", "restore"
    choices = [(ASSIGN, "Assign an officer"), (CANCEL, "Cancel"), (RESTORE, "Restore")]


MAX_BULK_PATROLS = 500


class BulkForm(forms.Form):
    """The board's selection: the patrols ticked, and what to do to all of them."""

    action = forms.ChoiceField(choices=BulkAction.choices, error_messages={"required": "Choose what to do."})
    patrols = forms.TypedMultipleChoiceField(coerce=int, error_messages={"required": "Tick the patrols first."})
    officer = forms.IntegerField(min_value=1, required=False)
    reason = forms.CharField(max_length=200, required=False)
    override_reason = forms.CharField(max_length=200, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Any whole number is a choice here; which of them the inspector may touch is the view's scope.
        values = self.data.getlist("patrols") if hasattr(self.data, "getlist") else []
        self.fields["patrols"].choices = [(value, value) for value in values if str(value).isdigit()]  # type: ignore[attr-defined]

    def clean_patrols(self) -> list[int]:
        ids = list(dict.fromkeys(self.cleaned_data["patrols"]))
        if len(ids) > MAX_BULK_PATROLS:
            raise forms.ValidationError(f"Choose at most {MAX_BULK_PATROLS} patrols at a time.")
        return ids

    def clean(self):
        super().clean()
        data = self.cleaned_data
        action = data.get("action")
        if action == BulkAction.ASSIGN and not data.get("officer"):
            self.add_error("officer", "Choose the officer to assign.")
        if action == BulkAction.CANCEL and not (data.get("reason") or "").strip():
            self.add_error("reason", "Say why the patrols are cancelled.")
        return data


class BriefingForm(VersionedForm):
    """Where and when police and CST meet before a joint patrol, and the CST team leader (one of
    the volunteers confirmed on it). The time is on the patrol's local day, or the evening before
    when it is later than the start."""

    point = forms.CharField(
        label="Briefing point",
        max_length=200,
        required=False,
        validators=[single_line_text],
        help_text="Where police and CST meet, e.g. the car park on Brook Road.",
    )
    time = forms.TimeField(
        label="Briefing time",
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
    )
    team_leader = forms.IntegerField(label="CST team leader", min_value=1, required=False)

    @classmethod
    def for_patrol(cls, patrol: Patrol) -> BriefingForm:
        zone = patrol.area.zone
        initial = {
            "version": patrol.version,
            "point": patrol.briefing_point,
            "time": patrol.briefing_at.astimezone(zone).time() if patrol.briefing_at else None,
            "team_leader": patrol.cst_team_leader_id,
        }
        return cls(initial=initial, prefix="briefing")

    def briefing_at(self, patrol: Patrol) -> datetime | None:
        """The briefing's instant: at that local time on the patrol's day, or the evening before for
        a patrol starting soon after midnight (a time later than its start, within the briefing's
        longest lead); otherwise on its day, which the service refuses as after the start."""
        at = self.cleaned_data["time"]
        if at is None:
            return None
        zone = patrol.area.zone
        day = patrol.starts_at.astimezone(zone).date()
        same_day = local_to_utc(day, at, zone.key)
        if same_day <= patrol.starts_at:
            return same_day
        day_before = local_to_utc(day - timedelta(days=1), at, zone.key)
        return day_before if patrol.starts_at - day_before <= BRIEFING_MAX_LEAD else same_day
