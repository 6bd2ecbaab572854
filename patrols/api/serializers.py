from __future__ import annotations

from typing import TYPE_CHECKING, cast

from rest_framework import serializers

from calendar_rules.dates import MAX_YEAR, MIN_YEAR, check_utc_offset
from sites.access import access_for
from sites.models import Role, Site
from sites.validators import single_line_text

from ..models import Assignment, GenerationRun, Patrol, VolunteerSlot

if TYPE_CHECKING:
    from django.contrib.auth.base_user import AbstractBaseUser

    from sites.models import Area


# The largest id or version the database stores (a bigint): anything larger names nothing.
MAX_ID = 2**63 - 1


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
            "uplift_note",
            "replaces_note",
        ]
        read_only_fields = fields

    # How the rota is made (its rule, hand edits, what its rule replaced) is the inspectors'
    # business (DESIGN.md §6: officers and coordinators see no rules). Why its staffing was
    # raised (`uplift_note`) is for everyone on it.
    INSPECTOR_ONLY = ("rule", "pinned", "version", "replaces_note")
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

    volunteer = serializers.IntegerField(min_value=1, max_value=2**53)


class AskPairSerializer(serializers.Serializer):
    slot = serializers.IntegerField(min_value=1, max_value=2**53)
    volunteer = serializers.IntegerField(min_value=1, max_value=2**53)


class AskManySerializer(serializers.Serializer):
    """Places and the volunteer to ask for each: each pair is asked in its own transaction."""

    pairs = serializers.ListField(child=AskPairSerializer(), allow_empty=False, max_length=50)


class AskOutcomeSerializer(serializers.Serializer):
    """One pair of an ask-many: asked, or not and why (the slot as it now is either way)."""

    slot = VolunteerSlotSerializer(read_only=True)
    volunteer = serializers.IntegerField(source="volunteer.pk", read_only=True)
    asked = serializers.BooleanField(read_only=True)
    message = serializers.CharField(read_only=True)


# ---- hand edits, assignments and history ------------------------------------------------------


class PatrolTimeField(serializers.DateTimeField):
    """A patrol's start or end as a client sends it: an ISO 8601 date-time with its UTC offset
    (a time without one names no instant: which zone would it be in?), in the years the calendar
    covers and with an offset PostgreSQL stores (calendar_rules.dates)."""

    default_error_messages = {
        "naive": "Give the time with its UTC offset, e.g. 2026-12-05T10:00:00+00:00.",
        "out_of_range": f"Times from {MIN_YEAR} to {MAX_YEAR} only.",
    }

    def enforce_timezone(self, value):
        if value.tzinfo is None:
            self.fail("naive")
        return super().enforce_timezone(value)

    def to_internal_value(self, value):
        moment = super().to_internal_value(value)
        if not MIN_YEAR <= moment.year <= MAX_YEAR:
            self.fail("out_of_range")
        try:
            check_utc_offset(moment)
        except ValueError as error:
            raise serializers.ValidationError(str(error), code="out_of_range") from None
        return moment


class ScopedSiteField(serializers.PrimaryKeyRelatedField):
    """A site by id, looked up only among the sites the view allows (those of the areas the
    caller inspects): an id from elsewhere names no site, whether or not it exists."""

    default_error_messages = {
        "does_not_exist": "No site you inspect has this id.",
        "incorrect_type": "Give the site's id (a whole number).",
    }

    def to_internal_value(self, data):
        if isinstance(data, bool) or not isinstance(data, int | str):
            self.fail("incorrect_type", data_type=type(data).__name__)
        try:
            pk = int(data)
        except ValueError:
            self.fail("incorrect_type", data_type=type(data).__name__)
        if not 1 <= pk <= MAX_ID:
            self.fail("does_not_exist", pk_value=data)
        return super().to_internal_value(pk)


class PatrolWriteSerializer(serializers.ModelSerializer):
    """A one-off patrol an inspector adds at a site of their area (POST): no rule made it, so the
    generator never touches it. A joint patrol gets its open CST places."""

    site = ScopedSiteField(queryset=Site.objects.none())
    starts_at = PatrolTimeField()
    ends_at = PatrolTimeField()

    class Meta:
        model = Patrol
        fields = ["site", "starts_at", "ends_at", "kind", "officers_required", "volunteers_required", "label"]
        extra_kwargs = {"label": {"validators": [single_line_text]}}

    def __init__(self, *args, sites=None, **kwargs):
        super().__init__(*args, **kwargs)
        if sites is not None:
            cast(serializers.RelatedField, self.fields["site"]).queryset = sites


