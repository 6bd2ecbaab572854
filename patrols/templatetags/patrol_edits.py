"""Template helpers of the inspector's edit controls on the board (the bulk toolbar)."""

from django import template
from django.utils.html import format_html_join
from django.utils.safestring import SafeString

from sites.models import Area

from ..dialog import area_officers

register = template.Library()


@register.simple_tag
def officer_options(area: Area) -> SafeString:
    """The <option>s of the active officers rostered in `area` ("PC PC2231 Priya Lindqvist"), for
    the bulk toolbar's "assign". The board renders them on every visit: one query of plain rows,
    joined here (model instances, and a template loop localising each id, cost more than the
    rest of the toolbar)."""
    fields = ("pk", "rank", "collar_number", "user__first_name", "user__last_name", "user__username")
    rows = area_officers(area).filter(active=True).values_list(*fields)
    return format_html_join(
        "",
        '<option value="{}">{} {} {}</option>',
        (
            (str(pk), rank, collar, f"{first} {last}".strip() or username)
            for pk, rank, collar, first, last, username in rows
        ),
    )
