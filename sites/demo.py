"""Demo areas and sites: fictional names and addresses in a fictional part of Hertsmere.

Nothing here is a real site or address. Coordinates are plausible points in Borehamwood, Bushey,
Radlett and Elstree so that sunset times and maps look right.
"""

from datetime import time
from decimal import Decimal

from .models import Area, ServiceAnchor, ServiceDay, ServicePart, Site, SiteKind, SiteService

DEMO_AREA = {
    "slug": "hertsmere-demo",
    "name": "Hertsmere South (demo)",
    "latitude": Decimal("51.65650"),
    "longitude": Decimal("-0.27150"),
    # A number from Ofcom's range kept for drama (020 7946 0xxx): it rings nobody.
    "cst_duty_phone": "020 7946 0999",
}
SECOND_AREA = {
    "slug": "colne-vale-demo",
    "name": "Colne Vale (demo)",
    "latitude": Decimal("51.68200"),
    "longitude": Decimal("-0.39900"),
}

# name, kind, address, postcode, lat, lon, risk tier, officer notes
DEMO_SITES = [
    (
        "Beth Shalom Synagogue",
        SiteKind.SYNAGOGUE,
        "14 Larchmere Avenue, Borehamwood",
        "WD6 4QZ",
        "51.65912",
        "-0.27488",
        1,
        "Side gate on Fernhill Close is the officers' entrance. Warden: ask at the lobby.",
    ),
    (
        "Ohel Torah Congregation",
        SiteKind.SYNAGOGUE,
        "3 Quillan Road, Borehamwood",
        "WD6 2XJ",
        "51.65201",
        "-0.26633",
        1,
        "Car park closes at 22:00. CST post by the main doors on Shabbat.",
    ),
    (
        "Kehillat Elstree",
        SiteKind.SYNAGOGUE,
        "88 Wrenfield Lane, Elstree",
        "WD6 3PY",
        "51.64380",
        "-0.29712",
        2,
        "Narrow lane: park in the lay-by, not the entrance.",
    ),
    (
        "Bushey Heath Hebrew Congregation",
        SiteKind.SYNAGOGUE,
        "21 Marlowe Rise, Bushey",
        "WD23 1ZT",
        "51.64190",
        "-0.34140",
        1,
        "Two entrances; the rear one is alarmed after 19:00.",
    ),
    (
        "Radlett Masorti Community",
        SiteKind.SYNAGOGUE,
        "5 Aldwyn Crescent, Radlett",
        "WD7 8QX",
        "51.68520",
        "-0.31790",
        2,
        "",
    ),
    (
        "Yavneh Fields Primary School",
        SiteKind.SCHOOL,
        "40 Copperbeech Way, Borehamwood",
        "WD6 5YU",
        "51.66240",
        "-0.28010",
        1,
        "Drop-off 08:15-08:50 and pick-up 15:00-15:40 on the Copperbeech Way side.",
    ),
    (
        "Mount Carmel High School",
        SiteKind.SCHOOL,
        "2 Thornbury Drive, Bushey",
        "WD23 2QW",
        "51.64870",
        "-0.35520",
        1,
        "Reception will issue visitor lanyards; patrol the coach bay at pick-up.",
    ),
    (
        "Etz Chaim Junior School",
        SiteKind.SCHOOL,
        "17 Pennyfold Road, Radlett",
        "WD7 7ZL",
        "51.68810",
        "-0.32310",
        2,
        "",
    ),
    (
        "Little Acorns Jewish Nursery",
        SiteKind.NURSERY,
        "9 Hazelmere Gardens, Borehamwood",
        "WD6 1WX",
        "51.65540",
        "-0.26110",
        2,
        "Buzzer entry only. Staff know the local PCSOs by sight.",
    ),
    (
        "Hertsmere Jewish Community Centre",
        SiteKind.COMMUNITY_CENTRE,
        "60 Glenthorne Parade, Borehamwood",
        "WD6 4ZQ",
        "51.65790",
        "-0.27020",
        2,
        "Busy on Sunday mornings and weekday evenings; CCTV room by reception.",
    ),
    (
        "Elstree Village Kosher Kitchen",
        SiteKind.OTHER,
        "1 Brackenbury Yard, Elstree",
        "WD6 3XW",
        "51.64520",
        "-0.29950",
        3,
        "Community kitchen and food bank; deliveries Thursdays.",
    ),
    (
        "Bushey Cemetery Chapel (demo)",
        SiteKind.OTHER,
        "Lower Ashgrove Lane, Bushey",
        "WD23 3YQ",
        "51.63710",
        "-0.33160",
        3,
        "Funerals are notified by the warden the day before.",
    ),
]

SECOND_AREA_SITES = [
    (
        "Colne Vale Synagogue",
        SiteKind.SYNAGOGUE,
        "7 Millbrook Street, Colne Vale",
        "WD3 9ZQ",
        "51.68230",
        "-0.40010",
        2,
        "",
    ),
    (
        "Colne Vale Jewish Primary",
        SiteKind.SCHOOL,
        "30 Osier Lane, Colne Vale",
        "WD3 8YX",
        "51.67950",
        "-0.39620",
        2,
        "",
    ),
]


