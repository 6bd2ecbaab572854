"""Staffing uplifts as the generator and the rule preview apply them, and in words. Pure: no
Django import (the generator's notes, the preview and the uplift pages say it the same way)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from . import jewish_calendar


def raise_text(officers_mode: str, officers_value: int, cst_places: int) -> str:
    """e.g. "+1 officer, joint with 2 CST places" or "at least 3 officers"."""
    parts = []
    if officers_value:
        noun = "officer" if officers_value == 1 else "officers"
        raised = "+" if officers_mode == "add" else "at least "
        parts.append(f"{raised}{officers_value} {noun}")
    if cst_places:
        parts.append(f"joint with {cst_places} CST place{'' if cst_places == 1 else 's'}")
    return ", ".join(parts)


@dataclass(frozen=True, slots=True)
class UpliftToApply:
    """A staffing uplift as the planner applies it (calendar_rules.models.StaffingUplift): when
    (observance categories/keys, restricted to periods when it names some, or periods alone; or
    while a surge is open), where (site kinds, risk tiers; empty: all), and what."""

    label: str
    categories: frozenset[str] = frozenset()
    keys: frozenset[str] = frozenset()
    periods: frozenset[str] = frozenset()
    during_surge: bool = False
    site_kinds: frozenset[str] = frozenset()
    risk_tiers: frozenset[int] = frozenset()
    officers_mode: str = "add"  # "add" | "at_least"
    officers_value: int = 0
    cst_places: int = 0

    def canonical(self) -> tuple[object, ...]:
        return (
            self.label,
            sorted(self.categories),
            sorted(self.keys),
            sorted(self.periods),
            self.during_surge,
            sorted(self.site_kinds),
            sorted(self.risk_tiers),
            self.officers_mode,
            self.officers_value,
            self.cst_places,
        )

    def applies_on(self, day: date) -> bool:
        """Whether the (non-surge) uplift covers the day a patrol is for."""
        if self.during_surge:
            return False
        in_period = any(
            period.key in self.periods and period.start <= day <= period.end
            for period in jewish_calendar.periods_between(day, day)
        )
        if not (self.categories or self.keys):
            return in_period
        if self.periods and not in_period:
            return False
        return any(
            observance.category in self.categories or observance.key in self.keys
            for observance in jewish_calendar.observances_on(day)
        )

    def applies_at(self, kind: str, tier: int) -> bool:
        return (not self.site_kinds or kind in self.site_kinds) and (not self.risk_tiers or tier in self.risk_tiers)

    def note(self) -> str:
        """e.g. "High Holy Days: +1 officer, joint with 2 CST places"."""
        return f"{self.label}: {raise_text(self.officers_mode, self.officers_value, self.cst_places)}"

    def raise_staffing(self, kind: str, officers: int, volunteers: int) -> tuple[str, int, int]:
        """(kind, officers, volunteers) once this uplift is applied."""
        officers = officers + self.officers_value if self.officers_mode == "add" else max(officers, self.officers_value)
        if self.cst_places:
            kind, volunteers = "joint", max(volunteers, self.cst_places)
        return kind, officers, volunteers
