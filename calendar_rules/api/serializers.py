from datetime import date
from typing import cast

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from sites.api.serializers import FixedAreaField
from sites.models import Site, SiteKind
from sites.validators import is_slug

from .. import jewish_calendar, recurrence_builder
from ..dates import parse_date_param
from ..models import Anchor, PatrolRule, validate_rule_date
from ..recurrence import MAX_DATES_PER_LIST, MAX_INTERVAL
from ..recurrence_builder import BuilderError, BuiltRecurrence, from_rrule, to_rrule

# The years the calendar answers for at once.
CALENDAR_MAX_YEARS = 10


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


class RecurrenceBuilderSerializer(serializers.Serializer):
    """A repeating rule's recurrence as the builder holds it (`recurrence_builder.BuiltRecurrence`):
    the same recurrence as the `recurrence` text, in fields. Weekly rules name their weekdays;
    monthly ones a day of the month or a weekday of the month. Dates are local dates."""

    frequency = serializers.ChoiceField(choices=list(recurrence_builder.FREQUENCIES))
    interval = serializers.IntegerField(min_value=1, max_value=MAX_INTERVAL, default=1)
    weekdays = serializers.ListField(
        child=serializers.ChoiceField(choices=list(recurrence_builder.WEEKDAYS)),
        default=list,
        help_text="Weekly: the weekdays (MO … SU), at least one.",
    )
    month_day = serializers.ChoiceField(
        choices=list(recurrence_builder.MONTH_DAYS),
        allow_null=True,
        default=None,
        help_text="Monthly: the day of the month, or -1 for the last day.",
    )
    month_position = serializers.ChoiceField(
        choices=list(recurrence_builder.MONTH_POSITIONS),
        allow_null=True,
        default=None,
        help_text="Monthly: the first to fourth (1–4) or last (-1) `month_weekday` of the month.",
    )
    month_weekday = serializers.ChoiceField(choices=list(recurrence_builder.WEEKDAYS), allow_null=True, default=None)
    count = serializers.IntegerField(
        min_value=1,
        max_value=recurrence_builder.MAX_COUNT,
        allow_null=True,
        default=None,
        help_text="Ends after this many times (or give `until`, or neither: it never ends).",
    )
    until = serializers.DateField(allow_null=True, default=None, help_text="Ends on this date (inclusive).")
    exdates = serializers.ListField(
        child=serializers.DateField(), max_length=MAX_DATES_PER_LIST, default=list, help_text="Dates skipped."
    )
    rdates = serializers.ListField(
        child=serializers.DateField(), max_length=MAX_DATES_PER_LIST, default=list, help_text="Dates added."
    )

    def validate(self, attrs) -> BuiltRecurrence:
        # .get: a PATCH skips the defaults of the fields it leaves out; the builder's are these.
        weekdays = set(attrs.get("weekdays") or ())
        built = BuiltRecurrence(
            frequency=attrs["frequency"],
            interval=attrs.get("interval", 1),
            weekdays=tuple(day for day in recurrence_builder.WEEKDAYS if day in weekdays),
            month_day=attrs.get("month_day"),
            month_position=attrs.get("month_position"),
            month_weekday=attrs.get("month_weekday"),
            count=attrs.get("count"),
            until=attrs.get("until"),
            exdates=tuple(sorted(set(attrs.get("exdates") or ()))),
            rdates=tuple(sorted(set(attrs.get("rdates") or ()))),
        )
        try:
            to_rrule(built)
        except BuilderError as error:
            message = error.message[:1].upper() + error.message[1:] + "."
            raise serializers.ValidationError({error.field: [message]}) from None
        return built


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
    recurrence_builder = RecurrenceBuilderSerializer(
        source="built_recurrence",
        allow_null=True,
        required=False,
        help_text=(
            "The recurrence in fields, as the rule form's builder shows it: null for a calendar rule or a "
            "`recurrence` the builder cannot show. Send it instead of `recurrence` (which it then sets); "
            "sending both that disagree is refused."
        ),
    )
    description = serializers.CharField(
        read_only=True, help_text="The rule as a sentence, e.g. “Every Saturday, 10:00–12:00”."
    )

    class Meta:
        model = PatrolRule
        fields = [
            "id",
            *PatrolRule.EDITABLE_FIELDS,
            "recurrence_builder",
            "description",
            "active",
            "version",
            "created",
            "updated",
        ]
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

    def validate(self, attrs):
        """A structured recurrence sets the RRULE text; a text sent with it must say the same."""
        attrs = super().validate(attrs)
        if "built_recurrence" not in attrs:
            return attrs
        built = attrs.pop("built_recurrence")
        if built is None:
            return attrs  # null: the text (if any) stands
        text = to_rrule(built)
        sent = attrs.get("recurrence")
        if sent is not None and sent.strip() and from_rrule(sent) != built:
            raise serializers.ValidationError(
                {"recurrence_builder": ["It and `recurrence` say different things; send one of them."]}
            )
        attrs["recurrence"] = text
        attrs.setdefault("trigger", "rrule")
        return attrs


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
        fields = [*PatrolRule.EDITABLE_FIELDS, "recurrence_builder", "start", "end", "limit"]
        extra_kwargs = {"label": {"required": False}}


