from __future__ import annotations

from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView

from audit.recording import record_for_request
from sites.access import access_for
from sites.openapi import ERRORS
from sites.permissions import RolePermission

from ..selectors import REPORT_ROLES, coverage_report, reportable_area
from .serializers import CoverageQuerySerializer, CoverageSerializer


class CoverageView(APIView):
    """Planned versus delivered patrols of one area over local dates `start`..`end` (inclusive,
    at most 400 days): per site, per Monday-start week, in total, with the reasons recorded for
    missed patrols. Inspectors of the area see every patrol; CST coordinators the joint patrols
    only; another area is a 404. See the fields for what each figure counts."""

    permission_classes = [RolePermission]
    read_roles = REPORT_ROLES

    @extend_schema(
        operation_id="coverage_retrieve",
        summary="Coverage report: planned versus delivered",
        parameters=[CoverageQuerySerializer],
        responses={200: CoverageSerializer, **{code: ERRORS[code] for code in ("400", "401", "403", "404")}},
    )
    def get(self, request):
        query = CoverageQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        params = query.validated_data
        scope = reportable_area(access_for(request.user), params["area"])
        now = timezone.now()
        report = coverage_report(scope, start=params["start"], end=params["end"], now=now)
        if params["end"] >= scope.area.today(now):  # reaches days not yet over: see reports.views
            record_for_request(request, [scope.area.pk], prefix="api:")
        body = {
            "area": {"id": scope.area.pk, "name": scope.area.name},
            "start": report.start,
            "end": report.end,
            "joint_only": scope.joint_only,
            "total": report.total,
            "sites": report.sites,
            "weeks": report.weeks,
            "missed_reasons": report.missed_reasons,
            "missed_notes": report.missed_notes,
        }
        return Response(CoverageSerializer(body).data)
