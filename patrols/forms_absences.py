"""The absence pages' forms: the absence itself, and the list's filters."""

from __future__ import annotations

from typing import cast

from django import forms
from django.db.models import QuerySet

from people.models import Absence, Officer

ABSENCE_WHEN_CHOICES = [("upcoming", "Current and upcoming"), ("past", "Past"), ("all", "All")]


class OfficerChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Officer) -> str:
        return f"{obj.collar_number} {obj.user.get_full_name() or obj.user.username} ({obj.rank})"


class AbsenceForm(forms.ModelForm):
    """Officer (when adding), kind, from, to, note. The model's checks (dates, note) show on
    their fields; the service's (a second absence over the same days) on the form."""

    officer = OfficerChoiceField(queryset=Officer.objects.none())

    class Meta:
        model = Absence
        fields = ["officer", "kind", "starts_on", "ends_on", "note"]
        # ISO format: a browser date input reads nothing else (the en-GB default is dd/mm/yyyy).
        widgets = {
            "starts_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "ends_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }

    def __init__(self, *args, officers: QuerySet[Officer], **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            del self.fields["officer"]  # an absence stays the officer's it was recorded for
        else:
            cast(forms.ModelChoiceField, self.fields["officer"]).queryset = officers


class AbsenceFilterForm(forms.Form):
    """`?officer=<id>&when=upcoming|past|all` on the list; an officer outside scope is a 404 (the view)."""

    officer = forms.IntegerField(required=False, min_value=1)
    when = forms.ChoiceField(choices=ABSENCE_WHEN_CHOICES, required=False)
