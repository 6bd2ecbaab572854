"""Saving a domain object with its history record (django-simple-history) naming who and why."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypeAlias

from django.contrib.auth.models import User

if TYPE_CHECKING:
    from django.contrib.auth.base_user import AbstractBaseUser
    from django.contrib.auth.models import AnonymousUser
    from django.db.models import Model

    # Who made a change: a request's user (pages and the API reach services only once logged in),
    # or None for the system (the generator, demo data).
    Editor: TypeAlias = AbstractBaseUser | AnonymousUser | None


def save_with_history(instance: Model, *, by: Editor, reason: str) -> None:
    """Validate fully, then save; the history row records `by` and `reason`."""
    instance.full_clean()
    # simple-history reads these attributes when it writes the record.
    history: Any = instance
    history._history_user = by
    history._change_reason = reason
    instance.save()


def delete_with_history(instance: Model, *, by: Editor, reason: str) -> None:
    """Delete; the history row of the deletion records `by` and `reason`."""
    history: Any = instance
    history._history_user = by
    history._change_reason = reason
    instance.delete()


def editor_user(by: Editor) -> User | None:
    """The account a `..._by` column records for `by`: None for the system. Services are called
    with a logged-in user (pages and the API ask for a login first), never an anonymous one."""
    if by is None or isinstance(by, User):
        return by
    raise TypeError(f"not a user account: {by!r}")
