"""A fixed moment and a High Holy Days season of patrols in area A, for the coverage report.

The clock stands at Wednesday 20 October 2027, 12:00 in London (after the High Holy Days 2027,
Fri 1 – Mon 11 October counting from the eve of Rosh Hashanah); nothing depends on today.
"""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from conftest import make_site, make_user
from patrols.models import MissedReason, Patrol, PatrolKind, PatrolStatus, Visit
from sites.models import Role

LONDON = ZoneInfo("Europe/London")
NOW = datetime(2027, 10, 20, 12, 0, tzinfo=LONDON)
SEASON = {"start": "2027-10-01", "end": "2027-10-11"}


def at(day: int, hour: int, minute: int = 0, month: int = 10) -> datetime:
    return datetime(2027, month, day, hour, minute, tzinfo=LONDON)


@pytest.fixture
def frozen():
    import time_machine

    with time_machine.travel(NOW, tick=True) as traveller:
        yield traveller


def patrol(area, site, starts_at, hours=2.0, **fields) -> Patrol:
    return Patrol.objects.create(
        area=area, site=site, starts_at=starts_at, ends_at=starts_at + timedelta(hours=hours), **fields
    )


@pytest.fixture
def season(world):
    """Area A's patrols of the season (and two just outside it), with check-ins and a missed one.

    inspector's figures: planned 5, delivered 2, missed 1, pending 2, cancelled 1, 4.0 officer-hours
    coordinator's (joint only): planned 2, delivered 1, missed 1, 0.5 officer-hours.
    """
    area = world.area_a
    synagogue = world.objects["site_a"]
    school = make_site(area, name='=HYPERLINK("http://x") School')
    officer = world.users["officer"].officer
    second = make_user("officer2", role=Role.OFFICER, area=area, collar="PC200").officer
    # Kol Nidre's eve... Rosh Hashanah's first evening: two officers; one checked in early and out
    # late (counted 18:00–20:00), the other never checked out (counted 18:30 to the end, 20:00).
    first = patrol(area, synagogue, at(1, 18), status=PatrolStatus.COMPLETED, label="Erev RH")
    Visit.objects.create(patrol=first, officer=officer, checked_in_at=at(1, 17, 45), checked_out_at=at(1, 20, 30))
    Visit.objects.create(patrol=first, officer=second, checked_in_at=at(1, 18, 30))
    patrol(
        area,
        synagogue,
        at(2, 10),
        kind=PatrolKind.JOINT,
        volunteers_required=1,
        status=PatrolStatus.MISSED,
        missed_reason=MissedReason.DIVERTED,
        missed_note="Called to a collision on Brook Road",
    )
    patrol(area, synagogue, at(4, 9), hours=1, status=PatrolStatus.CANCELLED, cancel_reason="Site closed")
    joint = patrol(area, school, at(11, 8), hours=1, kind=PatrolKind.JOINT, status=PatrolStatus.COMPLETED)
    Visit.objects.create(patrol=joint, officer=officer, checked_in_at=at(11, 8, 10), checked_out_at=at(11, 8, 40))
    patrol(area, school, at(5, 15))  # ended, nobody came, not yet marked: pending
    patrol(area, synagogue, at(1, 0, 30), hours=1)  # 23:30 UTC on 30 September: in the season, pending
    # Outside the season: the day after, and the evening before in UTC terms and local.
    patrol(area, synagogue, at(12, 9), status=PatrolStatus.COMPLETED)
    patrol(area, synagogue, at(30, 23, month=9), hours=0.5)
    # Another area's patrol in the same days.
    patrol(world.area_b, world.objects["site_b"], at(3, 10))
    return {"school": school, "synagogue": synagogue}
