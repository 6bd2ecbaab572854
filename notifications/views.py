"""The outbox page: an area's messages, newest first, with their status, attempts and error."""

from django.views.generic import ListView

from sites.models import Role
from sites.permissions import RoleRequiredMixin

from .forms import OutboxPageForm
from .models import NotificationStatus
from .selectors import outbox_for, shown_email

PAGE_ROWS = 50


class OutboxView(RoleRequiredMixin, ListView):
    """Inspectors: every message of their areas. CST coordinators: the messages to volunteers and
    coordinators of theirs (never police messages, DESIGN.md §6). `?status=failed` shows the
    failed ones only. Keyset pages: `?before=<id>`, no count and no OFFSET over a table that grows
    every day."""

    roles = (Role.INSPECTOR, Role.CST_COORDINATOR)
    template_name = "notifications/outbox.html"

    def get_queryset(self):
        self.form = OutboxPageForm(self.request.GET)
        queryset = outbox_for(self.access)
        if self.form.is_valid():
            if self.form.cleaned_data.get("before"):
                queryset = queryset.filter(pk__lt=self.form.cleaned_data["before"])
            if self.form.cleaned_data.get("status"):
                queryset = queryset.filter(status=self.form.cleaned_data["status"])
        return queryset

    def get_context_data(self, **kwargs):
        rows = list(self.object_list[: PAGE_ROWS + 1])
        shown = rows[:PAGE_ROWS]
        for message in shown:
            # A CST volunteer's address only to an admin or a coordinator of the area (DESIGN.md §6).
            message.shown_email = shown_email(self.access, message)
        status = self.form.cleaned_data.get("status", "") if self.form.is_valid() else ""
        return super().get_context_data(
            object_list=shown,
            next_before=shown[-1].pk if len(rows) > PAGE_ROWS else None,
            form=self.form,
            status=status,
            statuses=NotificationStatus.choices,
            **kwargs,
        )
