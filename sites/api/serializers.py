from typing import Any, cast

from rest_framework import serializers
from timezone_field.rest_framework import TimeZoneSerializerField

from ..models import Area, AreaSurge, Site, normalise_postcode


class FixedAreaField(serializers.SlugRelatedField):
    """The area of a site, rule or volunteer, by slug: chosen when it is made, fixed after. An
    update naming another area is refused with a 400 on `area` (the model refuses it too, for
    every other writer); sending the same area again is fine."""

    def __init__(self, **kwargs):
        kwargs.setdefault("slug_field", "slug")
        kwargs.setdefault("queryset", Area.objects.none())
        kwargs.setdefault("help_text", "The area's slug. Fixed once set: to move, make a new one in the other area.")
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        instance = getattr(self.parent, "instance", None)
        if instance is None or getattr(instance, "pk", None) is None:
            return super().to_internal_value(data)
        if str(data) != instance.area.slug:
            noun = instance._meta.verbose_name
            raise serializers.ValidationError(
                f"A {noun} cannot move to another area; make a new {noun} in that area instead.", code="area_fixed"
            )
        return instance.area


class AreaSerializer(serializers.ModelSerializer):
    # The zone's IANA name, as before the field became a TimeZoneField.
    timezone = TimeZoneSerializerField(use_pytz=False)

    class Meta:
        model = Area
        fields = ["id", "name", "slug", "timezone", "latitude", "longitude"]


class SiteSerializer(serializers.ModelSerializer):
    area = FixedAreaField()

    class Meta:
        model = Site
        fields = ["id", *Site.EDITABLE_FIELDS, "active"]

    def __init__(self, *args, areas=None, **kwargs):
        super().__init__(*args, **kwargs)
        if areas is not None:
            # Writable only into the areas the caller inspects.
            cast(serializers.RelatedField, self.fields["area"]).queryset = areas

    def validate_postcode(self, value: str) -> str:
        return normalise_postcode(value)


class AreaSurgeSerializer(serializers.ModelSerializer):
    """A raised alert level: who raised it, when, why, until when, and who ended it (none: it
    expired). To raise one, send `reason` and optionally `ends_at`."""

    raised_by: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(slug_field="username", read_only=True)
    ended_by: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(
        slug_field="username", read_only=True, help_text="Who ended it early; empty when it expired or is raised."
    )
    ends_at = serializers.DateTimeField(
        required=False,
        help_text="When it falls back by itself (default 72 hours from now; in the future, at most 14 days away).",
    )
    status = serializers.ChoiceField(
        source="state", read_only=True, choices=[("raised", "raised"), ("ended", "ended"), ("expired", "expired")]
    )

    class Meta:
        model = AreaSurge
        fields = ["id", "reason", "raised_by", "raised_at", "ends_at", "ended_by", "ended_at", "status"]
        read_only_fields = ["raised_at", "ended_at"]


class AreaSettingsSerializer(serializers.ModelSerializer):
    """The settings of an area an inspector edits. A change must carry the `version` read; a
    stale one is refused with 409."""

    timezone = TimeZoneSerializerField(use_pytz=False, required=False)
    version = serializers.IntegerField(help_text="The version you read; raised by every change.")

    class Meta:
        model = Area
        fields = ["version", *Area.SETTINGS_FIELDS]
