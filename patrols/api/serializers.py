from __future__ import annotations

from typing import TYPE_CHECKING

from rest_framework import serializers

from sites.access import access_for
from sites.models import Role

from ..models import GenerationRun, Patrol, VolunteerSlot

if TYPE_CHECKING:
    from django.contrib.auth.base_user import AbstractBaseUser

    from sites.models import Area


class PatrolSerializer(serializers.ModelSerializer):
    area: serializers.SlugRelatedField[Area] = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    site_name = serializers.CharField(source="site.name", read_only=True)
    officers_assigned = serializers.IntegerField(read_only=True)
    slots_confirmed = serializers.IntegerField(read_only=True)
    manual = serializers.BooleanField(source="is_manual", read_only=True)

    class Meta:
        model = Patrol
        fields = [
            "id",
            "area",
            "site",
            "site_name",
            "kind",
            "starts_at",
            "ends_at",
            "label",
            "status",
            "officers_required",
            "volunteers_required",
            "officers_assigned",
            "slots_confirmed",
            "rule",
            "manual",
            "pinned",
            "version",
        ]
        read_only_fields = fields

    # How the rota is made (its rule, hand edits) is the inspectors' business (DESIGN.md §6:
    # officers and coordinators see no rules).
    INSPECTOR_ONLY = ("rule", "pinned", "version")
    omitted_for_some_readers = INSPECTOR_ONLY  # the schema lists them as optional (sites.openapi)

    def to_representation(self, patrol):
        data = super().to_representation(patrol)
        request = self.context.get("request")
        if request is None or not access_for(request.user).holds(Role.INSPECTOR, patrol.area_id):
            for name in self.INSPECTOR_ONLY:
                data.pop(name, None)
        return data


class GenerationRunSerializer(serializers.ModelSerializer):
    area: serializers.SlugRelatedField[Area] = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    requested_by: serializers.SlugRelatedField[AbstractBaseUser] = serializers.SlugRelatedField(
        slug_field="username", read_only=True, allow_null=True, help_text="Null for a nightly run."
    )
    duration_seconds = serializers.FloatField(read_only=True, allow_null=True)

    class Meta:
        model = GenerationRun
        fields = [
            "id",
            "area",
            "trigger",
            "requested_by",
            "status",
            "progress",
            "progress_message",
            "window_start",
            "window_end",
            "created",
            "updated",
            "cancelled",
            "restored",
            "kept",
            "pinned",
            "held",
            "rules_replanned",
            "rules_extended",
            "queued_at",
            "started_at",
            "heartbeat_at",
            "attempts",
            "finished_at",
            "duration_seconds",
            "error",
            "warnings",
        ]
        read_only_fields = fields


class GenerationRunStartSerializer(serializers.Serializer):
    """Start a run for an area the caller inspects (the area's slug). An area outside the caller's
    scope is answered 404 by the view, as any object outside it is (DESIGN.md §6)."""

    area = serializers.SlugField(max_length=50)


class SlotVolunteerSerializer(serializers.Serializer):
    """A volunteer in a slot: call sign and name for everyone who may see the slot; phone and
    email only when the view says the caller may see contact details (DESIGN.md §6)."""

    id = serializers.IntegerField(read_only=True)
    call_sign = serializers.CharField(read_only=True)
    name = serializers.CharField(read_only=True)
    phone = serializers.CharField(read_only=True)
    email = serializers.CharField(read_only=True)
    omitted_for_some_readers = ("phone", "email")  # the schema lists them as optional (sites.openapi)

    def to_representation(self, instance):
        data = super().to_representation(instance)
        if not self.context.get("contact_visible", lambda area_id: False)(instance.area_id):
            data.pop("phone")
            data.pop("email")
        return data


class VolunteerSlotSerializer(serializers.ModelSerializer):
    volunteer = SlotVolunteerSerializer(read_only=True, allow_null=True)
    confirmed_by: serializers.SlugRelatedField[AbstractBaseUser] = serializers.SlugRelatedField(
        slug_field="username", read_only=True, allow_null=True, help_text="Null until a coordinator confirms."
    )

    class Meta:
        model = VolunteerSlot
        fields = ["id", "patrol", "status", "volunteer", "confirmed_by", "confirmed_at"]
        read_only_fields = fields


class SlotFillSerializer(serializers.Serializer):
    """The volunteer to ask, by id: one of the patrol's area (the view looks them up there)."""

    volunteer = serializers.IntegerField(min_value=1)
