from typing import cast

from django import forms

from .models import Site


class SiteForm(forms.ModelForm):
    class Meta:
        model = Site
        fields = [
            "area",
            "name",
            "kind",
            "address",
            "postcode",
            "latitude",
            "longitude",
            "risk_tier",
            "officer_notes",
        ]
        widgets = {"officer_notes": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, areas, **kwargs):
        super().__init__(*args, **kwargs)
        # An inspector may only place a site in an area they inspect.
        cast(forms.ModelChoiceField, self.fields["area"]).queryset = areas
        if areas.count() == 1 and not self.instance.pk:
            self.fields["area"].initial = areas.first()
