from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from audit.recording import PatrolViewAuditAPIMixin
from sites.access import access_for
from sites.models import Role
from sites.openapi import ERRORS
from sites.pagination import KeysetPagination
from sites.permissions import RolePermission
from sites.selectors import areas_with_role

from .. import services
from ..filters import PatrolFilter, SlotFilter
from ..selectors import patrols_for_api, runs_for_inspection, slots_for_coordination, slots_visible_to
from .serializers import (
    GenerationRunSerializer,
    GenerationRunStartSerializer,
    PatrolSerializer,
    SlotFillSerializer,
    VolunteerSlotSerializer,
)


class PatrolPagination(KeysetPagination):
    # Served by the index patrol_starts_id (and patrol_area_starts_id within one area).
    ordering = ("starts_at", "id")


class SlotPagination(KeysetPagination):
    # In the order of their patrols' start: walked from the patrols' start index, each patrol's
    # places from the slots' patrol index.
    ordering = ("patrol__starts_at", "patrol_id", "id")


class RunPagination(KeysetPagination):
    # Newest first, as the runs page lists them.
    ordering = ("-queued_at", "-id")


class PatrolViewSet(PatrolViewAuditAPIMixin, viewsets.ReadOnlyModelViewSet):  # audit: records who viewed
    """Patrols, scoped as DESIGN.md §6: an officer sees the patrols they are on, a CST coordinator
    the joint patrols of their areas, an inspector every patrol of theirs. Filter with `start` and
    `end` (on the start time), `site`, `kind`, `status` and `area`.

    In order of start time (then id), 50 a page: follow the `next` link (a keyset cursor) for the
    next page. There is no total `count`: counting a million patrols on every page is what made
    this list slow."""

    serializer_class = PatrolSerializer
    permission_classes = [RolePermission]
    read_roles = (Role.OFFICER, Role.CST_COORDINATOR, Role.INSPECTOR)
    filterset_class = PatrolFilter
    pagination_class = PatrolPagination

    def get_queryset(self):
        return patrols_for_api(access_for(self.request.user))


class GenerationRunViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Rota generation runs of the areas the caller inspects. POST `{"area": "<slug>"}` queues a
    run (the generator runs in the background) and answers 202 with it; poll its detail. An area
    the caller does not inspect is 404. Newest first, 50 a page, linked by keyset cursors (no
    `count`)."""

    serializer_class = GenerationRunSerializer
    permission_classes = [RolePermission]
    read_roles = (Role.INSPECTOR,)
    write_roles = (Role.INSPECTOR,)
    pagination_class = RunPagination

    def get_queryset(self):
        return runs_for_inspection(access_for(self.request.user))

    # A running run whose process stopped is marked failed before it is shown, so a client polling
    # a run's detail sees it fail rather than run for ever.
    def list(self, request, *args, **kwargs):
        services.generation_runs_fail_dead_seen_by(access=access_for(request.user))
        return super().list(request, *args, **kwargs)

    def retrieve(self, request, *args, **kwargs):
        services.generation_runs_fail_dead_seen_by(access=access_for(request.user))
        return super().retrieve(request, *args, **kwargs)

    @extend_schema(
        request=GenerationRunStartSerializer,
        responses={202: GenerationRunSerializer, 404: ERRORS["404"]},
    )
    def create(self, request, *args, **kwargs):
        start = GenerationRunStartSerializer(data=request.data)
        start.is_valid(raise_exception=True)
        areas = areas_with_role(access_for(request.user), Role.INSPECTOR)
        area = get_object_or_404(areas, slug=start.validated_data["area"])
        run = services.generation_run_start(area=area, by=request.user)
        run.refresh_from_db()
        return Response(GenerationRunSerializer(run).data, status=status.HTTP_202_ACCEPTED)


class VolunteerSlotViewSet(viewsets.ReadOnlyModelViewSet):
    """CST places on joint patrols, scoped as DESIGN.md §6: a coordinator every slot of the joint
    patrols of their areas (with the volunteer's phone and email), an inspector every slot of
    theirs, an officer their partners on the joint patrols they are on (call sign and name). Filter
    with `patrol` and `status`.

    A coordinator acts on a slot with POST `fill/` (`{"volunteer": <id>}`), `confirm/`, `decline/`
    and `release/`; each answers the slot as it now is, or 400 naming what was refused.

    In order of their patrols' start time, 50 a page, linked by keyset cursors (no `count`)."""

    serializer_class = VolunteerSlotSerializer
    permission_classes = [RolePermission]
    read_roles = (Role.OFFICER, Role.CST_COORDINATOR, Role.INSPECTOR)
    write_roles = (Role.CST_COORDINATOR,)
    filterset_class = SlotFilter
    pagination_class = SlotPagination

    def get_queryset(self):
        access = access_for(self.request.user)
        if self.action in ("fill", "confirm", "decline", "release"):
            return slots_for_coordination(access)
        return slots_visible_to(access)

    def get_serializer_context(self):
        access = access_for(self.request.user)
        return {
            **super().get_serializer_context(),
            "contact_visible": lambda area_id: access.holds(Role.CST_COORDINATOR, area_id),
        }

    def _act(self, service, slot=None, **kwargs):
        slot = slot or self.get_object()
        service(slot=slot, by=self.request.user, **kwargs)
        slot = self.get_queryset().filter(pk=slot.pk).first() or slot  # released from a patrol no longer joint: gone
        return Response(self.get_serializer(slot).data)

    @extend_schema(request=SlotFillSerializer, responses={200: VolunteerSlotSerializer})
    @action(detail=True, methods=["post"])
    def fill(self, request, pk=None):
        slot = self.get_object()
        fill = SlotFillSerializer(data=request.data)
        fill.is_valid(raise_exception=True)
        # Only a volunteer of the patrol's area is looked up: an id from elsewhere names nobody.
        volunteer = slot.patrol.area.volunteers.filter(pk=fill.validated_data["volunteer"]).first()
        if volunteer is None:
            raise exceptions.ValidationError({"volunteer": [f"No volunteer of {slot.patrol.area} has this id."]})
        return self._act(services.slot_fill, slot=slot, volunteer=volunteer)

    @extend_schema(request=None, responses={200: VolunteerSlotSerializer})
    @action(detail=True, methods=["post"])
    def confirm(self, request, pk=None):
        return self._act(services.slot_confirm)

    @extend_schema(request=None, responses={200: VolunteerSlotSerializer})
    @action(detail=True, methods=["post"])
    def decline(self, request, pk=None):
        return self._act(services.slot_decline)

    @extend_schema(request=None, responses={200: VolunteerSlotSerializer})
    @action(detail=True, methods=["post"])
    def release(self, request, pk=None):
        return self._act(services.slot_release)
