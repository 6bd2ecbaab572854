"""Dated patrols, who is on them, check-ins, and the runs of the rota generator.

Two kinds of writer touch these tables, on purpose in two different ways:

- **Hand edits** (an inspector moves, cancels, restores or staffs a patrol; assigns an officer;
  a coordinator fills a slot) go through `patrols.services` one object at a time, with
  django-simple-history recording who changed what and why.
- **The generator** (`services.rota.rota_sync`) writes tens of thousands of rows in one go with bulk
  operations (COPY on PostgreSQL). One history row per generated patrol would double its cost and
  say nothing useful, so its writes are recorded by the `GenerationRun` instead: every patrol it
  creates, updates, cancels or restores has `last_run` set to that run, whose counts, window,
  trigger and error are kept. A patrol's history therefore reads: its hand edits (simple-history)
  plus "last written by run N".
"""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.db import models
from simple_history.models import HistoricalRecords

from calendar_rules.models import MAX_OFFICERS_PER_PATROL, MAX_VOLUNTEERS_PER_PATROL, PatrolKind
from people.models import Officer, Volunteer
from sites.models import Area, Site, latitude_validators, longitude_validators, refuse_area_change
from sites.validators import LONG_TEXT_MAX_LENGTH, multi_line_text, single_line_text

# The Celery time limits of one area's run live with the rules that tell a dead run (a pure
# module, so the settings can size the broker's visibility timeout from them).
from .run_health import RUN_SOFT_TIME_LIMIT_SECONDS, RUN_TIME_LIMIT_SECONDS

if TYPE_CHECKING:
    from .planner import PatrolPlaces

__all__ = [
    "RUN_SOFT_TIME_LIMIT_SECONDS",
    "RUN_TIME_LIMIT_SECONDS",
    "Assignment",
    "GenerationRun",
    "InvitationAnswer",
    "MissedReason",
    "Patrol",
    "PatrolKind",
    "PatrolStatus",
    "RuleGenerationState",
    "RunStatus",
    "RunTrigger",
    "SlotInvitation",
    "SlotStatus",
    "Visit",
    "VolunteerSlot",
]


class PatrolStatus(models.TextChoices):
    SCHEDULED = "scheduled", "Scheduled"
    CANCELLED = "cancelled", "Cancelled"
    COMPLETED = "completed", "Completed"
    MISSED = "missed", "Missed"


class MissedReason(models.TextChoices):
    """Why nobody attended a patrol, as an inspector records it."""

    DIVERTED = "diverted", "Diverted to a call"
    SHORT_STAFFED = "short_staffed", "Short-staffed"
    OFFICER_UNAVAILABLE = "officer_unavailable", "Officer unavailable"
    SITE_CLOSED = "site_closed", "Site closed or no access"
    NOT_RECORDED = "not_recorded", "Attended but not checked in"
    OTHER = "other", "Other"


class RunTrigger(models.TextChoices):
    NIGHTLY = "nightly", "Nightly"
    MANUAL = "manual", "Generate now"
    COMMAND = "command", "Management command"
    RULE = "rule", "Rule saved"
    SURGE = "surge", "Alert level changed"
    SETTINGS = "settings", "Area or site settings changed"


class RunStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Running"
    SUCCEEDED = "succeeded", "Succeeded"
    FAILED = "failed", "Failed"


