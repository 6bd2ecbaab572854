"""The coverage report's page, its chart (an SVG of its own) and its CSV download.

All three read the same query string (`area`, `start`, `end`) the same way: a bad value is said
on the page and the default used (the chart and the CSV, which the page links with the values it
settled on, quietly use the same defaults). An area outside the user's scope is a 404; a role
with no report (an officer) a 403.

Audit of patrol views: the report shows counts, never a patrol's time. But counts per site and
week that reach into the future still say where police will be that week, so an answer whose
range includes a day not yet over in the area is recorded like a page of future patrols (the
page and the CSV, one record per area and hour; the chart is part of the page's view).
"""

from __future__ import annotations

from datetime import date, timedelta
from urllib.parse import urlencode

from csp.decorators import csp_update
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.views.generic import TemplateView, View

from audit.recording import record_for_request
from calendar_rules.seasons import seasons_between
from sites.permissions import RoleRequiredMixin

from .charts import coverage_chart_svg
from .coverage import MAX_RANGE_DAYS, Report, percent
from .export import coverage_csv
from .params import Params, read_params
from .selectors import REPORT_ROLES, Scope, coverage_report, reportable_area, reportable_areas


def reaches_future(scope: Scope, end: date, now) -> bool:
    return end >= scope.area.today(now)


class CoverageMixin(RoleRequiredMixin):
    roles = REPORT_ROLES
    request: HttpRequest

    def load_report(self) -> tuple[Params, Scope | None, Report | None]:
        now = timezone.now()
        areas = list(reportable_areas(self.access))
        # "Today" for the defaults: the first area's (every area runs on UK time today).
        params = read_params(self.request.GET, today=(areas[0].today(now) if areas else now.date()))
        if not areas:  # an admin with no areas yet
            return params, None, None
        scope = reportable_area(self.access, params.area_id if params.area_id is not None else areas[0].pk)
        report = coverage_report(scope, start=params.start, end=params.end, now=now)
        self.now = now
        self.areas = areas
        return params, scope, report


class CoverageView(CoverageMixin, TemplateView):
    """Planned versus delivered for an area and a date range: totals, per site, per week, missed
    reasons; with one-click festival seasons, the chart and a CSV of the same figures."""

    template_name = "reports/coverage.html"

    def get_context_data(self, **kwargs):
        params, scope, report = self.load_report()
        context = super().get_context_data(params=params, scope=scope, report=report, max_days=MAX_RANGE_DAYS, **kwargs)
        if scope is None or report is None:
            return context
        if reaches_future(scope, params.end, self.now):
            record_for_request(self.request, [scope.area.pk])
        query = urlencode({"area": scope.area.pk, "start": params.start.isoformat(), "end": params.end.isoformat()})
        today = scope.area.today(self.now)
        context.update(
            areas=self.areas,
            query=query,
            seasons=[
                {
                    "name": season.name,
                    "query": urlencode(
                        {"area": scope.area.pk, "start": season.start.isoformat(), "end": season.end.isoformat()}
                    ),
                    "start": season.start,
                    "end": season.end,
                    "current": season.start == params.start and season.end == params.end,
                }
                # Last year's seasons, this year's and those of the next twelve months.
                for season in seasons_between(today.year - 1, today.year + 1)
                if season.start <= today + timedelta(days=366)
            ],
            rate=percent(report.total.delivery_rate),
            site_rows=[(site, percent(site.figures.delivery_rate)) for site in report.sites],
            week_rows=[(week, percent(week.figures.delivery_rate)) for week in report.weeks],
        )
        return context


# The chart is an image: its pygal styles sit inside the SVG, which this response alone allows;
# it has no script at all (charts.py removes pygal's).
@method_decorator(csp_update({"style-src": ["'unsafe-inline'"]}), name="dispatch")
class CoverageChartView(CoverageMixin, View):
    def get(self, request, *args, **kwargs):
        _params, _scope, report = self.load_report()
        if report is None:
            return HttpResponse(status=204)
        phone = request.GET.get("size") == "phone"
        response = HttpResponse(coverage_chart_svg(report, phone=phone), content_type="image/svg+xml")
        response["X-Content-Type-Options"] = "nosniff"
        return response


class CoverageCsvView(CoverageMixin, View):
    def get(self, request, *args, **kwargs):
        params, scope, report = self.load_report()
        if scope is None or report is None:
            return HttpResponse(status=204)
        if reaches_future(scope, params.end, self.now):
            record_for_request(request, [scope.area.pk])
        response = HttpResponse(coverage_csv(report), content_type="text/csv; charset=utf-8")
        filename = f"coverage-{scope.area.slug}-{params.start.isoformat()}-{params.end.isoformat()}.csv"
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response
