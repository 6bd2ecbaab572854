"""Template helpers of the inspector's edit controls on the board (the bulk toolbar)."""

from django import template

from people.models import Officer
from sites.models import Area

from ..dialog import area_officers

register = template.Library()


@register.simple_tag
def officers_of(area: Area) -> list[Officer]:
    """The active officers rostered in `area`, for the bulk toolbar's "assign" (one query)."""
    return list(area_officers(area).filter(active=True))