class GenerationRun(models.Model):
    """One run of the rota generator over one area: what started it, its window, what it wrote."""

    area = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="generation_runs")
    trigger = models.CharField(max_length=10, choices=RunTrigger.choices)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Local dates of the area, both inclusive.
    window_start = models.DateField(null=True, blank=True)
    window_end = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=RunStatus.choices, default=RunStatus.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0, validators=[MaxValueValidator(100)])
    progress_message = models.CharField(max_length=200, blank=True)
    created = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    cancelled = models.PositiveIntegerField(default=0)
    restored = models.PositiveIntegerField(default=0)
    kept = models.PositiveIntegerField(default=0)
    pinned = models.PositiveIntegerField(default=0)
    # Patrols people are on (officers assigned, volunteers in slots): the generator keeps them as
    # they are even when their rule now says otherwise, so the inspector can move them by hand.
    held = models.PositiveIntegerField(default=0)
    # How many rules were planned over the whole window (new or changed) and how many only
    # extended by the days the window moved on.
    rules_replanned = models.PositiveIntegerField(default=0)
    rules_extended = models.PositiveIntegerField(default=0)
    queued_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    # Written every few seconds by the working run's own thread and connection, outside the run's
    # transaction: a running run not heard from for RUN_STALE_AFTER_SECONDS is dead (run_health).
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    # How many times the run was started: Celery retries and redeliveries run the same record.
    attempts = models.PositiveSmallIntegerField(default=0)
    finished_at = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True)
    # A run that succeeded but skipped something: the rules it could not plan, and why.
    warnings = models.TextField(blank=True)

    class Meta:
        ordering = ["-queued_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(progress__lte=100), name="generation_run_progress_max_100"),
        ]
        indexes = [
            # The runs page and API: an area's runs, newest first.
            models.Index(fields=["area", "-queued_at"], name="generation_run_area_queued"),
            # The API's keyset pages over every area (an administrator): newest first.
            models.Index(fields=["-queued_at", "-id"], name="generation_run_queued_id"),
        ]

    def __str__(self) -> str:
        return f"Run {self.pk} of {self.area} ({self.get_status_display().lower()})"

    @property
    def is_finished(self) -> bool:
        return self.status in (RunStatus.SUCCEEDED, RunStatus.FAILED)

    def is_stale(self, now) -> bool:
        """Queued or running for longer than the task's hard time limit: the worker lost it.
        (A running run whose process died is marked failed long before: see run_health.)"""
        since = self.started_at or self.queued_at
        return not self.is_finished and since is not None and (now - since).total_seconds() > RUN_TIME_LIMIT_SECONDS

    @property
    def duration(self):
        if self.started_at and self.finished_at:
            return self.finished_at - self.started_at
        return None

    @property
    def duration_seconds(self) -> float | None:
        duration = self.duration
        return None if duration is None else round(duration.total_seconds(), 3)


