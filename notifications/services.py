"""The outbox's writers: queue a message in the caller's transaction, and send what is due.

Delivery is **at least once**, made as near to exactly once as a mail server allows:

- a row is queued once per event and recipient (a unique key; a duplicate is ignored);
- the sender takes each due row with SELECT … FOR UPDATE SKIP LOCKED in a transaction of its own,
  sends it, marks it sent and commits: two senders never take the same row, and a sent row is
  never taken again;
- the one window left is a crash (or a lost database connection) after the mail server accepted
  the message and before the commit: the row is then still pending and is sent again. We chose
  that over at-most-once (marking "sending" and committing before the SMTP call), which loses the
  message in the same window: a missed-patrol alert or a volunteer's place is worth a rare
  duplicate, never a silent loss. Each message carries a Message-ID made from its row
  (`<notification-<id>@…>`), so a resend is recognisable as the same message by mail systems
  that de-duplicate, and by a reader.

Messages to CST volunteers and coordinators are held from candle-lighting to havdalah in the
area's time zone (notifications/quiet_hours.py) — checked when queued and again when sent, so a
retry falling inside Shabbat waits too — and go after havdalah in the order they were queued.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.mail import EmailMessage
from django.db import IntegrityError, models, transaction
from django.db.models import Q
from django.utils import timezone

from people.models import Volunteer
from sites.models import Area

from .models import Audience, Notification, NotificationStatus
from .selectors import area_quiet_until, user_audience

if TYPE_CHECKING:
    from django.contrib.auth.models import User

logger = logging.getLogger(__name__)

# Rows one sender run takes at most (the beat runs it every minute; more workers, more runs).
SEND_BATCH = 100
RETRY_CAP_SECONDS = 3600


def retry_delay_seconds(attempts: int, *, base_seconds: int, cap_seconds: int = RETRY_CAP_SECONDS) -> int:
    """How long to wait before trying a failed send again: `base_seconds` after the first failure,
    doubling with each further one, at most `cap_seconds`."""
    return int(min(cap_seconds, base_seconds * 2 ** max(0, attempts - 1)))


def notification_queue(
    *,
    kind: str,
    event_key: str,
    subject: str,
    body: str,
    area: Area,
    to_user: User | None = None,
    to_volunteer: Volunteer | None = None,
    about: models.Model | None = None,
) -> Notification | None:
    """Queue one message in the caller's transaction; the sender sends it after commit.

    Exactly one recipient. The same `event_key` for the same recipient is queued once: a second
    call returns None and changes nothing. Held (status HELD, `not_before` havdalah) when the
    recipient is a volunteer or a CST coordinator and the area is in Shabbat or a festival."""
    if (to_user is None) == (to_volunteer is None):
        raise ValueError("a notification has exactly one recipient: to_user or to_volunteer")
    recipient = Q(to_user=to_user) if to_user is not None else Q(to_volunteer=to_volunteer)
    if Notification.objects.filter(recipient, event_key=event_key).exists():
        return None
    audience = Audience.CST if to_volunteer is not None else user_audience(to_user, area)  # type: ignore[arg-type]
    now = timezone.now()
    held_until = area_quiet_until(area, now) if audience == Audience.CST else None
    notification = Notification(
        kind=kind,
        event_key=event_key,
        to_user=to_user,
        to_volunteer=to_volunteer,
        audience=audience,
        area=area,
        subject=subject[:200],
        body=body,
        status=NotificationStatus.HELD if held_until else NotificationStatus.PENDING,
        not_before=held_until,
    )
    if about is not None:
        notification.about_type = ContentType.objects.get_for_model(about)
        notification.about_id = about.pk
    try:
        # A savepoint: a concurrent caller that queued the same event first makes this insert
        # fail without spoiling the caller's transaction.
        with transaction.atomic():
            notification.save()
    except IntegrityError:
        return None
    transaction.on_commit(_send_soon)
    return notification


def _send_soon() -> None:
    """After the commit: ask a worker to send now rather than at the next beat. A broker that is
    down loses nothing (the row waits for the every-minute beat run), so it is only logged."""
    from .tasks import send_notifications

    try:
        send_notifications.delay()
    except Exception:  # the broker's errors vary by transport
        logger.warning("Could not enqueue the outbox sender; the beat run will send.", exc_info=True)


@dataclass(frozen=True)
class SendCounts:
    sent: int = 0
    held: int = 0
    retried: int = 0
    failed: int = 0


def _due(now: datetime) -> Q:
    return Q(status__in=(NotificationStatus.PENDING, NotificationStatus.HELD)) & (
        Q(not_before__isnull=True) | Q(not_before__lte=now)
    )


def _address(notification: Notification) -> tuple[str, str]:
    """(address, why there is none): the recipient's email as it is now."""
    if notification.to_volunteer is not None:
        volunteer = notification.to_volunteer
        if not volunteer.active:
            return "", "The volunteer is no longer active."
        return volunteer.email, "The volunteer has no email address."
    user = notification.to_user
    if user is None or not user.is_active:
        return "", "The user's account is deactivated."
    return user.email, "The user has no email address."


