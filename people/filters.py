import django_filters

from sites.filters import active_filter

from .models import Officer, Rank, Volunteer


class VolunteerFilter(django_filters.FilterSet):
    active = active_filter()
    search = django_filters.CharFilter(method="filter_search", label="Call sign or name")
    area = django_filters.CharFilter(field_name="area__slug", label="Area (slug)")

    class Meta:
        model = Volunteer
        fields = ["active", "search", "area"]

    def filter_search(self, queryset, name, value):
        from django.db.models import Q

        return queryset.filter(Q(call_sign__icontains=value) | Q(name__icontains=value))


class OfficerFilter(django_filters.FilterSet):
    rank = django_filters.ChoiceFilter(choices=Rank.choices, empty_label="Any")
    active = active_filter()
    team = django_filters.CharFilter()

    class Meta:
        model = Officer
        fields = ["rank", "active", "team"]
