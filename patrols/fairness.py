"""Who to suggest for a patrol, fairly. Pure: no Django, no clock.

The officers who could take a patrol, ranked:

1. free ones first — no hard conflict (on an overlapping patrol, absent) — and among them those
   the assignment would raise no warning for (a long duty, a short rest) before those it would;
2. then fewest patrols, then fewest Shabbat / festival duties, both counted over the four weeks
   before and after the patrol's day (so an officer who worked the last three Saturdays is not
   asked for a fourth while another worked none);
3. then name, so the order is stable.

Each comes with the reason it is or is not suggested, in words a sergeant reads at a glance.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

__all__ = ["Candidate", "Ranked", "rank", "workload"]


@dataclass(frozen=True, slots=True)
class Candidate:
    """One officer as the ranking sees them. `conflict` is the hard conflict that rules them out
    ("On leave 3–9 Dec", "On a patrol at X 10:00–12:00"), or ""; `warnings` the short forms of the
    soft ones ("rest 8 h after previous duty")."""

    officer_id: int
    name: str
    patrols_count: int
    special_count: int
    conflict: str = ""
    warnings: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Ranked:
    officer_id: int
    suggested: bool
    reason: str
    patrols_count: int
    special_count: int
    warnings: tuple[str, ...]


def _plural(count: int, one: str, many: str) -> str:
    return f"{count} {one if count == 1 else many}"


def workload(patrols_count: int, special_count: int) -> str:
    """'3 patrols, 1 Shabbat/festival duty in ±4 weeks'."""
    return (
        f"{_plural(patrols_count, 'patrol', 'patrols')}, "
        f"{_plural(special_count, 'Shabbat/festival duty', 'Shabbat/festival duties')} in ±4 weeks"
    )


def _reason(candidate: Candidate) -> str:
    if candidate.conflict:
        return candidate.conflict
    load = workload(candidate.patrols_count, candidate.special_count)
    if candidate.warnings:
        return f"Warning: {'; '.join(candidate.warnings)}; {load}"
    return f"Free; {load}"


def rank(candidates: Iterable[Candidate]) -> list[Ranked]:
    """The candidates in the order to offer them, each with whether it is suggested (free and
    no warning) and why."""

    def order(candidate: Candidate) -> tuple[int, int, int, str, int]:
        standing = 2 if candidate.conflict else (1 if candidate.warnings else 0)
        return (
            standing,
            candidate.patrols_count,
            candidate.special_count,
            candidate.name.casefold(),
            candidate.officer_id,
        )

    return [
        Ranked(
            officer_id=candidate.officer_id,
            suggested=not candidate.conflict and not candidate.warnings,
            reason=_reason(candidate),
            patrols_count=candidate.patrols_count,
            special_count=candidate.special_count,
            warnings=candidate.warnings,
        )
        for candidate in sorted(candidates, key=order)
    ]
