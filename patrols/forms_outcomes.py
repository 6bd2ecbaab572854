"""The inspector's forms on a missed patrol: why it was missed, and the correction."""

from django import forms

from sites.validators import single_line_text

from .models import MissedReason, PatrolStatus


class MissedReasonForm(forms.Form):
    reason = forms.ChoiceField(label="Why was it missed?", choices=[("", "Choose…"), *MissedReason.choices])
    note = forms.CharField(label="Note", required=False, max_length=200, validators=[single_line_text])
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class OutcomeCorrectionForm(forms.Form):
    status = forms.ChoiceField(
        choices=[(PatrolStatus.COMPLETED, "Attended, not checked in"), (PatrolStatus.MISSED, "Missed after all")]
    )
    note = forms.CharField(label="Note", required=False, max_length=200, validators=[single_line_text])
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
