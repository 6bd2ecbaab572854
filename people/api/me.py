"""`/api/v1/me/`: the signed-in officer's own profile, absences, calendar feed link and email
settings (GET; PATCH turns the emails on or off), and
`/api/v1/me/calendar-feed/` to replace the feed's secret. Officers only (an officer profile and
the officer role in some area); any other signed-in user gets 403 — there is nothing of theirs
here to hide, only a role that has no such page (DESIGN.md §6)."""

from __future__ import annotations

from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.permissions import BasePermission
from rest_framework.response import Response
from rest_framework.views import APIView

from sites.access import access_for
from sites.models import Role

from .. import services
from ..models import Absence
from ..selectors import officer_profile
from ..views_profile import feed_url


class IsOfficer(BasePermission):
    message = "This is for officers: your account has no officer profile or officer role."

    def has_permission(self, request, view) -> bool:
        user = request.user
        if not (user and user.is_authenticated):
            return False
        return hasattr(user, "officer") and bool(access_for(user).area_ids(Role.OFFICER))


class MeAreaSerializer(serializers.Serializer):
    slug = serializers.SlugField()
    name = serializers.CharField()
    feed_shows_site_name = serializers.BooleanField(
        help_text="Whether this area's patrols carry the site's name in the calendar feed."
    )


class MeAbsenceSerializer(serializers.ModelSerializer):
    class Meta:
        model = Absence
        fields = ["id", "kind", "starts_on", "ends_on", "note"]


class MeSerializer(serializers.Serializer):
    username = serializers.CharField(source="officer.user.username")
    name = serializers.CharField(source="officer.user.get_full_name")
    collar_number = serializers.CharField(source="officer.collar_number")
    rank = serializers.CharField(source="officer.rank")
    team = serializers.CharField(source="officer.team")
    areas = MeAreaSerializer(many=True)
    absences = MeAbsenceSerializer(many=True, help_text="Absences that have not ended, soonest first.")
    notify_patrol_changes = serializers.BooleanField(
        source="officer.notify_patrol_changes",
        help_text="Whether you are emailed when put on or taken off a patrol, or your patrol is moved or cancelled.",
    )
    notify_evening_reminder = serializers.BooleanField(
        source="officer.notify_evening_reminder", help_text="Whether you are emailed the evening before a duty."
    )
    feed_url = serializers.URLField(
        allow_null=True,
        help_text="Your calendar feed (.ics), or null until you create one with POST /api/v1/me/calendar-feed/. "
        "Keep it secret: anyone with it sees your patrol times.",
    )


class MeSettingsSerializer(serializers.Serializer):
    """The settings an officer changes with PATCH: give either or both."""

    notify_patrol_changes = serializers.BooleanField(
        required=False,
        help_text="Email me when I am put on or taken off a patrol, or my patrol is moved or cancelled.",
    )
    notify_evening_reminder = serializers.BooleanField(required=False, help_text="Email me the evening before a duty.")


class CalendarFeedSerializer(serializers.Serializer):
    feed_url = serializers.URLField(help_text="The new calendar feed URL; the old one answers 404 from now on.")


class MeView(APIView):
    permission_classes = [IsOfficer]

    @extend_schema(summary="Your profile, absences and calendar feed link (officers)", responses={200: MeSerializer})
    def get(self, request):
        return Response(self._me(request))

    @extend_schema(
        summary="Turn your emails on or off (officers)",
        description="Which emails you get: `notify_patrol_changes` (put on or taken off a patrol, your patrol "
        "moved or cancelled) and `notify_evening_reminder` (the evening before a duty). Answers your profile.",
        request=MeSettingsSerializer,
        responses={200: MeSerializer},
    )
    def patch(self, request):
        body = MeSettingsSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        officer = request.user.officer
        services.officer_email_settings_update(
            officer=officer,
            by=request.user,
            notify_patrol_changes=body.validated_data.get("notify_patrol_changes", officer.notify_patrol_changes),
            notify_evening_reminder=body.validated_data.get("notify_evening_reminder", officer.notify_evening_reminder),
        )
        return Response(self._me(request))

    def _me(self, request) -> dict:
        officer = request.user.officer
        profile = officer_profile(officer=officer, access=access_for(request.user), today=timezone.localdate())
        return MeSerializer({**profile, "feed_url": feed_url(request, officer)}).data


class MeCalendarFeedView(APIView):
    permission_classes = [IsOfficer]

    @extend_schema(
        summary="Replace your calendar feed link (officers)",
        description="Makes a new secret feed URL (the first, or replacing the current one, which then answers 404).",
        request=None,
        responses={200: CalendarFeedSerializer},
    )
    def post(self, request):
        officer = request.user.officer
        services.officer_calendar_feed_replace(officer=officer, by=request.user)
        return Response(CalendarFeedSerializer({"feed_url": feed_url(request, officer)}).data)
