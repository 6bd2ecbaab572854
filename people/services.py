"""The only writers of officers and volunteers."""

from __future__ import annotations

import hashlib
import secrets
from datetime import date
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from calendar_rules.dates import RULE_FIRST_DAY, RULE_LAST_DAY
from sites.history import delete_with_history, editor_user, save_with_history

from .models import Absence, Officer, Volunteer, VolunteerUnavailability
from .signals import volunteer_links_withdrawn

if TYPE_CHECKING:
    from sites.history import Editor


@transaction.atomic
def volunteer_create(*, by: Editor, **fields: Any) -> Volunteer:
    volunteer = Volunteer(**fields)
    save_with_history(volunteer, by=by, reason="created")
    return volunteer


@transaction.atomic
def volunteer_save(volunteer: Volunteer, *, by: Editor, reason: str) -> None:
    """Save a volunteer (new or edited). When their email address changed or
    they were deactivated, every link sent to them so far is withdrawn with the save: a link in
    a mailbox they no longer hold, or of someone no longer on the roster, must not show a patrol's
    time and site nor answer for them (nor come back to life when they are reactivated). Compared
    with the stored row, locked, since a form may already have changed the instance."""
    stored = (
        Volunteer.objects.select_for_update().filter(pk=volunteer.pk).values("email", "active").first()
        if volunteer.pk
        else None
    )
    withdraw = stored is not None and (
        stored["email"] != volunteer.email or (stored["active"] and not volunteer.active)
    )
    if withdraw:
        # The history row shows the raised links_version.
        _links_withdraw(volunteer, by=by, reason=reason)
    else:
        save_with_history(volunteer, by=by, reason=reason)


def _links_withdraw(volunteer: Volunteer, *, by: Editor, reason: str) -> None:
    # The stored version (the row is locked by the callers), so two withdrawals both count.
    stored = Volunteer.objects.select_for_update().values_list("links_version", flat=True).get(pk=volunteer.pk)
    volunteer.links_version = stored + 1
    save_with_history(volunteer, by=by, reason=reason)
    volunteer_links_withdrawn.send(sender=Volunteer, volunteer=volunteer)


@transaction.atomic
def volunteer_update(*, volunteer: Volunteer, by: Editor, **fields: Any) -> Volunteer:
    """Edit a volunteer; a new email address or `active: False` withdraws their links (volunteer_save)."""
    for name, value in fields.items():
        setattr(volunteer, name, value)
    volunteer_save(volunteer, by=by, reason="edited")
    return volunteer


@transaction.atomic
def volunteer_set_active(*, volunteer: Volunteer, by: Editor, active: bool) -> Volunteer:
    """Deactivate rather than delete: slots on past patrols keep naming the volunteer.
    Deactivating withdraws every link sent to them so far (volunteer_save)."""
    volunteer.active = active
    volunteer_save(volunteer, by=by, reason="reactivated" if active else "deactivated")
    return volunteer


def _refuse_overlapping_absence(absence: Absence) -> None:
    """One absence per officer per day: a second one over the same days is a mistake (entered
    twice, or the first should be edited). The officer's row is locked first, as
    patrols.services.assignment_create locks it, so an assignment and an absence of one officer
    are checked one after the other, never both against the state before the other."""
    Officer.objects.select_for_update().filter(pk=absence.officer_id).first()
    error = overlapping_absence_error(absence)
    if error is not None:
        raise error


def overlapping_absence_error(absence: Absence) -> ValidationError | None:
    """The refusal of `absence` (saved or not) when its officer has another over any of its days."""
    other = (
        Absence.objects.filter(
            officer_id=absence.officer_id, starts_on__lte=absence.ends_on, ends_on__gte=absence.starts_on
        )
        .exclude(pk=absence.pk)
        .order_by("starts_on")
        .first()
    )
    if other is None:
        return None
    return ValidationError(
        f"{absence.officer} already has an absence over these days: {other.summary}. Edit that one instead.",
        code="overlap",
    )


@transaction.atomic
def absence_create(
    *, officer: Officer, kind: str, starts_on: date, ends_on: date, note: str = "", by: Editor
) -> Absence:
    """Record an officer's leave, training, sickness or other absence (dates inclusive).
    Refused: the last day before the first, dates outside the calendar's span, a note of more
    than one line or 200 characters, and days the officer already has an absence on. It does not
    take the officer off patrols already assigned: patrols.selectors.patrols_clashing_with_absence
    lists them for the inspector to re-staff."""
    absence = Absence(
        officer=officer,
        kind=kind,
        starts_on=starts_on,
        ends_on=ends_on,
        note=note.strip(),
        created_by=editor_user(by),
    )
    absence.full_clean()
    _refuse_overlapping_absence(absence)
    save_with_history(absence, by=by, reason="recorded")
    return absence


