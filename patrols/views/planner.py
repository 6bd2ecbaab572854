"""The CST coordinator's planner (`/rota/joint/`): the joint patrols of one area over a range of
days, grouped by the Shabbat or festival day they are for, each day with a count of its places;
open places ticked to ask volunteers for several at once.

The query string never makes a 500 or a 400: a bad value is said on the page and its default
used (an area outside the coordinator's is a 404)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.http import Http404
from django.utils import timezone
from django.views.generic import TemplateView

from audit.recording import PatrolViewAuditMixin
from sites.forms import query_errors
from sites.models import Role
from sites.permissions import RoleRequiredMixin
from sites.selectors import areas_with_role

from ..board_selectors import generated_until
from ..forms import PlannerQueryForm
from ..links import planner_url
from ..models import Patrol, PatrolStatus
from ..planner import DEFAULT_DAYS, MAX_DAYS, PlannerDay, days_of, named_ranges
from ..planner_selectors import area_escalation, planner_details, planner_patrols, planner_sites


@dataclass(frozen=True)
class PlannerGroup:
    """One day of the planner: its counts, and the patrols shown for it (after the filters)."""

    day: PlannerDay
    patrols: list[Patrol]


class JointPatrolsView(PatrolViewAuditMixin, RoleRequiredMixin, TemplateView):
    """The planner: a week from today by default, any range up to MAX_DAYS (past the generated
    horizon), named ranges (next Shabbat, the festival seasons), filters "open places only" and by
    site. Each patrol with its time, site, officers, briefing, CST team leader and places. A fixed
    number of queries whatever the range (patrols.planner_selectors)."""

    roles = (Role.CST_COORDINATOR,)
    template_name = "patrols/joint.html"

    def viewed_area_ids(self, context, now):
        # As the rota board: a range reaching today or later is recorded for its area even when
        # empty (an empty Shabbat ahead says as much as a full one).
        area = context.get("area")
        return {area.pk} if area is not None and context["end"] >= context["today"] else set()

    def get_context_data(self, **kwargs):
        now = timezone.now()
        areas = list(areas_with_role(self.access, Role.CST_COORDINATOR).order_by("name"))
        form = PlannerQueryForm(self.request.GET)
        form.is_valid()
        slug = form.cleaned_data.get("area")
        if form.has_error("area") or (slug and not any(a.slug == slug for a in areas)):
            raise Http404("No such area in your scope.")
        area = next((a for a in areas if a.slug == slug), None) if slug else (areas[0] if areas else None)
        context = super().get_context_data(areas=areas, area=area, **kwargs)
        if area is None:
            return context
        said = query_errors(form)
        today = area.today(now)
        start = form.cleaned_data.get("start") or today
        end = form.cleaned_data.get("end") or start + timedelta(days=DEFAULT_DAYS - 1)
        if end < start:
            said.append("The end date is before the start date: showing a week from the start.")
            end = start + timedelta(days=DEFAULT_DAYS - 1)
        if (end - start).days + 1 > MAX_DAYS:
            said.append(f"The planner shows at most {MAX_DAYS} days at a time: showing the first {MAX_DAYS}.")
            end = start + timedelta(days=MAX_DAYS - 1)
        everywhere = planner_patrols(area, start, end)
        sites = planner_sites(everywhere)
        site_id = form.cleaned_data.get("site")
        if site_id is not None and not any(site.pk == site_id for site in sites):
            said.append("No joint patrols at that site in these days: showing every site.")
            site_id = None
        open_only = bool(form.cleaned_data.get("open"))
        patrols = planner_details([p for p in everywhere if site_id is None or p.site_id == site_id])
        by_day: dict[date, list] = {}
        for patrol in patrols:
            patrol.fillable = patrol.status == PatrolStatus.SCHEDULED and patrol.starts_at > now
            if open_only and not (patrol.fillable and patrol.places_open):
                continue
            by_day.setdefault(patrol.day, []).append(patrol)
        days = [
            PlannerGroup(day=day, patrols=by_day[day.date])
            for day in days_of((patrol.counts for patrol in patrols), first=start, last=end)
            if day.date in by_day
        ]
        horizon = generated_until(area)
        escalation = area_escalation(area, now=now)
        context.update(
            today=today,
            start=start,
            end=end,
            days=days,
            day_count=(end - start).days + 1,
            max_days=MAX_DAYS,
            sites=sites,
            site_id=site_id,
            open_only=open_only,
            query_error=" ".join(said),
            horizon=horizon,
            beyond_horizon=horizon is not None and end > horizon,
            escalation=escalation,
            escalation_url=(
                planner_url(area, start=escalation.day.starts_on, end=escalation.day.ends_on, open_only=True)
                if escalation
                else ""
            ),
            ranges=[
                {
                    "name": named.name,
                    "url": planner_url(area, start=named.start, end=named.end, open_only=open_only, site_id=site_id),
                    "current": (named.start, named.end) == (start, end),
                }
                for named in named_ranges(today)
            ],
            previous_url=planner_url(
                area,
                start=start - timedelta(days=(end - start).days + 1),
                end=start - timedelta(days=1),
                open_only=open_only,
                site_id=site_id,
            ),
            next_url=planner_url(
                area,
                start=end + timedelta(days=1),
                end=end + timedelta(days=(end - start).days + 1),
                open_only=open_only,
                site_id=site_id,
            ),
            open_places=sum(len(patrol.places_open) for group in days for patrol in group.patrols if patrol.fillable),
        )
        return context
