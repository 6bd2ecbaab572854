"""The query strings of the rota's pages, read by forms: a bad value is an error naming its
parameter, shown on the page, never a 500."""

from django import forms

from calendar_rules.forms import DateParamField

ROTA_DEFAULT_DAYS = 7
ROTA_MAX_DAYS = 31


class RotaWindowForm(forms.Form):
    """`?area=<slug>&start=YYYY-MM-DD&days=N`, each optional: the first area, today, a week."""

    area = forms.CharField(required=False, strip=False)
    start = DateParamField(required=False)
    days = forms.IntegerField(required=False)

    def clean_days(self):
        # Out of range is brought into it (the page's input offers 1 to 31), not refused.
        days = self.cleaned_data["days"]
        return ROTA_DEFAULT_DAYS if days is None else min(max(days, 1), ROTA_MAX_DAYS)


class RunWatchForm(forms.Form):
    """`?run=<id>`: the run whose progress the runs page shows (after "Generate now")."""

    run = forms.IntegerField(required=False, min_value=1)
