from typing import cast

from rest_framework import serializers
from timezone_field.rest_framework import TimeZoneSerializerField

from ..models import Area, Site, normalise_postcode


class AreaSerializer(serializers.ModelSerializer):
    # The zone's IANA name, as before the field became a TimeZoneField.
    timezone = TimeZoneSerializerField(use_pytz=False)

    class Meta:
        model = Area
        fields = ["id", "name", "slug", "timezone", "latitude", "longitude"]


class SiteSerializer(serializers.ModelSerializer):
    area = serializers.SlugRelatedField(slug_field="slug", queryset=Area.objects.none())

    class Meta:
        model = Site
        fields = [
            "id",
            "area",
            "name",
            "kind",
            "address",
            "postcode",
            "latitude",
            "longitude",
            "risk_tier",
            "active",
            "officer_notes",
        ]

    def __init__(self, *args, areas=None, **kwargs):
        super().__init__(*args, **kwargs)
        if areas is not None:
            # Writable only into the areas the caller inspects.
            cast(serializers.RelatedField, self.fields["area"]).queryset = areas

    def validate_postcode(self, value: str) -> str:
        return normalise_postcode(value)
