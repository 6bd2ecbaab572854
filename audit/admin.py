"""The audit record in the admin: read-only, never deleted by hand (see audit.models)."""

from django.contrib import admin

from sites.admin import ReadOnlyAdminMixin

from .models import PatrolViewRecord


@admin.register(PatrolViewRecord)
class PatrolViewRecordAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["bucket_start", "user", "area", "channel", "count", "first_seen", "last_seen"]
    list_filter = ["area", "channel"]
    search_fields = ["user__username", "channel"]
    date_hierarchy = "bucket_start"
    list_select_related = ["user", "area"]
