"""`GET /api/v1/joint-coverage/?area=&start=&end=`: the CST places of an area's joint patrols per
day — required, confirmed, asked, open — as the planner counts them (patrols.planner: a patrol on
the evening before a Shabbat or yom tov is for that day; cancelled patrols do not count)."""

from __future__ import annotations

from django.http import Http404
from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from audit.recording import record_for_request
from calendar_rules.dates import MAX_YEAR, MIN_YEAR
from sites.access import access_for
from sites.models import Role
from sites.openapi import ERRORS
from sites.permissions import RolePermission
from sites.selectors import areas_with_role

from ..planner import MAX_DAYS
from ..planner_selectors import joint_coverage

# Who may read it: a coordinator fills these places, an inspector reads them (DESIGN.md §6).
COVERAGE_ROLES = (Role.CST_COORDINATOR, Role.INSPECTOR)


class JointCoverageQuerySerializer(serializers.Serializer):
    area = serializers.IntegerField(min_value=1, max_value=2**31 - 1, help_text="The area's id.")
    start = serializers.DateField(help_text="First local date (YYYY-MM-DD), inclusive.")
    end = serializers.DateField(help_text=f"Last local date (YYYY-MM-DD), inclusive; at most {MAX_DAYS} days in all.")

    def _in_years(self, value):
        if not MIN_YEAR <= value.year <= MAX_YEAR:
            raise serializers.ValidationError(f"Choose a date in the years {MIN_YEAR}–{MAX_YEAR}.")
        return value

    validate_start = _in_years
    validate_end = _in_years

    def validate(self, attrs):
        if attrs["end"] < attrs["start"]:
            raise serializers.ValidationError({"end": ["The end date is before the start date."]})
        if (attrs["end"] - attrs["start"]).days + 1 > MAX_DAYS:
            raise serializers.ValidationError({"end": [f"At most {MAX_DAYS} days at a time; choose a shorter range."]})
        return attrs


class CoverageDaySerializer(serializers.Serializer):
    date = serializers.DateField(help_text="The local date the patrols are for (a Friday evening's: Shabbat's).")
    names = serializers.ListField(
        child=serializers.CharField(), help_text="The day's Shabbat and festival names (or other observances)."
    )
    title = serializers.CharField(help_text="As the planner heads the day, e.g. “Shabbat 5 Dec”.")
    patrols = serializers.IntegerField(help_text="Joint patrols for the day, cancelled ones included.")
    places_required = serializers.IntegerField(help_text="CST places required on its patrols that are not cancelled.")
    places_confirmed = serializers.IntegerField()
    places_asked = serializers.IntegerField(help_text="Places a volunteer was asked for and has not answered yet.")
    places_open = serializers.IntegerField(help_text="Places still to fill: required − confirmed − asked.")


class JointCoverageSerializer(serializers.Serializer):
    area = serializers.IntegerField()
    start = serializers.DateField()
    end = serializers.DateField()
    days = CoverageDaySerializer(many=True, help_text="The days with joint patrols, in order; others are left out.")


class JointCoverageView(APIView):
    """CST places of one area's joint patrols per day over local dates `start`..`end` (inclusive,
    at most 120 days): required, confirmed, asked and open, as the planner counts them. For the
    area's CST coordinators and inspectors; an officer gets 403, another area 404. Counts only:
    no patrol's time or site."""

    permission_classes = [RolePermission]
    read_roles = COVERAGE_ROLES

    @extend_schema(
        operation_id="joint_coverage_retrieve",
        summary="CST places per day: required, confirmed, asked, open",
        parameters=[JointCoverageQuerySerializer],
        responses={200: JointCoverageSerializer, **{code: ERRORS[code] for code in ("400", "401", "403", "404")}},
    )
    def get(self, request):
        query = JointCoverageQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        params = query.validated_data
        area = areas_with_role(access_for(request.user), *COVERAGE_ROLES).filter(pk=params["area"]).first()
        if area is None:
            raise Http404("No such area in your scope.")
        days = joint_coverage(area, params["start"], params["end"])
        if params["end"] >= area.today(timezone.now()):  # counts of days ahead: recorded as reports.api does
            record_for_request(request, [area.pk], prefix="api:")
        body = {
            "area": area.pk,
            "start": params["start"],
            "end": params["end"],
            "days": [
                {
                    "date": day.date,
                    "names": list(day.names),
                    "title": day.title,
                    "patrols": day.patrols,
                    "places_required": day.places.required,
                    "places_confirmed": day.places.confirmed,
                    "places_asked": day.places.asked,
                    "places_open": day.places.open,
                }
                for day in days
            ],
        }
        return Response(JointCoverageSerializer(body).data)
