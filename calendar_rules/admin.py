from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from simple_history.admin import SimpleHistoryAdmin

from sites.admin import AreaFixedOnceSetAdmin

from . import services
from .models import PatrolRule


@admin.register(PatrolRule)
class PatrolRuleAdmin(AreaFixedOnceSetAdmin, SimpleHistoryAdmin):
    list_display = [
        "label",
        "area",
        "kind",
        "trigger",
        "start_anchor",
        "valid_from",
        "valid_until",
        "active",
        "version",
    ]
    list_filter = ["area", "kind", "trigger", "active"]
    search_fields = ["label", "recurrence"]
    filter_horizontal = ["sites"]
    readonly_fields = ["version", "created", "updated"]
    actions = ["deactivate", "reactivate"]

    def has_delete_permission(self, request, obj=None):
        # Rules are deactivated, never deleted: patrols and history refer to them.
        return False

    def save_model(self, request, obj, form, change):
        """Write through the services (validation, one history record, the version bump). The
        admin form has already validated; its sites are saved here, not by save_related."""
        fields = {name: form.cleaned_data[name] for name in form.cleaned_data if name != "sites"}
        sites = list(form.cleaned_data.get("sites") or [])
        if change:
            # The admin shows no version field: an admin edit is last-writer-wins.
            stored_version = PatrolRule.objects.values_list("version", flat=True).get(pk=obj.pk)
            services.rule_update(rule=obj, by=request.user, expected_version=stored_version, sites=sites, **fields)
        else:
            created = services.rule_create(by=request.user, sites=sites, **fields)
            obj.pk = created.pk
            obj.version = created.version

    def save_related(self, request, form, formsets, change):
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)

    @admin.action(description="Deactivate the selected rules")
    def deactivate(self, request, queryset):
        self._set_active(request, queryset, active=False)

    @admin.action(description="Reactivate the selected rules")
    def reactivate(self, request, queryset):
        self._set_active(request, queryset, active=True)

    def _set_active(self, request, queryset, *, active: bool):
        changed = 0
        for rule in queryset:
            try:
                services.rule_set_active(rule=rule, by=request.user, active=active)
                changed += 1
            except ValidationError as error:
                self.message_user(request, f"{rule}: {' '.join(error.messages)}", messages.ERROR)
        self.message_user(request, f"{changed} rule(s) {'reactivated' if active else 'deactivated'}.")