class Patrol(models.Model):
    """One dated patrol at one site.

    Its origin is a rule and the occurrence it came from (`rule`, `occurrence_key`), or nothing
    (a manual patrol). A patrol edited by hand is `pinned`: the generator never changes it again.
    `version` goes up on every write, by hand or by the generator, so an edit made from a stale
    copy is refused rather than silently overwriting a newer one.
    """

    area = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="patrols")
    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="patrols")
    rule = models.ForeignKey(
        "calendar_rules.PatrolRule", null=True, blank=True, on_delete=models.PROTECT, related_name="patrols"
    )
    occurrence_key = models.CharField(max_length=64, blank=True)
    # The local date of the occurrence (the day in the key); the generator's spans are in these
    # dates, so a patrol and its plan are always loaded together whatever their start times.
    occurrence_date = models.DateField(null=True, blank=True)
    kind = models.CharField(max_length=10, choices=PatrolKind.choices, default=PatrolKind.POLICE)
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    officers_required = models.PositiveSmallIntegerField(
        default=1, validators=[MaxValueValidator(MAX_OFFICERS_PER_PATROL)]
    )
    volunteers_required = models.PositiveSmallIntegerField(
        default=0, validators=[MaxValueValidator(MAX_VOLUNTEERS_PER_PATROL)]
    )
    status = models.CharField(max_length=10, choices=PatrolStatus.choices, default=PatrolStatus.SCHEDULED)
    label = models.CharField(max_length=100, blank=True)
    pinned = models.BooleanField(default=False, help_text="Edited by hand: the generator leaves it alone.")
    # Cancelled because its rule no longer plans it (rather than by a person): the generator may
    # restore it if the rule plans it again.
    cancelled_by_generator = models.BooleanField(default=False)
    cancel_reason = models.CharField(max_length=200, blank=True, validators=[single_line_text])
    # Written by the generator: the uplifts that raised this patrol's staffing ("High Holy Days:
    # +1 officer, joint with 2 CST places"), and the lower-precedence patrols it replaced at its
    # site ("Daily patrol: synagogues 08:00–09:00"). Shown on the board and in the API.
    uplift_note = models.CharField(max_length=300, blank=True)
    replaces_note = models.CharField(max_length=300, blank=True)
    # A missed patrol: why, as an inspector records it (reports list the reasons).
    missed_reason = models.CharField(max_length=20, choices=MissedReason.choices, blank=True)
    missed_note = models.CharField(max_length=200, blank=True, validators=[single_line_text])
    # A joint patrol: where and when police and CST meet, and the CST team leader's volunteer.
    briefing_point = models.CharField(max_length=200, blank=True, validators=[single_line_text])
    briefing_at = models.DateTimeField(null=True, blank=True)
    cst_team_leader = models.ForeignKey(
        Volunteer, null=True, blank=True, on_delete=models.SET_NULL, related_name="patrols_led"
    )
    version = models.PositiveIntegerField(default=1)
    # The run that last wrote this patrol: an audit pointer, not an invariant. No database
    # constraint: checking it would cost every generated row a foreign-key look-up at commit
    # (a quarter of the first generation's constraint checks) to guard a reference nobody
    # breaks — runs are never deleted, and deleting one through Django still sets this null.
    last_run = models.ForeignKey(
        GenerationRun,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="patrols_written",
        db_constraint=False,
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    # A reason is free text of a service's making ("cancelled: <the inspector's reason>", up to
    # 200 characters of it): longer than the 100 characters simple-history gives it by default.
    history = HistoricalRecords(
        excluded_fields=["last_run", "updated_at"], history_change_reason_field=models.TextField(null=True)
    )

    # Not columns: set by the selectors on the instances they hand to pages.
    local_starts: datetime  # rota_grid: the start in the area's time zone
    local_ends: datetime
    stamp: datetime  # officer_feed_patrols: when its calendar event last changed
    partners: list[VolunteerSlot]  # officer_day: the CST places, Prefetch(..., to_attr="partners")
    crew: list[Assignment]  # officer_day: the other officers' assignments
    own_visits: list[Visit]  # officer_day: the officer's own check-ins on it
    # planner_patrols (patrols.planner_selectors), the CST planner's cards:
    day: date  # the Shabbat, festival or other day it is for
    local_briefing: datetime | None
    places: list[VolunteerSlot]  # its slots, in order
    places_open: list[VolunteerSlot]
    officer_assignments: list[Assignment]
    officers: list[Officer]
    counts: PatrolPlaces
    fillable: bool  # scheduled and not started: its open places may be asked for

    class Meta:
        ordering = ["starts_at", "site_id", "id"]
        constraints = [
            # The generator's identity of a patrol: one per rule occurrence.
            models.UniqueConstraint(
                fields=["rule", "occurrence_key"],
                condition=models.Q(rule__isnull=False),
                name="patrol_one_per_rule_occurrence",
            ),
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")), name="patrol_ends_after_start"
            ),
            # One CST place row per volunteer required: an unbounded number made a rule's run
            # write hundreds of thousands of rows (calendar_rules.models has the same bounds).
            models.CheckConstraint(
                condition=models.Q(officers_required__lte=MAX_OFFICERS_PER_PATROL)
                & models.Q(volunteers_required__lte=MAX_VOLUNTEERS_PER_PATROL),
                name="patrol_staffing_max",
            ),
            models.CheckConstraint(
                condition=models.Q(rule__isnull=True)
                | (~models.Q(occurrence_key="") & models.Q(occurrence_date__isnull=False)),
                name="patrol_generated_has_occurrence",
            ),
        ]
        indexes = [
            # The rota page, the joint-patrols page and the API's date filters: an area's patrols
            # in a time window; also the generator's search for retired rules' future patrols.
            # With `id` last it is also the order of the API's keyset pages within one area, so
            # a page is read off the index without sorting the area's patrols.
            models.Index(fields=["area", "starts_at", "id"], name="patrol_area_starts_id"),
            # The API's keyset pages over every area (an administrator, an inspector of several
            # areas): WHERE starts_at >= :t ... ORDER BY starts_at, id LIMIT 51.
            models.Index(fields=["starts_at", "id"], name="patrol_starts_id"),
            # The generator's load: the stored patrols of a set of rules over a span of dates.
            models.Index(fields=["rule", "occurrence_date"], name="patrol_rule_occurrence_date"),
        ]

    def __str__(self) -> str:
        return f"{self.label or 'Patrol'} at {self.site} {self.starts_at:%Y-%m-%d %H:%M}"

    def clean(self) -> None:
        """A patrol stays in its area, which is its site's and its rule's (the generator writes
        in bulk with the area it plans for; patrols.selectors.patrols_outside_their_area finds
        any that break this)."""
        refuse_area_change(self)
        if self.site_id is not None and self.area_id is not None and self.site.area_id != self.area_id:
            raise ValidationError({"site": "The site is in another area than the patrol."}, code="other_area")
        if self.rule is not None and self.area_id is not None and self.rule.area_id != self.area_id:
            raise ValidationError({"area": "The patrol's rule is in another area."}, code="other_area")

    @property
    def is_manual(self) -> bool:
        return self.rule_id is None