def _message(notification: Notification, address: str) -> EmailMessage:
    domain = settings.DEFAULT_FROM_EMAIL.rsplit("@", 1)[-1].strip(" >") or "shomer"
    return EmailMessage(
        subject=notification.subject,
        body=notification.body,
        to=[address],
        headers={"Message-ID": f"<notification-{notification.pk}@{domain}>"},
    )


def _send_one(now: datetime) -> str | None:
    """Take the oldest due row no other sender holds, and send, hold, retry or fail it; None when
    nothing is due. One transaction per row, so each outcome is committed on its own."""
    with transaction.atomic():
        notification = (
            Notification.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("to_user", "to_volunteer", "area")
            .filter(_due(now))
            .order_by("created_at", "id")
            .first()
        )
        if notification is None:
            return None
        if notification.audience == Audience.CST:
            quiet_until = area_quiet_until(notification.area, now)
            if quiet_until is not None:
                notification.status = NotificationStatus.HELD
                notification.not_before = quiet_until
                notification.save(update_fields=["status", "not_before"])
                return "held"
        address, missing = _address(notification)
        if not address:
            notification.status = NotificationStatus.FAILED
            notification.last_error = missing
            notification.save(update_fields=["status", "last_error"])
            return "failed"
        notification.to_email = address
        notification.attempts += 1
        try:
            _message(notification, address).send()
        except Exception as error:  # SMTP, socket and TLS errors all mean "try again later"
            notification.last_error = f"{type(error).__name__}: {error}"[:2000]
            if notification.attempts >= settings.NOTIFICATION_MAX_ATTEMPTS:
                notification.status = NotificationStatus.FAILED
                outcome = "failed"
            else:
                notification.status = NotificationStatus.PENDING
                delay = retry_delay_seconds(notification.attempts, base_seconds=settings.NOTIFICATION_RETRY_SECONDS)
                notification.not_before = now + timedelta(seconds=delay)
                outcome = "retried"
            notification.save(update_fields=["status", "not_before", "attempts", "last_error", "to_email"])
            logger.warning("Notification %s not sent (%s): %s", notification.pk, outcome, notification.last_error)
            return outcome
        notification.status = NotificationStatus.SENT
        notification.sent_at = timezone.now()
        notification.not_before = None
        notification.save(update_fields=["status", "sent_at", "not_before", "attempts", "to_email"])
        return "sent"


def notifications_send_due(*, now: datetime | None = None, limit: int = SEND_BATCH) -> SendCounts:
    """Send up to `limit` due messages, oldest first: pending ones, held ones whose havdalah has
    passed, failed sends whose retry time has come. Safe to run in many workers at once."""
    counts = {"sent": 0, "held": 0, "retried": 0, "failed": 0}
    for _ in range(limit):
        outcome = _send_one(now or timezone.now())
        if outcome is None:
            break
        counts[outcome] += 1
    return SendCounts(**counts)
