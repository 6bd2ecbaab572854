from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from ..models import SiteService


@extend_schema_field(
    {
        "type": "string",
        "pattern": r"^([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9](\.[0-9]{1,6})?)?$",
        "example": "09:00",
        "nullable": True,
        "description": "A wall-clock time in the area's time zone (HH:MM); it carries no UTC offset.",
    }
)
class WallClockTimeField(serializers.TimeField):
    """A time of day without an offset (JSON Schema's `time` format would demand one)."""


class SiteServiceSerializer(serializers.ModelSerializer):
    """One service of a site. `day` is the day it is for: an evening service is held the evening
    before (Shabbat evening on Friday, Kol Nidre on erev Yom Kippur). Give `duration_minutes` or
    `end_time`; `start_time` with a clock-time start. Updates carry the `version` read."""

    start_time = WallClockTimeField(allow_null=True, required=False)
    end_time = WallClockTimeField(allow_null=True, required=False)
    version = serializers.IntegerField(
        required=False, min_value=1, help_text="The version you read: required to change or delete it."
    )

    class Meta:
        model = SiteService
        fields = [
            "id",
            "site",
            "day",
            "part",
            "label",
            "start_anchor",
            "start_time",
            "start_offset_minutes",
            "duration_minutes",
            "end_time",
            "version",
            "updated",
        ]
        read_only_fields = ["id", "site", "updated"]
        # The unique (site, day, part) check needs the site, which comes from the URL: the
        # service checks it (a 400 on the fields).
        validators: list = []
