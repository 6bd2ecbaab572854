import django_filters

from .models import Patrol, PatrolKind, PatrolStatus


class PatrolFilter(django_filters.FilterSet):
    """The patrols API's filters: a date range on the start, site, kind, status and area."""

    start = django_filters.IsoDateTimeFilter(field_name="starts_at", lookup_expr="gte", label="Starts at or after")
    end = django_filters.IsoDateTimeFilter(field_name="starts_at", lookup_expr="lt", label="Starts before")
    site = django_filters.NumberFilter(field_name="site_id")
    kind = django_filters.ChoiceFilter(choices=PatrolKind.choices)
    status = django_filters.ChoiceFilter(choices=PatrolStatus.choices)
    area = django_filters.CharFilter(field_name="area__slug", label="Area (slug)")

    class Meta:
        model = Patrol
        fields = ["start", "end", "site", "kind", "status", "area"]
