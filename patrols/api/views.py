from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.response import Response

from sites.access import access_for
from sites.models import Role
from sites.permissions import RolePermission
from sites.selectors import areas_with_role

from .. import services
from ..filters import PatrolFilter
from ..selectors import patrols_for_api, runs_for_inspection
from .serializers import GenerationRunSerializer, GenerationRunStartSerializer, PatrolSerializer


class PatrolViewSet(viewsets.ReadOnlyModelViewSet):
    """Patrols, scoped as DESIGN.md §6: an officer sees the patrols they are on, a CST coordinator
    the joint patrols of their areas, an inspector every patrol of theirs. Filter with `start` and
    `end` (on the start time), `site`, `kind`, `status` and `area`."""

    serializer_class = PatrolSerializer
    permission_classes = [RolePermission]
    read_roles = (Role.OFFICER, Role.CST_COORDINATOR, Role.INSPECTOR)
    filterset_class = PatrolFilter

    def get_queryset(self):
        return patrols_for_api(access_for(self.request.user)).order_by("starts_at", "id")


class GenerationRunViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Rota generation runs of the areas the caller inspects. POST `{"area": "<slug>"}` queues a
    run (the generator runs in the background) and answers 202 with it; poll its detail. An area
    the caller does not inspect is 404."""

    serializer_class = GenerationRunSerializer
    permission_classes = [RolePermission]
    read_roles = (Role.INSPECTOR,)
    write_roles = (Role.INSPECTOR,)

    def get_queryset(self):
        return runs_for_inspection(access_for(self.request.user))

    @extend_schema(request=GenerationRunStartSerializer, responses={202: GenerationRunSerializer})
    def create(self, request, *args, **kwargs):
        start = GenerationRunStartSerializer(data=request.data)
        start.is_valid(raise_exception=True)
        areas = areas_with_role(access_for(request.user), Role.INSPECTOR)
        area = get_object_or_404(areas, slug=start.validated_data["area"])
        run = services.generation_run_start(area=area, by=request.user)
        run.refresh_from_db()
        return Response(GenerationRunSerializer(run).data, status=status.HTTP_202_ACCEPTED)
