"""The outbox's Celery task: a thin wrapper of `services.notifications_send_due`. Celery beat runs
it every minute ("Send notifications", editable in the admin), and each queued message enqueues
it once its transaction commits. Safe to run in several workers at once (rows are taken with
SKIP LOCKED) and to run again."""

from __future__ import annotations

from celery import shared_task

from .services import notifications_send_due


@shared_task(acks_late=True, ignore_result=True, soft_time_limit=240, time_limit=300)
def send_notifications() -> int:
    return notifications_send_due().sent
