"""The escalation of CST places still open before a Shabbat or festival: at each of the area's
lead times (patrols.escalation), a digest to each of its CST coordinators and inspectors.

`escalation_digests_queue` runs every five minutes (Celery beat, patrols.tasks.send_escalation_
digests). It is safe to run twice and in two workers at once: each digest is queued under the
outbox's event key `escalation:<area id>:<holy day>:<lead>` once per recipient (a unique
constraint; the loser of a race queues nothing), so one lead time gives one email per person
whatever the number of workers or re-runs. A lead with no open place sends nothing (a place
released later, before the lead's LATE_AFTER has run out, still sends it).

What the digest says: the days and how many places are open on each, and a link to the planner
(or, for an inspector, to the board). Never a patrol's time or site: mail is forwarded and kept,
and those stay behind the sign-in (the same rule as patrols.services.outcomes' missed-patrol
email and the volunteers' messages).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction

from notifications.models import NotificationKind
from notifications.services import notification_queue
from sites.models import Area, Membership, Role

from .. import escalation
from ..links import board_joint_url, planner_url
from ..planner import PlannerDay
from ..planner_selectors import area_leads, escalation_title, joint_coverage

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class DigestCounts:
    leads: int  # lead times due (over every area)
    queued: int  # digests queued (one per recipient and lead)


def escalation_event_key(area: Area, lead: escalation.Lead) -> str:
    return f"escalation:{area.pk}:{lead.day.starts_on.isoformat()}:{lead.key}"


def escalation_digest(
    area: Area, day: escalation.HolyDay, days: list[PlannerDay], *, coordinator: bool, inspector: bool
) -> tuple[str, str]:
    """The subject and body of the digest for one holy day: its days and their open places, a link
    to the planner for a coordinator and to the board for an inspector. No times, no sites."""
    open_places = sum(d.places.open for d in days)
    title = escalation_title(day)
    places = "place" if open_places == 1 else "places"
    subject = f"Shomer: {open_places} CST {places} still open for {title}"
    lines = [f"Joint patrols in {area.name} are still short of CST volunteers for {title}:", ""]
    lines += [f"- {d.title}: {d.places.open} of {d.places.required} places open ({d.places.summary})" for d in days]
    lines.append("")
    if coordinator:
        link = planner_url(area, start=day.starts_on, end=day.ends_on, open_only=True)
        lines += ["Ask volunteers for the open places in the planner:", settings.SITE_URL + link, ""]
    if inspector:
        link = board_joint_url(area, start=day.starts_on, end=day.ends_on)
        lines += ["See the joint patrols on the rota:", settings.SITE_URL + link, ""]
    lines.append("Patrol times and sites are not in this email on purpose: they stay in Shomer, behind the sign-in.")
    return subject, "\n".join(lines) + "\n"


def _recipients(area: Area) -> list[tuple[object, bool, bool]]:
    """The area's active coordinators and inspectors: (user, is coordinator, is inspector)."""
    roles: dict[int, set[str]] = {}
    for user_id, role in Membership.objects.filter(
        area=area, group__name__in=(Role.CST_COORDINATOR, Role.INSPECTOR), user__is_active=True
    ).values_list("user_id", "group__name"):
        roles.setdefault(user_id, set()).add(role)
    users = get_user_model().objects.filter(pk__in=roles).order_by("pk")
    return [(user, Role.CST_COORDINATOR in roles[user.pk], Role.INSPECTOR in roles[user.pk]) for user in users]


def escalation_digests_queue(*, now: datetime, areas: list[Area] | None = None) -> DigestCounts:
    """Queue the digests of every lead time due at `now` (patrols.escalation.due_leads) in each
    area (every area by default) whose joint patrols still have open places on the holy day's run
    of days (those starting after `now`). One transaction per area and lead."""
    leads = queued = 0
    for area in areas if areas is not None else Area.objects.order_by("pk"):
        today = now.astimezone(area.zone).date()
        for lead in escalation.due_leads(now=now, today=today, **area_leads(area)):
            leads += 1
            days = [d for d in joint_coverage(area, lead.day.starts_on, lead.day.ends_on, after=now) if d.places.open]
            if not days:
                continue
            with transaction.atomic():
                for user, coordinator, inspector in _recipients(area):
                    subject, body = escalation_digest(
                        area, lead.day, days, coordinator=coordinator, inspector=inspector
                    )
                    if notification_queue(
                        kind=NotificationKind.ESCALATION_DIGEST,
                        event_key=escalation_event_key(area, lead),
                        subject=subject,
                        body=body,
                        area=area,
                        to_user=user,  # type: ignore[arg-type]
                    ):
                        queued += 1
            logger.info("escalation area=%s day=%s lead=%s queued=%s", area.slug, lead.day.starts_on, lead.key, queued)
    return DigestCounts(leads=leads, queued=queued)
