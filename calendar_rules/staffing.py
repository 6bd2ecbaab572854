"""Staffing uplifts in words. Pure: no Django import (the generator's notes and the uplift
pages say it the same way)."""

from __future__ import annotations


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
