from datetime import date
from typing import cast

from django import forms
from django.core.exceptions import ValidationError

from sites.forms import fix_area_once_set
from sites.models import RiskTier, SiteKind

from . import jewish_calendar
from .dates import MAX_YEAR, MIN_YEAR, parse_date_param
from .models import CATEGORY_LABELS, Anchor, PatrolRule


def category_choices():
    return [(key, CATEGORY_LABELS.get(key, key.replace("_", " ").capitalize())) for key in jewish_calendar.CATEGORIES]


def observance_choices():
    """Observances grouped by category, for a select that would otherwise list ~70 names."""
    groups: dict[str, list] = {}
    for key, kind in jewish_calendar.OBSERVANCE_KINDS.items():
        groups.setdefault(kind.category, []).append((key, kind.name))
    return [
        (CATEGORY_LABELS.get(category, category), groups[category])
        for category in jewish_calendar.CATEGORIES
        if category in groups
    ]


def period_choices():
    return list(jewish_calendar.PERIODS.items())


class PatrolRuleForm(forms.ModelForm):
    """Create or edit a rule. The rule's own clean() does the domain checks; this form adds the
    chosen-sites check (an M2M cannot be checked by the model) and the version of an edit."""

    observance_categories = forms.MultipleChoiceField(
        choices=category_choices, required=False, widget=forms.CheckboxSelectMultiple, label="Observance categories"
    )
    observance_keys = forms.MultipleChoiceField(
        choices=observance_choices,
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
        label="Particular observances",
        help_text="Ctrl/⌘-click to choose several.",
    )
    periods = forms.MultipleChoiceField(
        choices=period_choices, required=False, widget=forms.CheckboxSelectMultiple, label="Periods"
    )
    site_kinds = forms.MultipleChoiceField(
        choices=SiteKind.choices, required=False, widget=forms.CheckboxSelectMultiple, label="Site kinds"
    )
    site_risk_tiers = forms.TypedMultipleChoiceField(
        choices=RiskTier.choices,
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Risk tiers",
        help_text="Only sites of these risk tiers (none ticked: every tier).",
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = PatrolRule
        fields = PatrolRule.EDITABLE_FIELDS
        widgets = {
            "recurrence": forms.Textarea(attrs={"rows": 3, "spellcheck": "false", "autocapitalize": "characters"}),
            "trigger": forms.RadioSelect,
            "timing": forms.RadioSelect,
            "site_selection": forms.RadioSelect,
            "sites": forms.CheckboxSelectMultiple,
            "start_time": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            "end_time": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            "valid_from": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "valid_until": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }
        labels = {
            "start_offset_minutes": "Start offset (minutes)",
            "end_offset_minutes": "End offset (minutes)",
            "duration_minutes": "Duration (minutes)",
            "end_anchor": "Or end at",
        }
        help_texts = {
            "start_offset_minutes": "Negative for before the anchor: −30 is half an hour before sunset.",
            "duration_minutes": "Or leave empty and give an end below.",
        }

    def __init__(self, *args, areas, sites, **kwargs):
        super().__init__(*args, **kwargs)
        # An inspector may only write rules into, and choose sites from, the areas they inspect.
        area_field = cast(forms.ModelChoiceField, self.fields["area"])
        sites_field = cast(forms.ModelMultipleChoiceField, self.fields["sites"])
        end_anchor_field = cast(forms.ChoiceField, self.fields["end_anchor"])
        area_field.queryset = areas
        sites_field.queryset = sites
        sites_field.required = False
        self.fields["precedence"].required = False
        if len({site.area_id for site in sites}) > 1:
            sites_field.label_from_instance = lambda site: f"{site.name} ({site.area.name})"  # type: ignore[method-assign,assignment]
        end_anchor_field.choices = [("", "— (use the duration)"), *Anchor.choices]
        if not self.instance.pk:
            if len(areas) == 1:
                self.fields["area"].initial = areas[0]
        else:
            self.fields["version"].initial = self.instance.version
        fix_area_once_set(self)

    def clean(self):
        super().clean()
        cleaned = self.cleaned_data
        if self.instance.pk and cleaned.get("version") is None:
            self.add_error(None, "The form is missing the rule's version; reload the page.")
        area = cleaned.get("area")
        if area is not None:
            probe = PatrolRule(area=area, site_selection=cleaned.get("site_selection", ""))
            try:
                probe.clean_sites(cleaned.get("sites") or [])
            except ValidationError as error:
                for field, messages in error.message_dict.items():
                    self.add_error(field, messages)
        return cleaned

    def clean_precedence(self) -> int:
        return self.cleaned_data.get("precedence") or 0

    def rule_fields(self) -> dict:
        """The cleaned values the services take: model fields, with `sites` as a list."""
        fields = {name: self.cleaned_data[name] for name in self.Meta.fields}
        fields["sites"] = list(fields["sites"] or [])
        return fields


# ---- query strings of pages ------------------------------------------------------------------


class DateParamField(forms.Field):
    """A date in a page's query string, read as every page and endpoint reads one
    (`dates.parse_date_param`): exactly YYYY-MM-DD, within the calendar's years."""

    def to_python(self, value):
        if value in self.empty_values:
            return None
        try:
            return parse_date_param(value, name="date")
        except ValueError as error:
            message = str(error).removeprefix("date: ")
            raise ValidationError(message[:1].upper() + message[1:], code="invalid") from None


class MonthField(forms.Field):
    """A month as `<input type="month">` sends it (YYYY-MM), as its first day, within the
    calendar's years."""

    def to_python(self, value):
        if value in self.empty_values:
            return None
        try:
            year, month = (int(part) for part in value.split("-"))
            first = date(year, month, 1)
        except ValueError:
            raise ValidationError(f"“{value[:40]}” is not a month like 2026-09.", code="invalid") from None
        if not MIN_YEAR <= year <= MAX_YEAR:
            raise ValidationError(f"The calendar covers {MIN_YEAR} to {MAX_YEAR}.", code="out_of_range")
        return first


class QueuedRunForm(forms.Form):
    """The rules page's `?run=<id>`: the run a save just queued, whose progress it shows."""

    run = forms.IntegerField(required=False, min_value=1)


class CalendarMonthForm(forms.Form):
    """The calendar page's query: `?area=<slug>&month=YYYY-MM`, both optional."""

    area = forms.CharField(required=False, strip=False)
    month = MonthField(required=False)
