import django_filters
from django import forms

from .models import Site, SiteKind


def active_filter() -> django_filters.BooleanFilter:
    """ "Any / Active / Inactive" rather than Django's "Unknown / Yes / No"."""
    return django_filters.BooleanFilter(
        label="Status", widget=forms.Select(choices=[("", "Any"), ("true", "Active"), ("false", "Inactive")])
    )


class SiteFilter(django_filters.FilterSet):
    """One filter for the site list page and the sites API."""

    kind = django_filters.ChoiceFilter(choices=SiteKind.choices, empty_label="Any")
    active = active_filter()
    search = django_filters.CharFilter(field_name="name", lookup_expr="icontains", label="Name contains")
    area = django_filters.CharFilter(field_name="area__slug", label="Area (slug)")

    class Meta:
        model = Site
        fields = ["kind", "active", "search", "area"]
