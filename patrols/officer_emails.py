"""What the emails to officers say: put on or taken off a patrol, the patrol moved, cancelled or
back on the rota, and the reminder the evening before a duty. Pure: no Django, no clock.

An officer's email says what their calendar feed says (patrols/calendar_feed.py) and no more:
the day and the times, the site's name only where the area lets the feed show it
(Area.feed_shows_site_name), and a link to My day, where the rest is behind the sign-in — never
the site's address or notes, the patrol's label, nor who else is on it. Mail is forwarded and kept
on phones; what stays in Shomer cannot leak from an inbox. An officer who is, in the patrol's area,
only a CST coordinator (their officer role taken away since) gets the day only, as every CST
message does (`detailed=False`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

SIGN_OFF = "You can turn these emails off on your profile page in Shomer."


@dataclass(frozen=True, slots=True)
class Duty:
    """One patrol as an officer's email shows it: local start and end (in the area's zone), and
    the site's name or "" where it stays out of email."""

    starts: datetime
    ends: datetime
    site_name: str = ""


def day_text(day: date) -> str:
    """'Saturday 16 January 2027'."""
    return f"{day:%A} {day.day} {day:%B %Y}"


def duty_text(duty: Duty, *, detailed: bool = True) -> str:
    """'Saturday 16 January 2027, 09:00–12:00 at Beth Test Synagogue' (no site when its name is
    kept out; the day alone when not `detailed`). A patrol past midnight names its end's day."""
    text = day_text(duty.starts.date())
    if not detailed:
        return text
    ends = f"{duty.ends:%H:%M}"
    if duty.ends.date() != duty.starts.date():
        ends = f"{ends} on {duty.ends:%A} {duty.ends.day} {duty.ends:%B}"
    text = f"{text}, {duty.starts:%H:%M}–{ends}"
    return f"{text} at {duty.site_name}" if duty.site_name else text


def _body(*lines: str, link: str) -> str:
    return "\n\n".join((*lines, f"Details on My day, after signing in:\n{link}", SIGN_OFF)) + "\n"


def assigned_email(duty: Duty, *, link: str, detailed: bool = True) -> tuple[str, str]:
    subject = f"Shomer: you are on a patrol on {day_text(duty.starts.date())}"
    return subject, _body(f"You have been put on a patrol: {duty_text(duty, detailed=detailed)}.", link=link)


def unassigned_email(duty: Duty, *, link: str, detailed: bool = True) -> tuple[str, str]:
    subject = f"Shomer: you are off a patrol on {day_text(duty.starts.date())}"
    return subject, _body(f"You have been taken off a patrol: {duty_text(duty, detailed=detailed)}.", link=link)


def moved_email(before: Duty, after: Duty, *, link: str, detailed: bool = True) -> tuple[str, str]:
    subject = f"Shomer: your patrol on {day_text(before.starts.date())} has moved"
    return subject, _body(
        f"Your patrol on {duty_text(before, detailed=detailed)} has moved.",
        f"It is now on {duty_text(after, detailed=detailed)}.",
        link=link,
    )


def cancelled_email(duty: Duty, *, link: str, detailed: bool = True) -> tuple[str, str]:
    subject = f"Shomer: your patrol on {day_text(duty.starts.date())} is cancelled"
    return subject, _body(
        f"Your patrol on {duty_text(duty, detailed=detailed)} has been cancelled: you are not needed for it.",
        link=link,
    )


def restored_email(duty: Duty, *, link: str, detailed: bool = True) -> tuple[str, str]:
    subject = f"Shomer: your patrol on {day_text(duty.starts.date())} is back on"
    return subject, _body(
        f"Your patrol on {duty_text(duty, detailed=detailed)}, cancelled earlier, is back on the rota, "
        "and you are on it.",
        link=link,
    )


def reminder_email(day: date, duties: Sequence[Duty], *, link: str, detailed: bool = True) -> tuple[str, str]:
    """The evening before: every patrol of the officer's on `day`, in time order."""
    count = len(duties)
    subject = f"Shomer: your duty tomorrow, {day_text(day)}"
    if detailed:
        listed = "\n".join(f"- {duty_text(duty)}" for duty in duties)
        said = f"Tomorrow you are on {count} patrol{'' if count == 1 else 's'}:\n{listed}"
    else:
        said = f"Tomorrow, {day_text(day)}, you are on {count} patrol{'' if count == 1 else 's'}."
    return subject, _body(said, link=link)