class LocalDateTimeField(serializers.DateTimeField):
    """A datetime written as it is given: in the area's zone, with that zone's UTC offset.

    DRF's DateTimeField converts to the server's zone and writes UTC as `Z`; a patrol's or a
    calendar's time is read in the area's zone, so the offset given (`+00:00` in a London
    winter) is kept. Output only."""

    def __init__(self, **kwargs):
        kwargs.setdefault("read_only", True)
        super().__init__(**kwargs)

    def to_representation(self, value):
        return value.isoformat()


class QueryDateField(serializers.DateField):
    """A date in a query string, read as every page and endpoint reads one
    (`calendar_rules.dates.parse_date_param`): exactly YYYY-MM-DD, within the calendar's years."""

    default_error_messages = {"required": "Give a date as YYYY-MM-DD."}

    def to_internal_value(self, value):
        name = self.field_name or "date"  # bound to a serializer by the time it reads input
        try:
            return parse_date_param(value, name=name)
        except ValueError as error:
            message = str(error).removeprefix(f"{name}: ")
            raise serializers.ValidationError(message[:1].upper() + message[1:], code="invalid") from None


class AreaSlugField(serializers.CharField):
    """An area's slug in a query string; anything that cannot be a slug is refused before a query."""

    default_error_messages = {"invalid": "Give the area's slug: ?area=<slug>."}

    def __init__(self, **kwargs):
        message = self.default_error_messages["invalid"]
        kwargs.setdefault("error_messages", {"required": message, "blank": message})
        kwargs.setdefault("trim_whitespace", False)
        kwargs.setdefault("help_text", "The area's slug.")
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        if not is_slug(data):
            self.fail("invalid")
        return data


class CalendarQuerySerializer(serializers.Serializer):
    """The calendar's query: an area and a range of at most CALENDAR_MAX_YEARS years."""

    area = AreaSlugField()
    start = QueryDateField(help_text="First day, YYYY-MM-DD.")
    end = QueryDateField(help_text=f"Last day, YYYY-MM-DD (inclusive; at most {CALENDAR_MAX_YEARS} years on).")

    def validate(self, attrs):
        start, end = attrs["start"], attrs["end"]
        if end < start:
            raise serializers.ValidationError({"end": ["The end date is before the start date."]})
        if end >= _years_later(start, CALENDAR_MAX_YEARS):
            raise serializers.ValidationError({"end": [f"The range is longer than {CALENDAR_MAX_YEARS} years."]})
        return attrs


def _years_later(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


class PreviewSiteSerializer(serializers.Serializer):
    """The site of a preview row; the row's `site` is null when the rule matches no site yet."""

    id = serializers.IntegerField(source="site_id")
    name = serializers.CharField(source="site_name")

    def get_attribute(self, instance):
        return instance if instance.site_id is not None else None


class PreviewOccurrenceSerializer(serializers.Serializer):
    local_start = LocalDateTimeField(help_text="ISO 8601 with the area's UTC offset.")
    local_end = LocalDateTimeField()
    site = PreviewSiteSerializer(source="*", allow_null=True)
    trigger = serializers.CharField(help_text="The calendar event or recurrence behind it.")
    label = serializers.CharField()  # type: ignore[assignment]  # the output key; shadows Field.label


class PreviewResponseSerializer(serializers.Serializer):
    description = serializers.CharField(help_text="The rule as a sentence.")
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
    """One day of an area's calendar (`selectors.CalendarDay`), its times in the area's zone."""

    date = serializers.DateField()
    observances = ObservanceSerializer(many=True)
    sunset = LocalDateTimeField(source="times.sunset")
    candle_lighting = LocalDateTimeField(source="times.candle_lighting", allow_null=True)
    havdalah = LocalDateTimeField(source="times.havdalah", allow_null=True)
    fast_begins = LocalDateTimeField(source="times.fast_begins", allow_null=True)
    fast_ends = LocalDateTimeField(source="times.fast_ends", allow_null=True)
