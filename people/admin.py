from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from sites.admin import AreaFixedOnceSetAdmin
from sites.history import save_with_history

from .models import Officer, Volunteer


@admin.register(Officer)
class OfficerAdmin(SimpleHistoryAdmin):
    list_display = ["collar_number", "user", "rank", "team", "active"]
    list_filter = ["rank", "team", "active"]
    search_fields = ["collar_number", "user__username", "user__first_name", "user__last_name"]


@admin.register(Volunteer)
class VolunteerAdmin(AreaFixedOnceSetAdmin, SimpleHistoryAdmin):
    list_display = ["call_sign", "name", "area", "phone", "card_expires", "active"]
    list_filter = ["area", "active"]
    search_fields = ["call_sign", "name", "email"]

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        save_with_history(obj, by=request.user, reason="edited in admin" if change else "created in admin")
