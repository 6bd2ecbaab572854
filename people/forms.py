from typing import cast

from django import forms

from sites.forms import fix_area_once_set

from .models import Volunteer
from .selectors import HOME_SITE_REFUSED, home_site_choices


class VolunteerForm(forms.ModelForm):
    class Meta:
        model = Volunteer
        fields = Volunteer.EDITABLE_FIELDS
        # ISO format: a browser date input reads nothing else (the en-GB default is dd/mm/yyyy).
        widgets = {"card_expires": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}

    def __init__(self, *args, areas, **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["area"]).queryset = areas
        # Volunteers usually guard their own synagogue: ranked first when asking for its places.
        home_site = cast(forms.ModelChoiceField, self.fields["home_site"])
        # DESIGN.md §6: a coordinator is offered the sites of joint patrols only.
        home_site.queryset = home_site_choices(areas, current_id=self.instance.home_site_id)
        home_site.error_messages["invalid_choice"] = HOME_SITE_REFUSED
        home_site.label_from_instance = lambda site: f"{site.name} ({site.area.name})"  # type: ignore[method-assign,assignment]
        home_site.help_text = "The site they usually guard, if any: a site of their area with joint patrols."
        if areas.count() == 1 and not self.instance.pk:
            self.fields["area"].initial = areas.first()
        fix_area_once_set(self)

    def clean_call_sign(self):
        return self.cleaned_data["call_sign"].strip().upper()

    def clean(self):
        cleaned = super().clean() or {}
        area = cleaned.get("area") or getattr(self.instance, "area", None)
        home_site = cleaned.get("home_site")
        if home_site is not None and area is not None and home_site.area_id != area.pk:
            self.add_error("home_site", HOME_SITE_REFUSED)
        return cleaned


class OfficerEmailSettingsForm(forms.Form):
    """The emails an officer chooses on their profile (both on unless turned off). A box left
    unticked is posted as nothing, so a missing field means off."""

    notify_patrol_changes = forms.BooleanField(
        required=False, label="Email me when I am put on or taken off a patrol, or my patrol is moved or cancelled"
    )
    notify_evening_reminder = forms.BooleanField(required=False, label="Email me the evening before a duty")
