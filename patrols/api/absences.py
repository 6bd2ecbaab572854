"""Officers' absences (`/api/v1/absences/`): inspectors record and change those of the officers
rostered in their areas; an officer reads their own (DESIGN.md §6). The model and its services
are `people`'s; the API lives here because recording an absence lists the patrols it clashes
with, which is the rota's business (DESIGN.md: imports flow down)."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

import django_filters
from django import forms
from django.utils import timezone
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, viewsets

from calendar_rules.dates import parse_date_param
from people import services as people_services
from people.models import Absence, Officer
from people.selectors import absences_for_inspection, absences_visible_to, officers_for_inspection
from sites.access import access_for
from sites.models import Role
from sites.pagination import KeysetPagination
from sites.permissions import RolePermission

from ..models import Patrol
from ..selectors import patrols_clashing_with_absence
from .serializers import MAX_ID

if TYPE_CHECKING:
    from django.contrib.auth.base_user import AbstractBaseUser


class _DateField(forms.CharField):
    """A date in a query string, read as every endpoint reads one (exactly YYYY-MM-DD)."""

    def clean(self, value):
        value = super().clean(value)
        if not value:
            return None
        try:
            return parse_date_param(value, name="date")
        except ValueError as error:
            message = str(error).removeprefix("date: ")
            raise forms.ValidationError(message[:1].upper() + message[1:], code="invalid") from None


class _DateFilter(django_filters.Filter):
    field_class = _DateField


class AbsenceFilter(django_filters.FilterSet):
    """An officer (id), and the absences on any day from `from` to `to` (YYYY-MM-DD, inclusive)."""

    officer = django_filters.NumberFilter(field_name="officer_id", min_value=1, max_value=MAX_ID)
    to = _DateFilter(field_name="starts_on", lookup_expr="lte", label="Absent on or before this date (YYYY-MM-DD)")

    class Meta:
        model = Absence
        fields = ["officer", "to"]

    @classmethod
    def get_filters(cls):
        filters = super().get_filters()
        # "from" is a Python keyword: declared here rather than as a class attribute.
        filters["from"] = _DateFilter(
            field_name="ends_on", lookup_expr="gte", label="Absent on or after this date (YYYY-MM-DD)"
        )
        return filters


class AbsencePatrolSerializer(serializers.ModelSerializer):
    """A patrol the officer is on during the absence: to re-staff."""

    site_name = serializers.CharField(source="site.name", read_only=True)

    class Meta:
        model = Patrol
        fields = ["id", "site", "site_name", "starts_at", "ends_at", "label"]
        read_only_fields = fields


class AbsenceSerializer(serializers.ModelSerializer):
    officer = serializers.PrimaryKeyRelatedField(
        queryset=Officer.objects.none(), help_text="An officer rostered in an area you inspect (set on create only)."
    )
    officer_name = serializers.SerializerMethodField()
    collar_number = serializers.CharField(source="officer.collar_number", read_only=True)
    summary = serializers.CharField(read_only=True, help_text='As people say it: "On leave 3–9 Dec".')
    created_by: serializers.SlugRelatedField[AbstractBaseUser] = serializers.SlugRelatedField(
        slug_field="username", read_only=True, allow_null=True
    )

    class Meta:
        model = Absence
        fields = [
            "id",
            "officer",
            "officer_name",
            "collar_number",
            "kind",
            "starts_on",
            "ends_on",
            "note",
            "summary",
            "created_by",
            "created_at",
        ]
        read_only_fields = ["created_at"]

    def __init__(self, *args, officers=None, **kwargs):
        super().__init__(*args, **kwargs)
        field = cast(serializers.PrimaryKeyRelatedField, self.fields["officer"])
        field.error_messages["does_not_exist"] = "No officer of an area you inspect has this id."
        if officers is not None:
            field.queryset = officers

    def get_officer_name(self, absence) -> str:
        user = absence.officer.user
        return user.get_full_name() or user.username

    def validate_officer(self, officer):
        if self.instance is not None and officer != self.instance.officer:
            raise serializers.ValidationError("An absence stays with its officer: record a new one instead.")
        return officer


class AbsenceWrittenSerializer(AbsenceSerializer):
    """An absence as recorded or changed, with the patrols the officer is on during it (to re-staff)."""

    clashing_patrols = AbsencePatrolSerializer(many=True, read_only=True)

    class Meta(AbsenceSerializer.Meta):
        fields = [*AbsenceSerializer.Meta.fields, "clashing_patrols"]


class AbsencePagination(KeysetPagination):
    # Newest first, as the model orders them.
    ordering = ("-starts_on", "-id")


@extend_schema_view(
    list=extend_schema(summary="Absences you may see"),
    retrieve=extend_schema(summary="One absence"),
    create=extend_schema(summary="Record an absence", responses={201: AbsenceWrittenSerializer}),
    update=extend_schema(summary="Replace an absence", responses={200: AbsenceWrittenSerializer}),
    partial_update=extend_schema(summary="Change an absence", responses={200: AbsenceWrittenSerializer}),
    destroy=extend_schema(summary="Remove an absence"),
)
class AbsenceViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """Officers' leave, training, sickness and other absences (dates inclusive, read in each
    patrol's area's time zone): no officer is put on a patrol while absent. Inspectors record,
    change and remove those of the officers rostered in their areas; an officer reads their own.
    Recording or changing one answers with the patrols the officer is already on during it
    (`clashing_patrols`), to re-staff. Filter with `officer`, `from` and `to`; newest first, 50 a
    page, linked by keyset cursors (no `count`)."""

    permission_classes = [RolePermission]
    read_roles = (Role.OFFICER, Role.INSPECTOR)
    write_roles = (Role.INSPECTOR,)
    filterset_class = AbsenceFilter
    pagination_class = AbsencePagination

    def get_queryset(self):
        access = access_for(self.request.user)
        if self.request.method in ("GET", "HEAD", "OPTIONS"):
            return absences_visible_to(access)
        return absences_for_inspection(access)

    def get_serializer_class(self):
        if self.action in ("create", "update", "partial_update"):
            return AbsenceWrittenSerializer
        return AbsenceSerializer

    def get_serializer(self, *args, **kwargs):
        kwargs.setdefault("officers", officers_for_inspection(access_for(self.request.user)))
        return super().get_serializer(*args, **kwargs)

    def _with_clashes(self, absence) -> Absence:
        absence.clashing_patrols = patrols_clashing_with_absence(absence, since=timezone.now())
        return absence

    def perform_create(self, serializer):
        absence = people_services.absence_create(by=self.request.user, **serializer.validated_data)
        serializer.instance = self._with_clashes(absence)

    def perform_update(self, serializer):
        fields = dict(serializer.validated_data)
        fields.pop("officer", None)
        absence = people_services.absence_update(absence=serializer.instance, by=self.request.user, **fields)
        serializer.instance = self._with_clashes(absence)

    def perform_destroy(self, instance):
        people_services.absence_delete(absence=instance, by=self.request.user)
