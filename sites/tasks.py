"""Celery tasks of areas: thin wrappers over the services."""

from celery import shared_task

from .surges import surges_expire


@shared_task(acks_late=True)
def expire_surges() -> int:
    """Close the surges whose end has passed (each queues a run of its area). Run every few
    minutes by beat; safe to run twice."""
    return len(surges_expire())
