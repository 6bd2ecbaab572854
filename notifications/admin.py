"""The outbox in the admin: read-only (the services write it), with a way to send a failed
message again."""

from django.contrib import admin, messages
from django.db import transaction

from sites.admin import ReadOnlyAdminMixin

from .models import Notification, NotificationStatus


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["created_at", "kind", "recipient_label", "to_email", "area", "status", "attempts", "sent_at"]
    list_filter = ["status", "kind", "audience", "area"]
    search_fields = ["event_key", "subject", "to_email", "to_user__username", "to_volunteer__call_sign"]
    date_hierarchy = "created_at"
    list_select_related = ["to_user", "to_volunteer", "area"]
    actions = ["send_again"]

    @admin.action(description="Send the selected failed messages again")
    def send_again(self, request, queryset):
        with transaction.atomic():
            count = queryset.filter(status=NotificationStatus.FAILED).update(
                status=NotificationStatus.PENDING, attempts=0, not_before=None
            )
        self.message_user(request, f"{count} failed message(s) will be sent again.", messages.SUCCESS)

    def has_change_permission(self, request, obj=None):
        # Needed for the action to show; every field stays read-only (no change form).
        return obj is None and request.user.is_superuser