class Assignment(models.Model):
    """An officer on a patrol. The service refuses an officer on two overlapping patrols."""

    patrol = models.ForeignKey(Patrol, on_delete=models.PROTECT, related_name="assignments")
    officer = models.ForeignKey(Officer, on_delete=models.PROTECT, related_name="assignments")
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # Why the inspector assigned the officer despite a warning (a long duty, a short rest), or "".
    override_reason = models.CharField(max_length=200, blank=True, validators=[single_line_text])
    history = HistoricalRecords(history_change_reason_field=models.TextField(null=True))

    class Meta:
        ordering = ["patrol__starts_at", "officer__collar_number"]
        constraints = [
            # Also the index of "an officer's assignments" (my day, the overlap check).
            models.UniqueConstraint(fields=["officer", "patrol"], name="assignment_one_per_officer_and_patrol"),
        ]

    def __str__(self) -> str:
        return f"{self.officer} on {self.patrol}"


class SlotStatus(models.TextChoices):
    OPEN = "open", "Open"
    REQUESTED = "requested", "Requested"
    CONFIRMED = "confirmed", "Confirmed"
    DECLINED = "declined", "Declined"


class VolunteerSlot(models.Model):
    """One CST place on a joint patrol; empty (open) until a coordinator fills it."""

    patrol = models.ForeignKey(Patrol, on_delete=models.PROTECT, related_name="slots")
    volunteer = models.ForeignKey(Volunteer, null=True, blank=True, on_delete=models.PROTECT, related_name="slots")
    status = models.CharField(max_length=10, choices=SlotStatus.choices, default=SlotStatus.OPEN)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    confirmed_at = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords(history_change_reason_field=models.TextField(null=True))

    class Meta:
        ordering = ["patrol_id", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status=SlotStatus.OPEN, volunteer__isnull=True)
                | (~models.Q(status=SlotStatus.OPEN) & models.Q(volunteer__isnull=False)),
                name="volunteer_slot_open_iff_empty",
            ),
            models.UniqueConstraint(
                fields=["patrol", "volunteer"],
                condition=models.Q(volunteer__isnull=False),
                name="volunteer_slot_one_per_volunteer_and_patrol",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.volunteer or 'Open slot'} on {self.patrol}"