@transaction.atomic
def absence_update(*, absence: Absence, by: Editor, **fields: Any) -> Absence:
    """Change an absence's kind, dates or note (Absence.EDITABLE_FIELDS); the same refusals as
    absence_create. A refused edit leaves both the row and `absence` as they were."""
    unknown = set(fields) - set(Absence.EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"Not editable here: {', '.join(sorted(unknown))}.")
    current = Absence.objects.get(pk=absence.pk)
    for name, value in fields.items():
        setattr(current, name, value.strip() if name == "note" and isinstance(value, str) else value)
    current.full_clean()
    _refuse_overlapping_absence(current)
    changed = ", ".join(name for name in Absence.EDITABLE_FIELDS if name in fields)
    save_with_history(current, by=by, reason=f"edited: {changed}" if changed else "edited")
    for field_ in Absence._meta.concrete_fields:
        setattr(absence, field_.attname, getattr(current, field_.attname))
    return absence


@transaction.atomic
def absence_delete(*, absence: Absence, by: Editor) -> None:
    """Remove an absence (entered in error, or leave cancelled); its history stays."""
    delete_with_history(absence, by=by, reason="removed")


# ---- the officer's calendar feed -----------------------------------------------------------------

# 32 random bytes (256 bits) in URL-safe base64: 43 characters. Guessing one is hopeless, however
# fast the guesses come, so the feed needs no rate limit of its own.
CALENDAR_TOKEN_BYTES = 32


def calendar_token_hash(token: str) -> str:
    """What the feed looks an officer up by: the SHA-256 of their secret, in hex."""
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def officer_calendar_feed_replace(*, officer: Officer, by: Editor) -> str:
    """Give `officer` a new calendar feed secret (the first, or one replacing the last: the old
    link answers 404 from now on). Returns the new secret. The history records that it was
    replaced, and by whom, but never the secret."""
    token = secrets.token_urlsafe(CALENDAR_TOKEN_BYTES)
    officer.calendar_token = token
    officer.calendar_token_hash = calendar_token_hash(token)
    save_with_history(officer, by=by, reason="calendar feed link replaced")
    return token


# ---- the officer's email settings ----------------------------------------------------------------


@transaction.atomic
def officer_email_settings_update(
    *, officer: Officer, by: Editor, notify_patrol_changes: bool, notify_evening_reminder: bool
) -> Officer:
    """Turn the officer's emails on or off: about their patrols changing (put on, taken off,
    moved, cancelled) and the reminder the evening before a duty. Recorded in the history with
    what they now are; saving the same values again records nothing."""
    if (officer.notify_patrol_changes, officer.notify_evening_reminder) == (
        notify_patrol_changes,
        notify_evening_reminder,
    ):
        return officer
    officer.notify_patrol_changes = notify_patrol_changes
    officer.notify_evening_reminder = notify_evening_reminder
    said = ", ".join(
        f"{name} {'on' if value else 'off'}"
        for name, value in (("patrol changes", notify_patrol_changes), ("evening reminder", notify_evening_reminder))
    )
    save_with_history(officer, by=by, reason=f"emails: {said}")
    return officer


# ---- volunteers' unavailable dates ---------------------------------------------------------------


@transaction.atomic
def volunteer_unavailability_add(
    *, volunteer: Volunteer, on_date: date, note: str = "", by: Editor
) -> VolunteerUnavailability:
    """Mark a local date the volunteer cannot patrol (from their availability link, or a
    coordinator for them). Marking a date already marked changes nothing and returns that mark
    (two marks of one date racing each other meet the unique constraint: one row). Asking them
    for a place on a patrol that day is refused (patrols.services.slot_fill). Refused: a date
    outside the calendar's years, a note of more than one line or 200 characters."""
    if not RULE_FIRST_DAY <= on_date <= RULE_LAST_DAY:
        raise ValidationError({"on_date": "Give a date within the calendar's years."}, code="out_of_range")
    row = VolunteerUnavailability(volunteer=volunteer, on_date=on_date, note=note.strip())
    row.full_clean(exclude=["volunteer", "on_date"])
    try:
        with transaction.atomic():
            row.save()
    except IntegrityError:
        return VolunteerUnavailability.objects.get(volunteer=volunteer, on_date=on_date)
    return row


@transaction.atomic
def volunteer_unavailability_remove(*, volunteer: Volunteer, on_date: date, by: Editor) -> bool:
    """Unmark a date; True when it was marked."""
    deleted, _ = VolunteerUnavailability.objects.filter(volunteer=volunteer, on_date=on_date).delete()
    return bool(deleted)


@transaction.atomic
def volunteer_availability_links_revoke(*, volunteer: Volunteer, by: Editor) -> Volunteer:
    """Withdraw every link sent to the volunteer so far: their availability links (links carry
    the version) and, through `volunteer_links_withdrawn`, their unanswered Accept / Decline links."""
    _links_withdraw(volunteer, by=by, reason="links sent so far withdrawn")
    return volunteer
