"""The inspector's page of who viewed their areas' future patrol times."""

from django.conf import settings
from django.views.generic import ListView

from sites.models import Role
from sites.permissions import RoleRequiredMixin

from .filters import PatrolViewFilter
from .selectors import patrol_views_for_inspection

# The page shows the newest records for its filters and no more: no count and no OFFSET over a
# record that grows by the hour. Older ones are a narrower filter (or the API's pages) away.
PAGE_ROWS = 200


class PatrolViewListView(RoleRequiredMixin, ListView):
    """Who was shown which area's future patrol times, through which page or endpoint, by hour."""

    roles = (Role.INSPECTOR,)
    template_name = "audit/patrol_views.html"

    def get_queryset(self):
        self.filterset = PatrolViewFilter(self.request.GET, queryset=patrol_views_for_inspection(self.access))
        return self.filterset.qs

    def get_context_data(self, **kwargs):
        rows = list(self.object_list[: PAGE_ROWS + 1])
        return super().get_context_data(
            object_list=rows[:PAGE_ROWS],
            more=len(rows) > PAGE_ROWS,
            page_rows=PAGE_ROWS,
            filter=self.filterset,
            retention_days=settings.AUDIT_RETENTION_DAYS,
            **kwargs,
        )
