"""Forms of the area page: the area's settings, and raising its alert level."""

from __future__ import annotations

from datetime import datetime, timedelta

from django import forms
from django.utils import timezone

from .models import Area, AreaSurge
from .surges import SURGE_DEFAULT_HOURS, SURGE_MAX_DAYS


class AreaSettingsForm(forms.ModelForm):
    """The settings an inspector edits, with the version they opened (a stale save is refused)."""

    version = forms.IntegerField(widget=forms.HiddenInput)

    class Meta:
        model = Area
        fields = Area.SETTINGS_FIELDS
        widgets = {"escalation_festival_time": forms.TimeInput(attrs={"type": "time"}, format="%H:%M")}
        help_texts = {
            "timezone": "The zone of the area's dates and times. Changing it re-plans the rota.",
            "latitude": "The reference point whose sunset and nightfall time sunset-anchored patrols.",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["version"].initial = self.instance.version


class SurgeRaiseForm(forms.Form):
    """Raise the alert level: why, and until when (in the area's own time)."""

    reason = forms.CharField(
        max_length=AreaSurge._meta.get_field("reason").max_length,
        help_text="Shown on the rota, My day and the joint planner, e.g. “Incident at a synagogue”.",
    )
    ends_at = forms.DateTimeField(
        label="Until",
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
        help_text=f"Default {SURGE_DEFAULT_HOURS} hours from now; at most {SURGE_MAX_DAYS} days. "
        "It falls back by itself at this time.",
    )

    def __init__(self, *args, area: Area, now: datetime | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.area = area
        now = now or timezone.now()
        default_end = (now + timedelta(hours=SURGE_DEFAULT_HOURS)).astimezone(area.zone)
        self.fields["ends_at"].initial = default_end.strftime("%Y-%m-%dT%H:%M")
        self.fields["ends_at"].help_text += f" Times are {area.zone.key}."

    def full_clean(self) -> None:
        # The end is typed in the area's own time (its local time changing at a clock change is
        # refused by Django as ambiguous or non-existent, with a message).
        with timezone.override(self.area.zone):
            super().full_clean()
