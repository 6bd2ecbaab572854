"""The officer's pages: My day, phone-first."""

from __future__ import annotations

from django.utils import timezone
from django.views.generic import TemplateView

from audit.recording import PatrolViewAuditMixin
from sites.models import Role
from sites.permissions import RoleRequiredMixin

from ..selectors import (
    my_day,
)


class MyDayView(PatrolViewAuditMixin, RoleRequiredMixin, TemplateView):
    """An officer's start page, phone-first: their patrols today and tomorrow."""

    roles = (Role.OFFICER,)
    template_name = "patrols/my_day.html"

    def shown_patrols(self, context):  # audit: who viewed future patrol times
        return [item["patrol"] for day in context["days"] for item in day["items"]]

    def get_context_data(self, **kwargs):
        officer = getattr(self.request.user, "officer", None)
        days = []
        if officer is not None:
            days = my_day(access=self.access, officer=officer, now=timezone.now())
        return super().get_context_data(officer=officer, days=days, **kwargs)
