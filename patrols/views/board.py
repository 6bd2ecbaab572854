"""The inspector's rota: the week board (sites × days), its rows loaded a chunk at a time, and
the day view (one day's patrols by time)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.views.generic import TemplateView, View

from audit.recording import PatrolViewAuditMixin, record_for_request
from calendar_rules.dates import FIRST_DAY, LAST_DAY
from sites.forms import query_errors
from sites.models import RiskTier, Role, Site, SiteKind
from sites.permissions import RoleRequiredMixin
from sites.selectors import areas_with_role

from ..board_render import render
from ..board_selectors import (
    BOARD_CHUNK_SITES,
    BOARD_FIRST_SITES,
    BoardFilters,
    board_days,
    board_patrols,
    board_sites,
    generated_until,
    patrols_by_site_and_day,
)
from ..forms import (
    PATROL_KIND_CHOICES,
    RISK_TIER_CHOICES,
    ROTA_DEFAULT_DAYS,
    ROTA_MAX_DAYS,
    SITE_KIND_CHOICES,
    BoardFilterForm,
    RotaWindowForm,
)
from ..links import board_joint_url
from ..planner_selectors import area_escalation


class BoardQueryMixin(RoleRequiredMixin):
    """What the board, its row chunks and the day view read from the query string: the area
    (404 outside the inspector's), the window and the filters. A bad value is said on the page
    and its default used."""

    roles = (Role.INSPECTOR,)
    request: HttpRequest

    def read_query(self, *, day: date | None = None) -> dict[str, Any]:
        areas = list(areas_with_role(self.access, Role.INSPECTOR).order_by("name"))
        window = RotaWindowForm(self.request.GET)
        window.is_valid()
        slug = window.cleaned_data.get("area")
        if window.has_error("area"):
            raise Http404("No such area in your scope.")
        area = next((a for a in areas if a.slug == slug), None) if slug else (areas[0] if areas else None)
        if slug and area is None:
            raise Http404("No such area in your scope.")
        query: dict[str, Any] = {"areas": areas, "area": area}
        if area is None:
            return query
        filter_form = BoardFilterForm(self.request.GET)
        filter_form.is_valid()
        said = query_errors(window) + query_errors(filter_form)
        today = area.today()
        start = day or window.cleaned_data.get("start") or today
        days = 1 if day else window.cleaned_data.get("days") or ROTA_DEFAULT_DAYS
        if window.has_error("start") and day is None:
            said.append("Showing the rota from today instead.")
        if window.has_error("days"):
            said.append(f"Showing {ROTA_DEFAULT_DAYS} days.")
        if filter_form.errors:
            said.append("Showing every " + ", ".join(self._filter_names(filter_form)) + " instead.")
        # The calendar ends with LAST_DAY: a window running past it is cut short.
        days = min(days, (LAST_DAY - start).days + 1)
        cleaned = {name: value for name, value in filter_form.cleaned_data.items() if name not in filter_form.errors}
        filters = BoardFilters(
            site_kind=cleaned.get("site_kind") or "",
            risk_tier=cleaned.get("tier"),
            patrol_kind=cleaned.get("kind") or "",
            needs_officers=bool(cleaned.get("needs")),
        )
        filter_params = {
            name: value
            for name, value in (
                ("site_kind", filters.site_kind),
                ("tier", filters.risk_tier or ""),
                ("kind", filters.patrol_kind),
                ("needs", "1" if filters.needs_officers else ""),
            )
            if value
        }
        query.update(
            filter_choices={
                name: [(str(value), label) for value, label in choices]
                for name, choices in (
                    ("site_kind", SITE_KIND_CHOICES),
                    ("tier", RISK_TIER_CHOICES),
                    ("kind", PATROL_KIND_CHOICES),
                )
            },
            filter_values={name: str(value) for name, value in filter_params.items()},
            today=today,
            start=start,
            days=days,
            end=start + timedelta(days=days - 1),
            filters=filters,
            filter_form=filter_form,
            filter_params=filter_params,
            query_error=" ".join(said),
        )
        return query

    @staticmethod
    def _filter_names(form: BoardFilterForm) -> list[str]:
        names = {"site_kind": "site kind", "tier": "risk tier", "kind": "patrol kind", "needs": "patrol"}
        return [names.get(name, name) for name in form.errors]

    def board_url(self, name: str, query: dict, *, day: date | None = None, **params) -> str:
        """A URL of the board, its rows or the day view, keeping the area and the filters."""
        path = reverse(name, args=[day.isoformat()]) if day else reverse(name)
        return path + "?" + urlencode({"area": query["area"].slug, **query["filter_params"], **params})

    def rows_context(
        self, query: dict, *, horizon: date | None, offset: int, limit: int, site_id: int | None = None
    ) -> dict:
        """`limit` site rows from `offset`, with their patrols, and the URL of the next chunk; or
        the one row of `site_id` (redrawn after an edit in the patrol dialog)."""
        area, start, days, filters = query["area"], query["start"], query["days"], query["filters"]
        if site_id is not None:
            site_row = Site.objects.filter(area=area, pk=site_id).only("pk", "name", "kind", "risk_tier", "active")
            sites, more = list(site_row), False
        else:
            sites, more = board_sites(area, start, days, filters, offset=offset, limit=limit)
        patrols = board_patrols(area, start, days, filters, site_ids=[site.pk for site in sites]) if sites else []
        more_url = ""
        if more:
            more_url = self.board_url(
                "patrols:rota_rows", query, start=start.isoformat(), days=days, offset=offset + limit
            )
        return {
            "sites": sites,
            "patrols": patrols,
            "grid": patrols_by_site_and_day(patrols),
            "days": board_days(area, start, days, horizon=horizon, today=query["today"]),
            "more_url": more_url,
            "kind_names": dict(SiteKind.choices),
            "tier_names": dict(RiskTier.choices),
        }


def _window_ahead(query: dict) -> set[int]:
    """The audit's rule for these pages: a window reaching today or later is recorded for its
    area even when empty (an empty day ahead at a site says as much as a full one)."""
    area = query.get("area")
    if area is None or "end" not in query:
        return set()
    return {area.pk} if query["end"] >= query["today"] else set()


class RotaView(PatrolViewAuditMixin, BoardQueryMixin, TemplateView):
    """The week board, the inspector's start page: one row per site, one column per day from
    `start` (default today), the first BOARD_FIRST_SITES rows with the page and the others
    loaded as they scroll into view (RotaRowsView)."""

    template_name = "patrols/rota.html"

    def viewed_area_ids(self, context, now):
        return _window_ahead(context)

    def get_context_data(self, **kwargs):
        query = self.read_query()
        context = super().get_context_data(**query, **kwargs)
        area = query["area"]
        if area is None:
            return context
        start, days, today = query["start"], query["days"], query["today"]
        horizon = generated_until(area)
        rows = self.rows_context(query, horizon=horizon, offset=0, limit=BOARD_FIRST_SITES)

        def week(at: date) -> str:
            return self.board_url("patrols:rota", query, start=at.isoformat(), days=days)

        furthest = today + timedelta(days=settings.ROTA_GENERATE_AHEAD_MAX_DAYS)
        # CST places still open after a lead time before the coming Shabbat or festival.
        escalation = area_escalation(area, now=timezone.now())
        context.update(
            escalation=escalation,
            escalation_url=(
                board_joint_url(area, start=escalation.day.starts_on, end=escalation.day.ends_on) if escalation else ""
            ),
            escalation_link="See the joint patrols",
            head_html=render(
                "board_head.html",
                {"columns": [(day, self.board_url("patrols:rota_day", query, day=day.date)) for day in rows["days"]]},
            ),
            rows_html=render("board_rows.html", rows),
            rows_url=self.board_url("patrols:rota_rows", query, start=start.isoformat(), days=days),
            shown_site_count=len(rows["sites"]),
            horizon=horizon,
            beyond_horizon=horizon is not None and query["end"] > horizon,
            # "Generate to": the end of the week shown when it runs past the generated rota, else
            # four weeks past where it ends.
            generate_default=min(
                max(query["end"], today) if horizon is None or query["end"] > horizon else horizon + timedelta(days=28),
                furthest,
            ),
            generate_max=furthest,
            previous_url=week(max(start - timedelta(days=days), FIRST_DAY)),
            next_url=week(min(start + timedelta(days=days), LAST_DAY)),
            today_url=week(today),
            max_days=ROTA_MAX_DAYS,
        )
        return context


class RotaRowsView(BoardQueryMixin, View):
    """A chunk of the week board's site rows (htmx, `?offset=N` and the board's query). It shows
    patrol times, so it is recorded like the board."""

    def get(self, request):
        query = self.read_query()
        if query["area"] is None:
            raise Http404("You inspect no area.")
        try:
            offset = max(int(request.GET.get("offset", "0")), 0)
        except ValueError:
            offset = 0
        site = request.GET.get("site", "")
        rows = self.rows_context(
            query,
            horizon=generated_until(query["area"]),
            offset=offset,
            limit=BOARD_CHUNK_SITES,
            site_id=int(site) if site.isdigit() and len(site) < 19 else None,
        )
        record_for_request(request, _window_ahead(query))
        return HttpResponse(render("board_rows.html", rows))


class RotaDayView(PatrolViewAuditMixin, BoardQueryMixin, TemplateView):
    """One day's patrols of the area by start time, each with its site — with the board's
    filters; made to read on a phone."""

    template_name = "patrols/rota_day.html"

    def viewed_area_ids(self, context, now):
        return _window_ahead(context)

    def get(self, request, *args, day: date, **kwargs):
        self.day = day
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        query = self.read_query(day=self.day)
        context = super().get_context_data(**query, **kwargs)
        area = query["area"]
        if area is None:
            return context
        day, today = query["start"], query["today"]
        horizon = generated_until(area)
        patrols = board_patrols(area, day, 1, query["filters"])
        column = board_days(area, day, 1, horizon=horizon, today=today)[0]

        def day_url(at: date) -> str:
            return self.board_url("patrols:rota_day", query, day=at)

        context.update(
            column=column,
            patrols=patrols,
            list_html=render("day_list.html", {"patrols": patrols, "day": day}),
            horizon=horizon,
            previous_url=day_url(max(day - timedelta(days=1), FIRST_DAY)),
            next_url=day_url(min(day + timedelta(days=1), LAST_DAY)),
            today_url=day_url(today),
            week_url=self.board_url("patrols:rota", query, start=day.isoformat()),
        )
        return context
