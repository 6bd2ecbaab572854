"""Filters of the audit record's page and endpoint: area, user, channel and a date range."""

from datetime import date, datetime, time, timedelta

import django_filters
from django import forms
from django.utils import timezone

from .models import PatrolViewRecord


def _local_midnight(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=timezone.get_current_timezone())


class _RangeForm(forms.Form):
    def clean(self):
        cleaned = super().clean() or {}
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end and end < start:
            self.add_error("end", "The end is before the start.")
        return cleaned


class PatrolViewFilter(django_filters.FilterSet):
    area = django_filters.CharFilter(field_name="area__slug", label="Area (slug)", max_length=50)
    user = django_filters.CharFilter(field_name="user__username", lookup_expr="iexact", label="User", max_length=150)
    channel = django_filters.CharFilter(label="Page or endpoint (e.g. patrols:rota, api:patrol-list)", max_length=100)
    start = django_filters.DateFilter(method="filter_start", label="From (date)")
    end = django_filters.DateFilter(method="filter_end", label="To (date, inclusive)")

    class Meta:
        model = PatrolViewRecord
        form = _RangeForm
        fields = ["area", "user", "channel", "start", "end"]

    # Dates are days in the project's time zone; a record belongs to the hour it was seen in.
    def filter_start(self, queryset, name, value):
        if value <= date.min + timedelta(days=1):  # the first day: everything (and no overflow east of UTC)
            return queryset
        return queryset.filter(bucket_start__gte=_local_midnight(value))

    def filter_end(self, queryset, name, value):
        if value >= date.max:
            return queryset
        return queryset.filter(bucket_start__lt=_local_midnight(value + timedelta(days=1)))
