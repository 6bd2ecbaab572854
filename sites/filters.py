import django_filters

from .models import Site, SiteKind


class SiteFilter(django_filters.FilterSet):
    """One filter for the site list page and the sites API."""

    kind = django_filters.ChoiceFilter(choices=SiteKind.choices)
    active = django_filters.BooleanFilter()
    search = django_filters.CharFilter(field_name="name", lookup_expr="icontains", label="Name contains")
    area = django_filters.CharFilter(field_name="area__slug", label="Area (slug)")

    class Meta:
        model = Site
        fields = ["kind", "active", "search", "area"]
