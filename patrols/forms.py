"""The query strings of the rota's pages, read by forms: a bad value is an error naming its
parameter, shown on the page, never a 500."""

from django import forms

from calendar_rules.forms import DateParamField
from sites.models import RiskTier, SiteKind

from .models import PatrolKind

ROTA_DEFAULT_DAYS = 7
ROTA_MAX_DAYS = 14


class RotaWindowForm(forms.Form):
    """`?area=<slug>&start=YYYY-MM-DD&days=N`, each optional: the first area, today, a week."""

    area = forms.CharField(required=False, strip=False)
    start = DateParamField(required=False)
    days = forms.IntegerField(required=False)

    def clean_days(self):
        # Out of range is brought into it (the page's input offers 1 to 14), not refused.
        days = self.cleaned_data["days"]
        return ROTA_DEFAULT_DAYS if days is None else min(max(days, 1), ROTA_MAX_DAYS)


SITE_KIND_CHOICES = [("", "All kinds"), *SiteKind.choices]
RISK_TIER_CHOICES = [("", "All tiers"), *RiskTier.choices]
PATROL_KIND_CHOICES = [("", "Police and joint"), *PatrolKind.choices]


class BoardFilterForm(forms.Form):
    """The board's and the day view's filters, each optional: `site_kind`, `tier` (risk tier),
    `kind` (patrol kind), `needs` (only patrols that need officers)."""

    site_kind = forms.ChoiceField(required=False, choices=SITE_KIND_CHOICES)
    tier = forms.TypedChoiceField(required=False, coerce=int, empty_value=None, choices=RISK_TIER_CHOICES)
    kind = forms.ChoiceField(required=False, choices=PATROL_KIND_CHOICES)
    needs = forms.BooleanField(required=False, label="Needs officers")


class RunWatchForm(forms.Form):
    """`?run=<id>`: the run whose progress the runs page shows (after "Generate now")."""

    run = forms.IntegerField(required=False, min_value=1)


class RunStartForm(forms.Form):
    """ "Generate now" (`area`), or "Generate to <date>" (`until`, a local date of the area; how
    far ahead is the service's to check)."""

    area = forms.SlugField()
    until = forms.DateField(required=False, input_formats=["%Y-%m-%d"])


class PlannerQueryForm(forms.Form):
    """The CST planner's query string, each optional: `area` (slug; the first area), `start` and
    `end` (local dates; today and a week), `site` (a site's id: every site), `open` (only patrols
    with places to fill)."""

    area = forms.CharField(required=False, strip=False)
    start = DateParamField(required=False)
    end = DateParamField(required=False)
    site = forms.IntegerField(required=False, min_value=1, max_value=2**31 - 1)
    open = forms.BooleanField(required=False)
