"""The form for one of a site's services (its page: sites.views_services)."""

from django import forms

from .models import SiteService


class SiteServiceForm(forms.ModelForm):
    class Meta:
        model = SiteService
        fields = [
            "day",
            "part",
            "label",
            "start_anchor",
            "start_time",
            "start_offset_minutes",
            "duration_minutes",
            "end_time",
        ]
        labels = {
            "day": "For",
            "part": "Service",
            "start_anchor": "Starts at",
            "start_time": "Start time",
            "start_offset_minutes": "Start offset (minutes)",
            "duration_minutes": "Duration (minutes)",
            "end_time": "or ends at",
        }
        help_texts = {
            "day": "The day the service is for: an evening service is held the evening before "
            "(Shabbat evening on Friday, Kol Nidre on erev Yom Kippur).",
            "start_time": "For a clock-time start.",
            "start_offset_minutes": "Minutes after (or, negative, before) the start, e.g. -10 for "
            "ten minutes before candle-lighting.",
            "duration_minutes": "Give a duration or an end time.",
        }
        widgets = {
            "start_time": forms.TimeInput(attrs={"type": "time"}),
            "end_time": forms.TimeInput(attrs={"type": "time"}),
        }

    def clean(self):
        cleaned = super().clean() or {}
        duration, end = cleaned.get("duration_minutes"), cleaned.get("end_time")
        if duration and end:
            self.add_error("duration_minutes", "Give a duration or an end time, not both.")
        elif not duration and not end and "duration_minutes" not in self.errors:
            self.add_error("duration_minutes", "Give a duration or an end time.")
        if cleaned.get("start_anchor") == "time" and not cleaned.get("start_time") and "start_time" not in self.errors:
            self.add_error("start_time", "Give the start time for a clock-time start.")
        return cleaned

    def service_fields(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}
