from datetime import date
from typing import cast

from django import forms
from django.core.exceptions import ValidationError

from sites.forms import fix_area_once_set
from sites.models import RiskTier, SiteKind

from . import jewish_calendar
from .dates import MAX_YEAR, MIN_YEAR, parse_date_param
from .models import CATEGORY_LABELS, Anchor, PatrolRule, Trigger
from .recurrence import MAX_DATES_PER_LIST, MAX_INTERVAL
from .recurrence_builder import BuilderError, BuiltRecurrence, from_rrule, to_rrule


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


WEEKDAY_CHOICES = [
    ("MO", "Monday"),
    ("TU", "Tuesday"),
    ("WE", "Wednesday"),
    ("TH", "Thursday"),
    ("FR", "Friday"),
    ("SA", "Saturday"),
    ("SU", "Sunday"),
]
MONTH_DAY_CHOICES = [("", "—"), *((day, str(day)) for day in range(1, 32)), (-1, "the last day")]
MONTH_POSITION_CHOICES = [("", "—"), (1, "first"), (2, "second"), (3, "third"), (4, "fourth"), (-1, "last")]
# The builder's fields (`recurrence_builder.BuiltRecurrence`) -> the form's.
BUILDER_FIELDS = {
    "frequency": "repeat_frequency",
    "interval": "repeat_interval",
    "weekdays": "repeat_weekdays",
    "month_day": "repeat_month_day",
    "month_position": "repeat_month_position",
    "month_weekday": "repeat_month_weekday",
    "count": "repeat_count",
    "until": "repeat_until",
    "exdates": "repeat_exdates",
    "rdates": "repeat_rdates",
}


class DateListWidget(forms.Widget):
    """Any number of `<input type="date">` of one name (rows the page adds and removes); the
    template draws the rows (`PatrolRuleForm.date_rows`), so this only reads them back."""

    def value_from_datadict(self, data, files, name):
        values = data.getlist(name) if hasattr(data, "getlist") else data.get(name) or []
        return [value for value in values if isinstance(value, str) and value.strip()]

    def value_omitted_from_data(self, data, files, name):
        return False


class DateListField(forms.Field):
    """Dates, each YYYY-MM-DD; returned sorted, without repeats."""

    widget = DateListWidget

    def to_python(self, value):
        if not value:
            return []
        if len(value) > MAX_DATES_PER_LIST:
            raise ValidationError(f"At most {MAX_DATES_PER_LIST} dates.", code="max")
        days = set()
        for text in value:
            try:
                days.add(parse_date_param(text.strip(), name="date"))
            except ValueError:
                raise ValidationError(f"“{text[:20]}” is not a date like 2026-12-25.", code="invalid") from None
        return sorted(days)


