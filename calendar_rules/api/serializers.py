from typing import cast

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from sites.api.serializers import FixedAreaField
from sites.models import Site, SiteKind

from .. import jewish_calendar
from ..models import Anchor, PatrolRule, validate_rule_date


@extend_schema_field(
    {
        "type": "string",
        "enum": ["", *Anchor.values],
        "nullable": True,
        "description": "Where the window ends; empty (or null) when the rule gives a duration instead.",
    }
)
class EndAnchorField(serializers.ChoiceField):
    """The same choices as the start anchor, or none. Described inline in the schema, so that it
    is not a second name for the start anchor's enum."""


@extend_schema_field(
    {
        "type": "string",
        "pattern": r"^([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9](\.[0-9]{1,6})?)?$",
        "example": "09:00",
        "description": "A wall-clock time in the area's time zone (HH:MM or HH:MM:SS); it carries no UTC offset.",
    }
)
class WallClockTimeField(serializers.TimeField):
    """A time of day without an offset. The schema gives its pattern: JSON Schema's `time`
    format would demand an offset, which a wall-clock time in the area's zone does not have."""


class PatrolRuleSerializer(serializers.ModelSerializer):
    """A rule as the API reads and writes it. `version` is read with the rule and must be sent
    back with an update: an update carrying an older version than the stored one is refused."""

    area = FixedAreaField()
    sites = serializers.PrimaryKeyRelatedField(many=True, queryset=Site.objects.none(), required=False)
    observance_categories = serializers.ListField(
        child=serializers.ChoiceField(choices=list(jewish_calendar.CATEGORIES)), required=False
    )
    observance_keys = serializers.ListField(
        child=serializers.ChoiceField(choices=sorted(jewish_calendar.OBSERVANCE_KINDS)), required=False
    )
    periods = serializers.ListField(
        child=serializers.ChoiceField(choices=sorted(jewish_calendar.PERIODS)), required=False
    )
    site_kinds = serializers.ListField(child=serializers.ChoiceField(choices=SiteKind.choices), required=False)
    end_anchor = EndAnchorField(choices=Anchor.choices, allow_blank=True, allow_null=True, required=False)
    start_time = WallClockTimeField(allow_null=True, required=False)
    end_time = WallClockTimeField(allow_null=True, required=False)
    version = serializers.IntegerField(
        required=False,
        min_value=1,
        help_text="The version you read; required on update (PUT and PATCH), ignored on create.",
    )

    class Meta:
        model = PatrolRule
        fields = ["id", *PatrolRule.EDITABLE_FIELDS, "active", "version", "created", "updated"]
        read_only_fields = ["created", "updated"]
        # The model validates (area, label) itself, naming the label; no generic unique-together error.
        validators: list = []

    def __init__(self, *args, areas=None, sites=None, **kwargs):
        super().__init__(*args, **kwargs)
        # Writable only into the areas the caller inspects, with their sites.
        if areas is not None:
            cast(serializers.RelatedField, self.fields["area"]).queryset = areas
        if sites is not None:
            cast(serializers.ManyRelatedField, self.fields["sites"]).child_relation.queryset = sites

    def validate_end_anchor(self, value):
        return value or ""


class PatrolRuleUpdateSerializer(PatrolRuleSerializer):
    """A rule as an update (PUT or PATCH) sends it: with the version read, which is required."""

    version = serializers.IntegerField(
        min_value=1, help_text="The version you read; an older one than the stored one is refused (409)."
    )


class RulePreviewSerializer(PatrolRuleSerializer):
    """A rule's fields (unsaved; the label may be left out) and a window of dates."""

    start = serializers.DateField(
        required=False,
        validators=[validate_rule_date],
        help_text="First date (default today, in the area's time zone).",
    )
    end = serializers.DateField(
        required=False,
        validators=[validate_rule_date],
        help_text="Last date (default start + 28 days; at most 366 days).",
    )
    limit = serializers.IntegerField(required=False, min_value=1, max_value=1000, default=200)

    class Meta(PatrolRuleSerializer.Meta):
        fields = [*PatrolRule.EDITABLE_FIELDS, "start", "end", "limit"]
        extra_kwargs = {"label": {"required": False}}


class PreviewSiteSerializer(serializers.Serializer):
    id = serializers.IntegerField(allow_null=True)
    name = serializers.CharField()


class PreviewOccurrenceSerializer(serializers.Serializer):
    local_start = serializers.DateTimeField(help_text="ISO 8601 with the area's UTC offset.")
    local_end = serializers.DateTimeField()
    site = PreviewSiteSerializer(allow_null=True)
    trigger = serializers.CharField(help_text="The calendar event or recurrence behind it.")
    label = serializers.CharField()  # type: ignore[assignment]  # the output key; shadows Field.label


class PreviewResponseSerializer(serializers.Serializer):
    start = serializers.DateField()
    end = serializers.DateField()
    timezone = serializers.CharField()
    truncated = serializers.BooleanField(help_text="True when there were more occurrences than `limit`.")
    occurrences = PreviewOccurrenceSerializer(many=True)


class ObservanceSerializer(serializers.Serializer):
    key = serializers.CharField()
    name = serializers.CharField()
    category = serializers.CharField(help_text=f"One of: {', '.join(jewish_calendar.CATEGORIES)}.")


class CalendarDaySerializer(serializers.Serializer):
    """For the schema: the calendar endpoint builds these objects directly."""

    date = serializers.DateField()
    observances = ObservanceSerializer(many=True)
    sunset = serializers.DateTimeField()
    candle_lighting = serializers.DateTimeField(allow_null=True)
    havdalah = serializers.DateTimeField(allow_null=True)
    fast_begins = serializers.DateTimeField(allow_null=True)
    fast_ends = serializers.DateTimeField(allow_null=True)
