from typing import cast

from django import forms

from .models import Site


def query_errors(form: forms.Form) -> list[str]:
    """A page's refused query parameters, each message naming its parameter (`start: ...`)."""
    return [f"{name}: {message}" for name, messages in form.errors.items() for message in messages]


AREA_FIXED_HELP = "Fixed once set: to move it, make a new one in the other area."


def fix_area_once_set(form: forms.ModelForm) -> None:
    """On an edit form the area is shown but cannot change (a posted value is ignored); the
    model refuses a change from any other writer."""
    if form.instance.pk is not None:
        form.fields["area"].disabled = True
        form.fields["area"].help_text = AREA_FIXED_HELP


class SiteForm(forms.ModelForm):
    class Meta:
        model = Site
        fields = Site.EDITABLE_FIELDS
        widgets = {"officer_notes": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, areas, **kwargs):
        super().__init__(*args, **kwargs)
        # An inspector may only place a site in an area they inspect.
        cast(forms.ModelChoiceField, self.fields["area"]).queryset = areas
        if areas.count() == 1 and not self.instance.pk:
            self.fields["area"].initial = areas.first()
        fix_area_once_set(self)