class PatrolRuleForm(forms.ModelForm):
    """Create or edit a rule. The rule's own clean() does the domain checks; this form adds the
    chosen-sites check (an M2M cannot be checked by the model) and the version of an edit."""

    observance_categories = forms.MultipleChoiceField(
        choices=category_choices, required=False, widget=forms.CheckboxSelectMultiple, label="Observance categories"
    )
    observance_keys = forms.MultipleChoiceField(
        choices=observance_choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Particular observances",
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

    # The recurrence builder: it writes `recurrence` unless the raw text is chosen (Advanced).
    recurrence_advanced = forms.BooleanField(
        required=False,
        label="Write the recurrence as RFC 5545 text instead",
        help_text="For what the builder cannot say; the builder's choices above are then ignored.",
    )
    repeat_frequency = forms.ChoiceField(
        choices=[("daily", "Daily"), ("weekly", "Weekly"), ("monthly", "Monthly")],
        initial="weekly",
        required=False,
        widget=forms.RadioSelect,
        label="Repeats",
    )
    repeat_interval = forms.IntegerField(
        min_value=1,
        max_value=MAX_INTERVAL,
        initial=1,
        required=False,
        label="Every",
        help_text="1: every time; 2: every other.",
    )
    repeat_weekdays = forms.MultipleChoiceField(
        choices=WEEKDAY_CHOICES, required=False, widget=forms.CheckboxSelectMultiple, label="On"
    )
    repeat_monthly_by = forms.ChoiceField(
        choices=[("day", "On a day of the month"), ("weekday", "On a weekday of the month")],
        initial="day",
        required=False,
        widget=forms.RadioSelect,
        label="Which day of the month",
    )
    repeat_month_day = forms.TypedChoiceField(
        choices=MONTH_DAY_CHOICES, coerce=int, empty_value=None, required=False, label="Day"
    )
    repeat_month_position = forms.TypedChoiceField(
        choices=MONTH_POSITION_CHOICES, coerce=int, empty_value=None, required=False, label="The"
    )
    repeat_month_weekday = forms.ChoiceField(choices=[("", "—"), *WEEKDAY_CHOICES], required=False, label="Weekday")
    repeat_ends = forms.ChoiceField(
        choices=[("never", "Never"), ("until", "On a date"), ("count", "After a number of times")],
        initial="never",
        required=False,
        widget=forms.RadioSelect,
        label="Ends",
    )
    repeat_until = forms.DateField(
        required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"), label="Last date"
    )
    repeat_count = forms.IntegerField(min_value=1, required=False, label="Number of times")
    repeat_exdates = DateListField(required=False, label="Skip these dates")
    repeat_rdates = DateListField(required=False, label="Add these dates")

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
        # An opened rule fills the builder; a recurrence it cannot show opens in Advanced.
        self.builder_cannot_show = False
        if self.instance.pk and self.instance.trigger == Trigger.RRULE and self.instance.recurrence:
            built = from_rrule(self.instance.recurrence)
            if built is None:
                self.builder_cannot_show = True
                self.initial["recurrence_advanced"] = True
            else:
                self.initial.update(builder_initial(built))

    # ---- how the template draws the builder and the observances ----------------------------

    @property
    def advanced(self) -> bool:
        """Whether the raw text is in use (the Advanced disclosure opens)."""
        return bool(self["recurrence_advanced"].value())

    def date_rows(self, name: str) -> list[str]:
        """The rows of a date list as the inputs show them, and one empty row to add a date."""
        value = self[name].value() or []
        return [day if isinstance(day, str) else day.isoformat() for day in value] + [""]

    def exdate_rows(self) -> list[str]:
        return self.date_rows("repeat_exdates")

    def rdate_rows(self) -> list[str]:
        return self.date_rows("repeat_rdates")

    def observance_groups(self) -> list[tuple[str, list]]:
        """The observance checkboxes by category: (group name, its checkboxes)."""
        boxes = iter(self["observance_keys"].subwidgets)
        return [(group, [next(boxes) for _ in options]) for group, options in observance_choices()]

    def clean(self):
        super().clean()
        cleaned = self.cleaned_data
        if self.instance.pk and cleaned.get("version") is None:
            self.add_error(None, "The form is missing the rule's version; reload the page.")
        # The builder writes the text unless Advanced is chosen, or the post has no builder at all
        # (a client that sends the text alone, as before the builder).
        uses_builder = "repeat_frequency" in self.data and not cleaned.get("recurrence_advanced")
        if cleaned.get("trigger") == Trigger.RRULE and uses_builder:
            self._write_recurrence(cleaned)
        area = cleaned.get("area")
        if area is not None:
            probe = PatrolRule(area=area, site_selection=cleaned.get("site_selection", ""))
            try:
                probe.clean_sites(cleaned.get("sites") or [])
            except ValidationError as error:
                for field, messages in error.message_dict.items():
                    self.add_error(field, messages)
        return cleaned

    def _write_recurrence(self, cleaned: dict) -> None:
        """The builder's choices as the rule's RRULE text, or errors on the builder's fields."""
        if any(name in self.errors for name in BUILDER_FIELDS.values()):
            return
        monthly = cleaned.get("repeat_frequency") == "monthly"
        by_weekday = cleaned.get("repeat_monthly_by") == "weekday"
        ends = cleaned.get("repeat_ends") or "never"
        built = BuiltRecurrence(
            frequency=cleaned.get("repeat_frequency") or "weekly",
            interval=cleaned.get("repeat_interval") or 1,
            weekdays=tuple(cleaned.get("repeat_weekdays") or ()) if cleaned.get("repeat_frequency") == "weekly" else (),
            month_day=cleaned.get("repeat_month_day") if monthly and not by_weekday else None,
            month_position=cleaned.get("repeat_month_position") if monthly and by_weekday else None,
            month_weekday=(cleaned.get("repeat_month_weekday") or None) if monthly and by_weekday else None,
            count=cleaned.get("repeat_count") if ends == "count" else None,
            until=cleaned.get("repeat_until") if ends == "until" else None,
            exdates=tuple(cleaned.get("repeat_exdates") or ()),
            rdates=tuple(cleaned.get("repeat_rdates") or ()),
        )
        if ends == "count" and built.count is None:
            self.add_error("repeat_count", "Give the number of times, or choose another end.")
            return
        if ends == "until" and built.until is None:
            self.add_error("repeat_until", "Give the last date, or choose another end.")
            return
        try:
            cleaned["recurrence"] = to_rrule(built)
        except BuilderError as error:
            field = BUILDER_FIELDS[error.field]
            if field == "repeat_month_day" and by_weekday:
                field = "repeat_month_position"
            self.add_error(field, error.message[:1].upper() + error.message[1:] + ".")

    def clean_precedence(self) -> int:
        return self.cleaned_data.get("precedence") or 0

    def rule_fields(self) -> dict:
        """The cleaned values the services take: model fields, with `sites` as a list."""
        fields = {name: self.cleaned_data[name] for name in self.Meta.fields}
        fields["sites"] = list(fields["sites"] or [])
        return fields


def builder_initial(built: BuiltRecurrence) -> dict:
    """The builder's fields for a recurrence it can show."""
    ends = "count" if built.count is not None else "until" if built.until is not None else "never"
    return {
        "recurrence_advanced": False,
        "repeat_frequency": built.frequency,
        "repeat_interval": built.interval,
        "repeat_weekdays": list(built.weekdays),
        "repeat_monthly_by": "weekday" if built.month_position is not None else "day",
        "repeat_month_day": built.month_day,
        "repeat_month_position": built.month_position,
        "repeat_month_weekday": built.month_weekday or "",
        "repeat_ends": ends,
        "repeat_until": built.until,
        "repeat_count": built.count,
        "repeat_exdates": list(built.exdates),
        "repeat_rdates": list(built.rdates),
    }


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
