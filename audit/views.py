"""The inspector's page of who viewed their areas' future patrol times."""

from django.conf import settings
from django.views.generic import ListView

from sites.models import Role
from sites.permissions import RoleRequiredMixin

from .filters import PatrolViewFilter
from .selectors import patrol_views_for_inspection


class PatrolViewListView(RoleRequiredMixin, ListView):
    """Who was shown which area's future patrol times, through which page or endpoint, by hour."""

    roles = (Role.INSPECTOR,)
    template_name = "audit/patrol_views.html"
    paginate_by = 100

    def get_queryset(self):
        self.filterset = PatrolViewFilter(self.request.GET, queryset=patrol_views_for_inspection(self.access))
        return self.filterset.qs

    def get_context_data(self, **kwargs):
        return super().get_context_data(filter=self.filterset, retention_days=settings.AUDIT_RETENTION_DAYS, **kwargs)
