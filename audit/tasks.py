"""Celery tasks of the audit record: thin wrappers around audit.services."""

from celery import shared_task

from . import services


@shared_task(acks_late=True)
def purge_patrol_view_records() -> int:
    """Celery beat's nightly entry: delete records older than AUDIT_RETENTION_DAYS."""
    return services.patrol_view_records_purge()
