import django_filters

from sites.filters import active_filter

from .models import PatrolKind, PatrolRule, Trigger


class RuleFilter(django_filters.FilterSet):
    """One filter for the rules page and the rules API."""

    active = active_filter()
    kind = django_filters.ChoiceFilter(choices=PatrolKind.choices, empty_label="Any")
    trigger = django_filters.ChoiceFilter(choices=Trigger.choices, empty_label="Any")
    area = django_filters.CharFilter(field_name="area__slug", label="Area (slug)")
    search = django_filters.CharFilter(field_name="label", lookup_expr="icontains", label="Label contains")

    class Meta:
        model = PatrolRule
        fields = ["active", "kind", "trigger", "area", "search"]
