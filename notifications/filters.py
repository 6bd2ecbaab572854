"""Filters of the outbox endpoint: status, kind and area."""

import django_filters

from .models import Notification, NotificationKind, NotificationStatus


class NotificationFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=NotificationStatus.choices)
    kind = django_filters.ChoiceFilter(choices=NotificationKind.choices)
    area = django_filters.CharFilter(field_name="area__slug", label="Area (slug)", max_length=50)

    class Meta:
        model = Notification
        fields = ["status", "kind", "area"]
