from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .history import save_with_history
from .models import Area, Membership, Site


@admin.register(Area)
class AreaAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "timezone", "max_duty_hours", "min_rest_hours"]
    prepopulated_fields = {"slug": ["name"]}


class ReadOnlyAdminMixin:
    """For rows only the product's own services write (patrols, runs, the audit record): the
    admin shows them and cannot add, change or delete them."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class AreaFixedOnceSetAdmin(admin.ModelAdmin):
    """The area is chosen when the object is made and read-only after (models refuse a move)."""

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        return [*fields, "area"] if obj is not None and "area" not in fields else fields


@admin.register(Site)
class SiteAdmin(AreaFixedOnceSetAdmin, SimpleHistoryAdmin):
    list_display = ["name", "area", "kind", "postcode", "risk_tier", "active"]
    list_filter = ["area", "kind", "active", "risk_tier"]
    search_fields = ["name", "address", "postcode"]

    def has_delete_permission(self, request, obj=None):
        # Sites are deactivated, never deleted: patrols and history refer to them.
        return False

    def save_model(self, request, obj, form, change):
        save_with_history(obj, by=request.user, reason="edited in admin" if change else "created in admin")


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "group", "area"]
    list_filter = ["group", "area"]
    search_fields = ["user__username", "user__first_name", "user__last_name"]
    autocomplete_fields = ["user"]
