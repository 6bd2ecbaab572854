"""Admin for the rota's tables: view-only, with history.

Every change to these rows goes through patrols.services (a hand edit pins the patrol and bumps
its version; an assignment is checked for overlaps; the generator's records are its own), and
DESIGN.md §1 keeps day-to-day work in the product's pages. Nothing here deletes: patrols are
cancelled, never deleted."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from audit.recording import PatrolViewAuditAdminMixin
from sites.admin import ReadOnlyAdminMixin

from .models import Assignment, GenerationRun, Patrol, RuleGenerationState, SlotInvitation, Visit, VolunteerSlot


class AssignmentInline(admin.TabularInline):
    model = Assignment
    extra = 0
    fields = readonly_fields = ("officer", "assigned_by", "created_at")
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


class VolunteerSlotInline(admin.TabularInline):
    model = VolunteerSlot
    extra = 0
    fields = readonly_fields = ("volunteer", "status", "confirmed_by", "confirmed_at")
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Patrol)
class PatrolAdmin(PatrolViewAuditAdminMixin, ReadOnlyAdminMixin, SimpleHistoryAdmin):  # audit: records who viewed
    """Read-only here: a change must pin the patrol and bump its version, which the services do."""

    list_display = ["starts_at", "ends_at", "site", "area", "kind", "label", "status", "pinned", "rule"]
    list_filter = ["area", "kind", "status", "pinned"]
    search_fields = ["label", "site__name", "occurrence_key"]
    date_hierarchy = "starts_at"
    list_select_related = ["site", "area", "rule"]
    inlines = [AssignmentInline, VolunteerSlotInline]
    raw_id_fields = ["rule", "last_run"]


@admin.register(Assignment)
class AssignmentAdmin(PatrolViewAuditAdminMixin, ReadOnlyAdminMixin, SimpleHistoryAdmin):
    audit_patrol_attr = "patrol"  # audit: each row names its patrol's time
    list_display = ["patrol", "officer", "assigned_by", "created_at"]
    list_select_related = ["patrol__site", "officer__user"]
    search_fields = ["officer__collar_number", "patrol__site__name"]
    raw_id_fields = ["patrol", "officer"]


@admin.register(VolunteerSlot)
class VolunteerSlotAdmin(PatrolViewAuditAdminMixin, ReadOnlyAdminMixin, SimpleHistoryAdmin):
    audit_patrol_attr = "patrol"  # audit: each row names its patrol's time
    list_display = ["patrol", "volunteer", "status", "confirmed_by", "confirmed_at"]
    list_filter = ["status"]
    list_select_related = ["patrol__site", "volunteer"]
    raw_id_fields = ["patrol", "volunteer"]


@admin.register(SlotInvitation)
class SlotInvitationAdmin(PatrolViewAuditAdminMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    """Volunteers' Accept / Decline links: who was asked when, and how each link ended. The
    secret's hash is not shown (it is of no use to anyone reading it, and nothing to show)."""

    audit_patrol_attr = "slot.patrol"  # audit: each row names its patrol's start (expires_at)

    list_display = ["created_at", "volunteer", "slot", "expires_at", "answer", "answered_at", "revoked_at"]
    list_filter = ["answer"]
    list_select_related = ["volunteer", "slot__patrol__site"]
    raw_id_fields = ["slot", "volunteer", "asked_by", "site"]
    exclude = ["token_hash"]


@admin.register(Visit)
class VisitAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["patrol", "officer", "checked_in_at", "checked_out_at"]
    list_select_related = ["patrol__site", "officer__user"]
    raw_id_fields = ["patrol", "officer"]


@admin.register(GenerationRun)
class GenerationRunAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = [
        "id",
        "area",
        "trigger",
        "status",
        "window_start",
        "window_end",
        "created",
        "updated",
        "cancelled",
        "restored",
        "kept",
        "pinned",
        "held",
        "duration_seconds",
        "queued_at",
    ]
    list_filter = ["area", "trigger", "status"]


@admin.register(RuleGenerationState)
class RuleGenerationStateAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["rule", "generated_from", "generated_until", "fingerprint", "last_run", "updated_at"]
