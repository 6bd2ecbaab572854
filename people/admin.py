from django import forms
from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from sites.admin import AreaFixedOnceSetAdmin

from . import services
from .models import Absence, Officer, Volunteer


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
        # Through the service: a new email address or a deactivation withdraws the links.
        services.volunteer_save(obj, by=request.user, reason="edited in admin" if change else "created in admin")


class AbsenceAdminForm(forms.ModelForm):
    class Meta:
        model = Absence
        fields = ["officer", "kind", "starts_on", "ends_on", "note"]

    def clean(self):
        cleaned = super().clean() or self.cleaned_data
        # The service's overlap refusal, shown on the form rather than as a server error.
        officer = cleaned.get("officer") or getattr(self.instance, "officer", None)
        starts_on, ends_on = cleaned.get("starts_on"), cleaned.get("ends_on")
        if officer is not None and starts_on and ends_on and ends_on >= starts_on:
            probe = Absence(pk=self.instance.pk, officer=officer, starts_on=starts_on, ends_on=ends_on)
            error = services.overlapping_absence_error(probe)
            if error is not None:
                raise error
        return cleaned


@admin.register(Absence)
class AbsenceAdmin(SimpleHistoryAdmin):
    """Administrators read and correct absences; every write goes through people.services."""

    form = AbsenceAdminForm

    list_display = ["officer", "kind", "starts_on", "ends_on", "note", "created_by"]
    list_filter = ["kind"]
    search_fields = ["officer__collar_number", "officer__user__first_name", "officer__user__last_name", "note"]
    date_hierarchy = "starts_on"
    autocomplete_fields = ["officer"]
    readonly_fields = ["created_by", "created_at"]

    def get_readonly_fields(self, request, obj=None):
        # An absence stays the officer's it was recorded for.
        return [*self.readonly_fields, "officer"] if obj is not None else self.readonly_fields

    def save_model(self, request, obj, form, change):
        if change:
            fields = {name: form.cleaned_data[name] for name in Absence.EDITABLE_FIELDS if name in form.changed_data}
            services.absence_update(absence=obj, by=request.user, **fields)
        else:
            created = services.absence_create(
                officer=obj.officer,
                kind=obj.kind,
                starts_on=obj.starts_on,
                ends_on=obj.ends_on,
                note=obj.note,
                by=request.user,
            )
            obj.pk = created.pk

    def delete_model(self, request, obj):
        services.absence_delete(absence=obj, by=request.user)

    def delete_queryset(self, request, queryset):
        for absence in queryset:
            services.absence_delete(absence=absence, by=request.user)
