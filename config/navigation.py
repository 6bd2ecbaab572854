"""Navigation by role: the links the base layout shows to the signed-in user."""

from functools import cache
from typing import Any

from django.urls import NoReverseMatch, reverse

from sites.access import access_for
from sites.models import Role

# (label, url name, roles that see it); admins see every link.
LINKS = [
    ("My day", "patrols:my_day", {Role.OFFICER}),
    ("My profile", "people:profile", {Role.OFFICER}),
    ("Rota", "patrols:rota", {Role.INSPECTOR}),
    ("Today", "patrols:today", {Role.INSPECTOR}),
    ("Generation runs", "patrols:runs", {Role.INSPECTOR}),
    ("Absences", "patrols:absences", {Role.INSPECTOR}),
    ("Rules", "calendar_rules:rule_list", {Role.INSPECTOR}),
    ("Calendar", "calendar_rules:calendar", {Role.INSPECTOR}),
    ("Joint patrols", "patrols:joint", {Role.CST_COORDINATOR}),
    ("Sites", "sites:site_list", {Role.INSPECTOR}),
    ("Areas", "sites:area_list", {Role.INSPECTOR}),
    ("Volunteers", "people:volunteer_list", {Role.CST_COORDINATOR}),
    ("Coverage", "reports:coverage", {Role.INSPECTOR, Role.CST_COORDINATOR}),
    ("Who viewed patrols", "audit:patrol_views", {Role.INSPECTOR}),
    ("Outbox", "notifications:outbox", {Role.INSPECTOR, Role.CST_COORDINATOR}),
]


@cache
def _link_urls() -> tuple[tuple[str, str, frozenset[str]], ...]:
    """(label, url, roles) of each link whose page exists, reversed once per process: the
    layout of every page needs them, and reversing fourteen names cost half a millisecond."""
    links = []
    for label, url_name, roles in LINKS:
        try:
            links.append((label, reverse(url_name), frozenset(roles)))
        except NoReverseMatch:  # a page that a later part of the product provides
            continue
    return tuple(links)


def navigation(request):
    access = access_for(getattr(request, "user", None))
    if access.user_id is None:
        return {"nav_links": []}
    links: list[dict[str, Any]] = [
        {"label": label, "url": url, "active": False}
        for label, url, roles in _link_urls()
        if access.is_admin or access.has_role(*roles)
    ]
    # The current page is the link with the longest URL the path starts with (so /rules/calendar/
    # marks "Calendar", not also "Rules").
    matching = [link for link in links if request.path.startswith(link["url"])]
    if matching:
        max(matching, key=lambda link: len(link["url"]))["active"] = True
    return {"nav_links": links, "access": access}
