from datetime import timedelta

import django_filters
from django import forms
from django_filters.fields import IsoDateTimeField

from calendar_rules.dates import MAX_YEAR, MIN_YEAR, check_utc_offset

from .models import Patrol, PatrolKind, PatrolStatus, SlotStatus, VolunteerSlot


class _CalendarDateTimeField(IsoDateTimeField):
    """An ISO 8601 date-time within the years the calendar covers and with a UTC offset PostgreSQL
    can compare (calendar_rules.dates)."""

    def clean(self, value):
        value = super().clean(value)
        if value is None:
            return value
        if not MIN_YEAR <= value.year <= MAX_YEAR:
            raise forms.ValidationError(f"Dates from {MIN_YEAR} to {MAX_YEAR} only.", code="out_of_range")
        try:
            check_utc_offset(value)
        except ValueError as error:
            raise forms.ValidationError(str(error), code="out_of_range") from None
        return value


class _EndDateTimeField(_CalendarDateTimeField):
    """An exclusive end; a bare date (YYYY-MM-DD) means the whole of that day, as people read it."""

    def clean(self, value):
        cleaned = super().clean(value)
        if cleaned is not None and isinstance(value, str) and len(value.strip()) == 10:
            return cleaned + timedelta(days=1)
        return cleaned


class CalendarDateTimeFilter(django_filters.IsoDateTimeFilter):
    field_class = _CalendarDateTimeField


class EndDateTimeFilter(django_filters.IsoDateTimeFilter):
    field_class = _EndDateTimeField


class _PatrolFilterForm(forms.Form):
    def clean(self):
        super().clean()
        cleaned = self.cleaned_data
        start, end = cleaned.get("start"), cleaned.get("end")
        if start is not None and end is not None and end <= start:
            self.add_error("end", "The end is not after the start.")
        return cleaned


class PatrolFilter(django_filters.FilterSet):
    """The patrols API's filters: a date range on the start, site, kind, status and area."""

    start = CalendarDateTimeFilter(field_name="starts_at", lookup_expr="gte", label="Starts at or after")
    end = EndDateTimeFilter(
        field_name="starts_at",
        lookup_expr="lt",
        label="Starts before this date-time, or on or before this date (YYYY-MM-DD: the whole day)",
    )
    site = django_filters.NumberFilter(field_name="site_id")
    kind = django_filters.ChoiceFilter(choices=PatrolKind.choices)
    status = django_filters.ChoiceFilter(choices=PatrolStatus.choices)
    area = django_filters.CharFilter(field_name="area__slug", label="Area (slug)")

    class Meta:
        model = Patrol
        form = _PatrolFilterForm
        fields = ["start", "end", "site", "kind", "status", "area"]


class SlotFilter(django_filters.FilterSet):
    """The slots API's filters: a patrol (id) and a status."""

    patrol = django_filters.NumberFilter(field_name="patrol_id")
    status = django_filters.ChoiceFilter(choices=SlotStatus.choices)

    class Meta:
        model = VolunteerSlot
        fields = ["patrol", "status"]
