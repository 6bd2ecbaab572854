"""A volunteer's availability from their personal link: the email that carries the link, the
days the link's page offers, and saving what the volunteer ticked.

The link is sent from the volunteer's page by a coordinator (AVAILABILITY_LINK, to the
volunteer: a CST message, so held over Shabbat). The page lists the area's coming Shabbatot and
festival days (the days joint patrols are for) over AVAILABILITY_WEEKS, and any other date the
volunteer marked; they tick the ones they cannot do, and may add one other date at a time.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from calendar_rules import jewish_calendar
from calendar_rules.dates import parse_date_param
from notifications.models import NotificationKind
from notifications.services import notification_queue
from people import services as people_services
from people.models import Volunteer, VolunteerUnavailability

from .. import availability_links

if TYPE_CHECKING:
    from sites.history import Editor

# How far ahead the availability page lists Shabbatot and festival days.
AVAILABILITY_WEEKS = 12


def availability_email(*, volunteer: Volunteer, token: str) -> tuple[str, str]:
    link = settings.SITE_URL + reverse("links:availability", args=[token])
    subject = "Your CST availability: mark the days you cannot patrol"
    body = (
        f"Dear {volunteer.name},\n\n"
        f"The CST coordinators of {volunteer.area.name} plan the coming Shabbatot and festivals. "
        "Please mark the days you cannot patrol, so that you are not asked for them:\n\n"
        f"{link}\n\n"
        f"The link is yours alone: please do not forward this email. It works for "
        f"{availability_links.MAX_AGE_DAYS} days; come back to it whenever your plans change.\n"
    )
    return subject, body


@transaction.atomic
def availability_link_send(*, volunteer: Volunteer, by: Editor) -> str:
    """Email the volunteer their availability link (a new one each time; earlier ones still work
    until they expire or are withdrawn). Returns the link's token. Refused for a volunteer who is
    not active or has no email address."""
    if not volunteer.active:
        raise ValidationError(f"{volunteer.call_sign} is not active.", code="inactive")
    if not volunteer.email:
        raise ValidationError(f"{volunteer.call_sign} has no email address: add one first.", code="no_email")
    token = availability_links.make_token(volunteer_id=volunteer.pk, links_version=volunteer.links_version)
    subject, body = availability_email(volunteer=volunteer, token=token)
    now = timezone.now()
    notification_queue(
        kind=NotificationKind.AVAILABILITY_LINK,
        # A new event each time it is sent (a second press sends a second email, as asked).
        event_key=f"availability_link:{volunteer.pk}:{now.isoformat()}",
        subject=subject,
        body=body,
        area=volunteer.area,
        to_volunteer=volunteer,
        about=volunteer,
    )
    return token


@dataclass(frozen=True)
class AvailabilityDay:
    day: date
    names: tuple[str, ...]  # "Shabbat", "Pesach I", ... ("" for another date the volunteer marked)
    unavailable: bool


def availability_days(*, volunteer: Volunteer, now: datetime, weeks: int = AVAILABILITY_WEEKS) -> list[AvailabilityDay]:
    """The coming Shabbatot and festival days (work forbidden) in the volunteer's area from today
    (local) for `weeks`, and every later date they marked, in date order. Two queries."""
    today = volunteer.area.today(now)
    last = today + timedelta(weeks=weeks)
    names: dict[date, list[str]] = {}
    for observance in jewish_calendar.observances_between(today, last):
        if observance.work_forbidden:
            names.setdefault(observance.date, []).append(observance.name)
    marked = set(
        VolunteerUnavailability.objects.filter(volunteer=volunteer, on_date__gte=today).values_list(
            "on_date", flat=True
        )
    )
    return [
        AvailabilityDay(day=day, names=tuple(names.get(day, ())), unavailable=day in marked)
        for day in sorted(set(names) | marked)
    ]


def _dates(values: list[str], *, name: str) -> set[date]:
    """The ISO dates among `values` (anything else is ignored)."""
    days: set[date] = set()
    for value in values:
        try:
            days.add(parse_date_param(value, name=name))
        except ValueError:
            continue
    return days


@transaction.atomic
def availability_save(
    *, volunteer: Volunteer, unavailable: list[str], shown: list[str], other_date: str, now: datetime
) -> None:
    """Save the availability page: `shown` (ISO dates) are the days the page showed when it was
    opened (posted back as hidden fields), `unavailable` those of them ticked. Of the days the page
    shows now, those ticked are marked; those shown and not ticked are unmarked; `other_date` (ISO,
    optional) is marked too. Past dates and dates the page did not show are never unmarked — a date
    marked after the page was opened (by a coordinator, from another tab) is not on the form — so
    an old form cannot unmark what it never showed. Refused (nothing saved): an `other_date` that
    is not a date, or is in the past."""
    listed = {entry.day for entry in availability_days(volunteer=volunteer, now=now)}
    ticked = _dates(unavailable, name="unavailable") & listed
    offered = _dates(shown, name="shown") & listed
    if other_date.strip():
        try:
            extra = parse_date_param(other_date.strip(), name="other_date")
        except ValueError:
            raise ValidationError("Give the other date as a date.", code="invalid") from None
        if extra < volunteer.area.today(now):
            raise ValidationError("The other date has passed.", code="past")
        ticked.add(extra)
    for day in sorted(offered - ticked):
        people_services.volunteer_unavailability_remove(volunteer=volunteer, on_date=day, by=None)
    for day in sorted(ticked):
        people_services.volunteer_unavailability_add(volunteer=volunteer, on_date=day, by=None)
