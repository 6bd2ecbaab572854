from typing import cast

from rest_framework import serializers
from timezone_field.rest_framework import TimeZoneSerializerField

from ..models import Area, Site, normalise_postcode


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