class PatrolUpdateSerializer(PatrolWriteSerializer):
    """A hand edit (PATCH): any of the patrol's fields, and the `version` read. The patrol is
    pinned; an edit from a stale copy (someone changed the patrol since) is refused with 409."""

    version = serializers.IntegerField(
        min_value=1,
        max_value=MAX_ID,
        help_text="The version you read; an older one than the stored one is refused (409).",
    )

    class Meta(PatrolWriteSerializer.Meta):
        fields = [*PatrolWriteSerializer.Meta.fields, "version"]


class PatrolCancelSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=200, validators=[single_line_text], help_text="Why it is cancelled.")
    version = serializers.IntegerField(min_value=1, max_value=MAX_ID, help_text="The version you read (409 if stale).")

    def validate_reason(self, value: str) -> str:
        if not value.strip():
            raise serializers.ValidationError("Say why the patrol is cancelled.")
        return value.strip()


class PatrolRestoreSerializer(serializers.Serializer):
    version = serializers.IntegerField(min_value=1, max_value=MAX_ID, help_text="The version you read (409 if stale).")


class AssignmentSerializer(serializers.ModelSerializer):
    """An officer on a patrol. The reason an inspector gave for assigning them over a warning is
    for inspectors only (how the rota is made)."""

    officer_name = serializers.SerializerMethodField()
    collar_number = serializers.CharField(source="officer.collar_number", read_only=True)
    override_reason = serializers.CharField(
        read_only=True, help_text="Why the officer was assigned despite a warning (inspectors only), or empty."
    )
    omitted_for_some_readers = ("override_reason",)

    class Meta:
        model = Assignment
        fields = ["id", "patrol", "officer", "officer_name", "collar_number", "override_reason"]
        read_only_fields = fields

    def get_officer_name(self, assignment) -> str:
        user = assignment.officer.user
        return user.get_full_name() or user.username

    def to_representation(self, assignment):
        data = super().to_representation(assignment)
        if not self.context.get("inspects", lambda area_id: False)(assignment.patrol.area_id):
            data.pop("override_reason")
        return data


class PatrolDetailSerializer(PatrolSerializer):
    """A patrol with the officers on it and its CST places, each as the caller may see them
    (the places as the slots API scopes them: an officer their partners' call sign and name, a
    coordinator every place with contact details, an inspector every place without)."""

    assignments = AssignmentSerializer(many=True, read_only=True)
    slots = VolunteerSlotSerializer(many=True, read_only=True, source="visible_slots")

    class Meta(PatrolSerializer.Meta):
        fields = [*PatrolSerializer.Meta.fields, "assignments", "slots"]
        read_only_fields = fields


class StalePatrolSerializer(serializers.Serializer):
    """The answer to an edit from a stale copy (409): what happened, and the patrol as it is now."""

    detail = serializers.CharField()
    version = serializers.ListField(child=serializers.CharField())
    current = PatrolDetailSerializer()


class HistoryEntrySerializer(serializers.Serializer):
    when = serializers.DateTimeField()
    who = serializers.CharField(help_text='A person\'s name, or "Rota generator".')
    what = serializers.CharField()
    reason = serializers.CharField(help_text="The reason given, or empty.")


class SuggestionSerializer(serializers.Serializer):
    """An officer of the patrol's area as a candidate for it, in the order of fairness: those with
    the fewest patrols and fewest Shabbat and festival duties over the last and next four weeks
    first. `suggested` when free to assign without a warning; `conflict` names what refuses them
    (absent, on an overlapping patrol, already on it), `warnings` what would need an override."""

    officer = serializers.IntegerField(source="officer.pk")
    officer_name = serializers.SerializerMethodField()
    collar_number = serializers.CharField(source="officer.collar_number")
    suggested = serializers.BooleanField()
    reason = serializers.CharField(help_text="Why they are or are not suggested.")
    patrols_count = serializers.IntegerField(help_text="Their patrols over the last and next four weeks.")
    special_count = serializers.IntegerField(help_text="Their Shabbat and festival duties over the same weeks.")
    warnings = serializers.ListField(
        child=serializers.CharField(), help_text="What assigning them would need overriding."
    )
    conflict = serializers.CharField(help_text="What refuses them, or empty when they can be assigned.")

    def get_officer_name(self, suggestion) -> str:
        user = suggestion.officer.user
        return user.get_full_name() or user.username