# Each synagogue's own services (for rules anchored to "the site's service"): name, then
# (day, part, label, start anchor, start time, start offset, duration, end time). Each congregation
# keeps its own times, so one rule gives each its own window.
_SHABBAT_EVE = (ServiceDay.SHABBAT, ServicePart.EVENING, "Kabbalat Shabbat", ServiceAnchor.CANDLE_LIGHTING)
_KOL_NIDRE = (ServiceDay.YOM_KIPPUR, ServicePart.EVENING, "Kol Nidre", ServiceAnchor.CANDLE_LIGHTING)
DEMO_SERVICES = {
    "Beth Shalom Synagogue": [
        (ServiceDay.WEEKDAY, ServicePart.MORNING, "Shacharit", ServiceAnchor.TIME, time(7, 0), 0, None, time(7, 45)),
        (ServiceDay.SHABBAT, ServicePart.MORNING, "Shacharit", ServiceAnchor.TIME, time(9, 0), 0, None, time(12, 15)),
        (*_SHABBAT_EVE, None, 0, 90, None),
        (ServiceDay.YOM_TOV, ServicePart.MORNING, "Yom Tov", ServiceAnchor.TIME, time(8, 30), 0, None, time(13, 0)),
        (*_KOL_NIDRE, None, 0, 180, None),
    ],
    "Ohel Torah Congregation": [
        (ServiceDay.WEEKDAY, ServicePart.MORNING, "Shacharit", ServiceAnchor.TIME, time(6, 45), 0, 45, None),
        (ServiceDay.SHABBAT, ServicePart.MORNING, "Shacharit", ServiceAnchor.TIME, time(8, 45), 0, None, time(11, 45)),
        (*_SHABBAT_EVE, None, -10, 75, None),
        (ServiceDay.YOM_TOV, ServicePart.MORNING, "Yom Tov", ServiceAnchor.TIME, time(8, 30), 0, None, time(13, 30)),
        (*_KOL_NIDRE, None, -15, 180, None),
    ],
    "Kehillat Elstree": [
        (ServiceDay.SHABBAT, ServicePart.MORNING, "Shacharit", ServiceAnchor.TIME, time(9, 30), 0, None, time(12, 30)),
        (*_KOL_NIDRE, None, 0, 150, None),
    ],
    "Bushey Heath Hebrew Congregation": [
        (ServiceDay.WEEKDAY, ServicePart.MORNING, "Shacharit", ServiceAnchor.TIME, time(7, 0), 0, None, time(7, 40)),
        (ServiceDay.SHABBAT, ServicePart.MORNING, "Shacharit", ServiceAnchor.TIME, time(9, 15), 0, None, time(12, 0)),
        (*_SHABBAT_EVE, None, 0, 60, None),
        (ServiceDay.YOM_TOV, ServicePart.MORNING, "Yom Tov", ServiceAnchor.TIME, time(9, 0), 0, None, time(13, 0)),
        (*_KOL_NIDRE, None, -10, 180, None),
    ],
    "Radlett Masorti Community": [
        (ServiceDay.SHABBAT, ServicePart.MORNING, "Shacharit", ServiceAnchor.TIME, time(10, 0), 0, None, time(12, 30)),
        (ServiceDay.YOM_TOV, ServicePart.MORNING, "Yom Tov", ServiceAnchor.TIME, time(9, 30), 0, None, time(13, 0)),
        (*_KOL_NIDRE, None, 0, 150, None),
    ],
}


def seed_services(area: Area) -> None:
    """Create or refresh the demo synagogues' services by (site, day, part); safe to run twice."""
    for site in Site.objects.filter(area=area, name__in=DEMO_SERVICES):
        for day, part, label, anchor, start, offset, duration, end in DEMO_SERVICES[site.name]:
            SiteService.objects.update_or_create(
                site=site,
                day=day,
                part=part,
                defaults={
                    "label": label,
                    "start_anchor": anchor,
                    "start_time": start,
                    "start_offset_minutes": offset,
                    "duration_minutes": duration,
                    "end_time": end,
                },
            )


def seed_areas_and_sites() -> tuple[Area, Area]:
    """Create or refresh the demo areas and their sites; safe to run twice."""
    areas = []
    for spec, sites in ((DEMO_AREA, DEMO_SITES), (SECOND_AREA, SECOND_AREA_SITES)):
        area, _ = Area.objects.update_or_create(
            slug=spec["slug"], defaults={k: v for k, v in spec.items() if k != "slug"}
        )
        for name, kind, address, postcode, lat, lon, risk, notes in sites:
            Site.objects.update_or_create(
                area=area,
                name=name,
                defaults={
                    "kind": kind,
                    "address": address,
                    "postcode": postcode,
                    "latitude": Decimal(lat),
                    "longitude": Decimal(lon),
                    "risk_tier": risk,
                    "officer_notes": notes,
                    "active": True,
                },
            )
        areas.append(area)
    seed_services(areas[0])
    return areas[0], areas[1]
