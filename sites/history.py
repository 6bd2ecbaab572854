"""Saving a domain object with its history record (django-simple-history) naming who and why."""


def save_with_history(instance, *, by, reason: str) -> None:
    """Validate fully, then save; the history row records `by` and `reason`."""
    instance.full_clean()
    instance._history_user = by
    instance._change_reason = reason
    instance.save()
