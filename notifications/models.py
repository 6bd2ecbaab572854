"""The outbox: every message to a person is a row, written in the transaction of the change that
causes it, and sent after commit by `notifications.services.notifications_send_due`.

A row names its recipient (a user, or a CST volunteer, who has no login), what it is about, and a
key for the event that caused it: the same event for the same recipient is never queued twice.
Its audience says whether the rules of Shabbat apply: messages to CST volunteers and coordinators
are held from candle-lighting to havdalah; messages to police are not.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models

from people.models import Volunteer
from sites.models import Area


class NotificationKind(models.TextChoices):
    """What a message says."""

    MISSED_PATROL = "missed_patrol", "Missed patrol"
    # To a CST volunteer: asked for a place (with Accept/Decline links), their availability link.
    SLOT_ASKED = "slot_asked", "Volunteer asked for a place"
    AVAILABILITY_LINK = "availability_link", "Volunteer availability link"
    # To the area's CST coordinators: a volunteer answered from their link.
    SLOT_ANSWERED = "slot_answered", "Volunteer answered"
    # To the area's coordinators and inspectors: joint patrols still short of volunteers.
    ESCALATION_DIGEST = "escalation_digest", "Unfilled CST places"
    # To an officer (each a setting on their profile).
    OFFICER_ASSIGNED = "officer_assigned", "Put on a patrol"
    OFFICER_UNASSIGNED = "officer_unassigned", "Taken off a patrol"
    PATROL_MOVED = "patrol_moved", "Patrol moved"
    PATROL_CANCELLED = "patrol_cancelled", "Patrol cancelled"
    DUTY_REMINDER = "duty_reminder", "Duty reminder"


class NotificationStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    HELD = "held", "Held for Shabbat"
    SENT = "sent", "Sent"
    FAILED = "failed", "Failed"


class Audience(models.TextChoices):
    """Whose rules a message keeps: police messages go at once; CST messages (to volunteers and
    coordinators) wait over Shabbat and festivals. Coordinators see only CST messages in the
    outbox (police ones carry patrol times, DESIGN.md §6)."""

    POLICE = "police", "Police"
    CST = "cst", "CST"


class Notification(models.Model):
    kind = models.CharField(max_length=40, choices=NotificationKind.choices)
    # The event that caused it, e.g. "missed:123": with the recipient, unique (nothing twice).
    event_key = models.CharField(max_length=200)
    to_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="notifications"
    )
    to_volunteer = models.ForeignKey(
        Volunteer, null=True, blank=True, on_delete=models.CASCADE, related_name="notifications"
    )
    audience = models.CharField(max_length=10, choices=Audience.choices)
    # The address it went to, taken at send time (an address changed meanwhile is used).
    to_email = models.EmailField(blank=True)
    # What it is about (a patrol, a CST place, ...): any model, by content type and id.
    about_type = models.ForeignKey(ContentType, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    about_id = models.PositiveBigIntegerField(null=True, blank=True)
    about = GenericForeignKey("about_type", "about_id")
    area = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="notifications")
    subject = models.CharField(max_length=200)
    body = models.TextField()
    status = models.CharField(max_length=10, choices=NotificationStatus.choices, default=NotificationStatus.PENDING)
    # Not to be sent before: havdalah for a held message, the next try for one that failed.
    not_before = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(to_user__isnull=False, to_volunteer__isnull=True)
                | models.Q(to_user__isnull=True, to_volunteer__isnull=False),
                name="notification_one_recipient",
            ),
            # Nothing twice: one row per event and recipient (a re-run, a second worker, a retried
            # request all meet this and queue nothing).
            models.UniqueConstraint(
                fields=["event_key", "to_user"],
                condition=models.Q(to_user__isnull=False),
                name="notification_once_per_event_and_user",
            ),
            models.UniqueConstraint(
                fields=["event_key", "to_volunteer"],
                condition=models.Q(to_volunteer__isnull=False),
                name="notification_once_per_event_and_volunteer",
            ),
        ]
        indexes = [
            # The sender's scan: WHERE status IN ('pending', 'held') AND (not_before IS NULL OR
            # not_before <= now) ORDER BY created_at, id ... FOR UPDATE SKIP LOCKED; small, as
            # only unsent rows are in it.
            models.Index(
                fields=["created_at", "id"],
                condition=models.Q(status__in=["pending", "held"]),
                name="notification_unsent",
            ),
            # The outbox page and API: an area's messages, newest first (keyset on id).
            models.Index(fields=["area", "-id"], name="notification_area_id"),
            # The messages about one object (a patrol's page).
            models.Index(fields=["about_type", "about_id"], name="notification_about"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} to {self.recipient_label} ({self.status})"

    @property
    def recipient_label(self) -> str:
        if self.to_volunteer_id is not None:
            return str(self.to_volunteer)
        return str(self.to_user)
