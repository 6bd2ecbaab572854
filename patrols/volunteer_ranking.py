"""Who to ask for a CST place, in order. Pure: no Django, no clock.

The volunteers of the patrol's area, ranked for the coordinator's ask dialog:

1. those who can be asked before those who cannot — a volunteer who marked the day unavailable,
   is on an overlapping patrol, or whose CST card runs out before the patrol is shown, marked
   with why, at the end (asking them would be refused);
2. among each, those whose home site is the patrol's site first: volunteers usually guard their
   own synagogue;
3. then fewest confirmed duties in the last DUTY_WEEKS weeks, so the same few are not asked every
   week;
4. then call sign, so the order is stable.

Askable first, then home site (rather than home site above all) because a coordinator reads the
top of the list as "ask these": an unavailable volunteer of the site at the top would be one
refusal before every ask.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

__all__ = ["DUTY_WEEKS", "RankedVolunteer", "VolunteerCandidate", "rank_volunteers"]

DUTY_WEEKS = 8


@dataclass(frozen=True, slots=True)
class VolunteerCandidate:
    """One volunteer as the ranking sees them. `problem` is why they cannot be asked ("Unavailable
    Sat 5 Dec", "On a patrol at X 10:00–12:00", "CST card expires 3 Jan"), or ""."""

    volunteer_id: int
    call_sign: str
    home_here: bool
    recent_duties: int
    problem: str = ""


@dataclass(frozen=True, slots=True)
class RankedVolunteer:
    volunteer_id: int
    askable: bool
    home_here: bool
    recent_duties: int
    reason: str


def _duties(count: int) -> str:
    return f"{count} {'duty' if count == 1 else 'duties'} in the last {DUTY_WEEKS} weeks"


def _reason(candidate: VolunteerCandidate) -> str:
    if candidate.problem:
        return candidate.problem
    parts = ["Home site"] if candidate.home_here else []
    parts.append(_duties(candidate.recent_duties))
    return " · ".join(parts)


def rank_volunteers(candidates: Iterable[VolunteerCandidate]) -> list[RankedVolunteer]:
    """The candidates in the order to offer them, each with whether they can be asked and why."""

    def order(candidate: VolunteerCandidate) -> tuple[bool, bool, int, str, int]:
        return (
            bool(candidate.problem),
            not candidate.home_here,
            candidate.recent_duties,
            candidate.call_sign,
            candidate.volunteer_id,
        )

    return [
        RankedVolunteer(
            volunteer_id=candidate.volunteer_id,
            askable=not candidate.problem,
            home_here=candidate.home_here,
            recent_duties=candidate.recent_duties,
            reason=_reason(candidate),
        )
        for candidate in sorted(candidates, key=order)
    ]
