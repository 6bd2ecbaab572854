"""The coverage report's API: its query (validated, each mistake a 400 naming the field) and its
answer (the same figures as the page and the CSV)."""

from __future__ import annotations

from rest_framework import serializers

from ..coverage import Figures
from ..params import FIRST_YEAR, LAST_YEAR, range_error


class CoverageQuerySerializer(serializers.Serializer):
    area = serializers.IntegerField(min_value=1, max_value=2**31 - 1, help_text="The area's id.")
    start = serializers.DateField(help_text="First local date of the report (YYYY-MM-DD), inclusive.")
    end = serializers.DateField(
        help_text="Last local date of the report (YYYY-MM-DD), inclusive; at most 400 days after `start`."
    )

    def _in_years(self, value):
        if not FIRST_YEAR <= value.year <= LAST_YEAR:
            raise serializers.ValidationError(f"Choose a date in the years {FIRST_YEAR}–{LAST_YEAR}.")
        return value

    validate_start = _in_years
    validate_end = _in_years

    def validate(self, attrs):
        problem = range_error(attrs["start"], attrs["end"])
        if problem is not None:
            raise serializers.ValidationError({problem[0]: [problem[1]]})
        return attrs


class FiguresSerializer(serializers.Serializer):
    planned = serializers.IntegerField(help_text="Patrols not cancelled: delivered + missed + pending + upcoming.")
    delivered = serializers.IntegerField(help_text="Planned patrols with at least one check-in.")
    missed = serializers.IntegerField(help_text="Marked missed: nobody checked in.")
    pending = serializers.IntegerField(help_text="Ended without a check-in, not (yet) marked missed.")
    upcoming = serializers.IntegerField(help_text="Not yet ended, nobody checked in yet.")
    cancelled = serializers.IntegerField(help_text="Cancelled patrols (not among the planned).")
    officer_hours = serializers.FloatField(
        help_text="Hours of the visits within their patrols' windows (an open visit counts to the patrol's end)."
    )
    delivery_rate = serializers.FloatField(
        allow_null=True, help_text="delivered ÷ (planned − upcoming), 0..1; null when nothing was due."
    )

    def to_representation(self, instance: Figures):
        rate = instance.delivery_rate
        return {
            "planned": instance.planned,
            "delivered": instance.delivered,
            "missed": instance.missed,
            "pending": instance.pending,
            "upcoming": instance.upcoming,
            "cancelled": instance.cancelled,
            "officer_hours": instance.officer_hours,
            "delivery_rate": None if rate is None else round(rate, 4),
        }


class SiteFiguresSerializer(serializers.Serializer):
    site = serializers.IntegerField(source="site_id")
    name = serializers.CharField()
    figures = FiguresSerializer()


class WeekFiguresSerializer(serializers.Serializer):
    week = serializers.DateField(help_text="The Monday the (local) week starts on.")
    iso_week = serializers.CharField(help_text="ISO 8601 week, e.g. 2027-W40.")
    figures = FiguresSerializer()


class MissedReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(help_text="The stored reason code; empty when none was recorded.")
    name = serializers.CharField(source="label", help_text="The reason as people read it.")
    patrols = serializers.IntegerField()


class MissedNoteSerializer(serializers.Serializer):
    date = serializers.DateField(source="day", help_text="The missed patrol's local date.")
    site = serializers.CharField(source="site_name")
    reason = serializers.CharField(source="reason_label")
    note = serializers.CharField()


class CoverageAreaSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class CoverageSerializer(serializers.Serializer):
    area = CoverageAreaSerializer()
    start = serializers.DateField()
    end = serializers.DateField()
    joint_only = serializers.BooleanField(help_text="True for a CST coordinator: joint patrols only.")
    total = FiguresSerializer()
    sites = SiteFiguresSerializer(many=True)
    weeks = WeekFiguresSerializer(
        many=True, help_text="Every Monday-start week the range touches, empty ones included."
    )
    missed_reasons = MissedReasonSerializer(many=True, help_text="Most frequent first.")
    missed_notes = MissedNoteSerializer(many=True, help_text="The newest 100 notes on missed patrols.")
