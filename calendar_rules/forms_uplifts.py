"""The form for a staffing uplift (its pages: calendar_rules.views_uplifts)."""

from django import forms

from sites.models import RiskTier, SiteKind

from .forms import category_choices, observance_choices, period_choices
from .models import StaffingUplift


class StaffingUpliftForm(forms.ModelForm):
    observance_categories = forms.MultipleChoiceField(
        choices=category_choices, required=False, widget=forms.CheckboxSelectMultiple, label="On these kinds of day"
    )
    observance_keys = forms.MultipleChoiceField(
        choices=observance_choices, required=False, widget=forms.CheckboxSelectMultiple, label="or these observances"
    )
    periods = forms.MultipleChoiceField(
        choices=period_choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Periods",
        help_text="With observances: only those inside these periods; alone: every day of them.",
    )
    site_kinds = forms.MultipleChoiceField(
        choices=SiteKind.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="At sites of these kinds",
        help_text="None ticked: every kind.",
    )
    risk_tiers = forms.TypedMultipleChoiceField(
        choices=RiskTier.choices,
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="and these risk tiers",
        help_text="None ticked: every tier.",
    )

    class Meta:
        model = StaffingUplift
        fields = [
            "area",
            "label",
            "observance_categories",
            "observance_keys",
            "periods",
            "during_surge",
            "site_kinds",
            "risk_tiers",
            "officers_mode",
            "officers_value",
            "cst_places",
            "active",
        ]
        labels = {
            "officers_mode": "Officers",
            "officers_value": "Number of officers",
            "during_surge": "While the alert level is raised",
        }

    def __init__(self, *args, areas, **kwargs):
        super().__init__(*args, **kwargs)
        area_field = self.fields["area"]
        area_field.queryset = areas  # type: ignore[attr-defined]
        if self.instance.pk is not None:
            area_field.disabled = True  # fixed once set
        elif len(areas) == 1:
            area_field.initial = areas[0].pk  # an inspector of one area need not choose it

    def uplift_fields(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}