class Visit(models.Model):
    """An officer's check-in (and later check-out) at a patrol's site."""

    patrol = models.ForeignKey(Patrol, on_delete=models.PROTECT, related_name="visits")
    officer = models.ForeignKey(Officer, on_delete=models.PROTECT, related_name="visits")
    checked_in_at = models.DateTimeField()
    checked_out_at = models.DateTimeField(null=True, blank=True)
    note = models.TextField(blank=True, max_length=LONG_TEXT_MAX_LENGTH, validators=[multi_line_text])
    latitude = models.DecimalField(
        max_digits=8, decimal_places=5, null=True, blank=True, validators=latitude_validators
    )
    longitude = models.DecimalField(
        max_digits=8, decimal_places=5, null=True, blank=True, validators=longitude_validators
    )
    # Metres from the site's point when a position was given (flagged past the area's distance).
    distance_m = models.PositiveIntegerField(null=True, blank=True)
    # Made by the phone for each check-in, so a retry (or an offline check-in sent twice) is
    # recognised and answered with the visit already made, never a second one.
    client_id = models.UUIDField(null=True, blank=True, unique=True)
    # When the server received it: a check-in made offline carries its own earlier checked_in_at.
    received_at = models.DateTimeField(auto_now_add=True, null=True)

    class Meta:
        ordering = ["checked_in_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(checked_out_at__isnull=True)
                | models.Q(checked_out_at__gte=models.F("checked_in_at")),
                name="visit_checks_out_after_in",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.officer} at {self.patrol.site} {self.checked_in_at:%Y-%m-%d %H:%M}"

    @property
    def flagged(self) -> bool:
        """Checked in farther from the site than the patrol's area allows (load patrol__area)."""
        return self.distance_m is not None and self.distance_m > self.patrol.area.check_in_flag_distance_m


class RuleGenerationState(models.Model):
    """What the generator last reconciled for one rule, so a run re-plans only what can have changed.

    `fingerprint` hashes everything the rule's plan depends on (see replanning.rule_fingerprint);
    the rule's stored patrols whose occurrence dates (`Patrol.occurrence_date`, local) lie in
    `generated_from`..`generated_until`, both inclusive, match the plan of that fingerprint. The
    README's "The rota generator" says why re-planning only beyond that span is safe.
    """

    rule = models.OneToOneField(
        "calendar_rules.PatrolRule", on_delete=models.CASCADE, related_name="generation_state", primary_key=True
    )
    fingerprint = models.CharField(max_length=64)
    generated_from = models.DateField()
    generated_until = models.DateField()
    last_run = models.ForeignKey(GenerationRun, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "rule generation state"

    def __str__(self) -> str:
        return f"Rule {self.rule_id} generated {self.generated_from}..{self.generated_until}"


class InvitationAnswer(models.TextChoices):
    ACCEPTED = "accepted", "Accepted"
    DECLINED = "declined", "Declined"


class SlotInvitation(models.Model):
    """A volunteer's personal link to answer being asked for one CST place (Accept / Decline).

    Made by `slot_fill` with the email that carries it. The secret travels only in that email;
    this row keeps its SHA-256, as an officer's calendar feed keeps its secret's. A link works
    once (`answered_at`), until the patrol starts (`expires_at`), and while the ask it answers
    still stands: it is revoked (`revoked_at`) when the place is released, declined or confirmed
    by a coordinator, or asked of someone again; and it refuses to act when the patrol is no longer
    the one the volunteer was asked for — cancelled, no longer joint, or moved in time or site
    (`starts_at`, `ends_at` and `site` as they were when asked), whatever did it (a hand edit,
    a bulk action), so no writer of patrols needs to know about links.
    """

    slot = models.ForeignKey(VolunteerSlot, on_delete=models.CASCADE, related_name="invitations")
    volunteer = models.ForeignKey(Volunteer, on_delete=models.PROTECT, related_name="invitations")
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    asked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    # The patrol as the volunteer was asked for it: a link to a moved patrol no longer answers.
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="+")
    answered_at = models.DateTimeField(null=True, blank=True)
    answer = models.CharField(max_length=10, choices=InvitationAnswer.choices, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_reason = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(answered_at__isnull=True, answer="")
                | (models.Q(answered_at__isnull=False) & ~models.Q(answer="")),
                name="slot_invitation_answered_iff_answer",
            ),
        ]
        indexes = [
            # The joint patrol page: each place's latest ask (WHERE slot_id IN (...) ORDER BY
            # slot_id, created_at DESC); also revoking a place's standing links.
            models.Index(fields=["slot", "-created_at"], name="slot_invitation_slot_created"),
        ]

    def __str__(self) -> str:
        return f"Link for {self.volunteer_id} on place {self.slot_id}"

    @property
    def is_open(self) -> bool:
        """Neither answered nor revoked (it may still have expired, or its patrol changed)."""
        return self.answered_at is None and self.revoked_at is None
