"""Demo people: users for each role, officers and PCSOs, and CST volunteers (all fictional)."""

from datetime import date, timedelta

from django.contrib.auth import get_user_model

from sites.models import Area, Role, SiteKind
from sites.services import membership_grant

from .models import AbsenceKind, Officer, Rank, Volunteer
from .services import absence_create, volunteer_unavailability_add

# Volunteers who cannot do the coming Shabbat (call sign number, note), so the ask dialog shows
# them marked and asking them is refused.
DEMO_UNAVAILABLE = [(2, "Family simcha"), (5, "Away")]

# A week's leave and a training day a few days ahead (after the days the demo staffs), so the
# absences page, the officers' My day and the assignment dialog's refusals have something to show.
# (collar, kind, first day from today, last day from today, note)
DEMO_ABSENCES = [
    ("PC2456", AbsenceKind.LEAVE, 5, 11, "Annual leave"),
    ("PCSO7738", AbsenceKind.TRAINING, 4, 4, "Public order refresher"),
]

# username, first, last, role, area ("demo" or "second"), (collar, rank, team) or None
DEMO_USERS = [
    ("inspector", "Miriam", "Okafor", Role.INSPECTOR, "demo", ("I4021", Rank.INSP, "Hertsmere SNT")),
    ("sergeant", "Daniel", "Ashworth", Role.INSPECTOR, "demo", ("S1187", Rank.SGT, "Hertsmere SNT")),
    ("officer", "Priya", "Lindqvist", Role.OFFICER, "demo", ("PC2231", Rank.PC, "Team A")),
    ("pc.hale", "Tom", "Hale", Role.OFFICER, "demo", ("PC2456", Rank.PC, "Team A")),
    ("pc.mensah", "Kwame", "Mensah", Role.OFFICER, "demo", ("PC2519", Rank.PC, "Team B")),
    ("pc.roberts", "Ffion", "Roberts", Role.OFFICER, "demo", ("PC2602", Rank.PC, "Team B")),
    ("pcso.levi", "Noa", "Levi", Role.OFFICER, "demo", ("PCSO7714", Rank.PCSO, "SNT")),
    ("pcso.byrne", "Aidan", "Byrne", Role.OFFICER, "demo", ("PCSO7738", Rank.PCSO, "SNT")),
    ("pcso.sharma", "Anika", "Sharma", Role.OFFICER, "demo", ("PCSO7790", Rank.PCSO, "SNT")),
    ("coordinator", "Rachel", "Feldman", Role.CST_COORDINATOR, "demo", None),
    ("inspector2", "Gareth", "Pryce", Role.INSPECTOR, "second", ("I4107", Rank.INSP, "Colne Vale SNT")),
    ("officer2", "Leah", "Marsh", Role.OFFICER, "second", ("PC3301", Rank.PC, "Colne Vale SNT")),
]

DEMO_VOLUNTEER_NAMES = [
    "Ari Cohen",
    "Ben Adler",
    "Dina Katz",
    "Eli Brandt",
    "Gila Stern",
    "Hillel Moss",
    "Ilana Roth",
    "Josh Kaplan",
    "Keren Gold",
    "Levi Marks",
    "Maya Shore",
    "Nathan Pearl",
    "Orly Hart",
    "Sam Weiss",
    "Tamar Lowe",
]


def seed_people(*, demo_area: Area, second_area: Area, password: str, today: date) -> list[tuple[str, str]]:
    """Create or refresh demo users, officers and volunteers. Returns (username, role) rows."""
    User = get_user_model()
    areas = {"demo": demo_area, "second": second_area}
    logins = []
    for username, first, last, role, area_key, officer in DEMO_USERS:
        user, created = User.objects.get_or_create(
            username=username, defaults={"first_name": first, "last_name": last, "email": f"{username}@example.org"}
        )
        if created:
            user.set_password(password)
            user.save(update_fields=["password"])
        membership_grant(user=user, area=areas[area_key], role=role)
        if officer:
            collar, rank, team = officer
            Officer.objects.update_or_create(user=user, defaults={"collar_number": collar, "rank": rank, "team": team})
        logins.append((username, f"{role} — {areas[area_key].name}"))

    admin, created = User.objects.get_or_create(
        username="admin", defaults={"is_staff": True, "is_superuser": True, "email": "admin@example.org"}
    )
    if created:
        admin.set_password(password)
        admin.save(update_fields=["password"])
    logins.append(("admin", "administrator — all areas"))

    for collar, kind, first_day, last_day, note in DEMO_ABSENCES:
        absent = Officer.objects.get(collar_number=collar)
        starts_on, ends_on = today + timedelta(days=first_day), today + timedelta(days=last_day)
        # Seeding again on a later day adds the absence for the new dates only if none overlaps.
        if not absent.absences.filter(starts_on__lte=ends_on, ends_on__gte=starts_on).exists():
            absence_create(officer=absent, kind=kind, starts_on=starts_on, ends_on=ends_on, note=note, by=None)

    # Most volunteers guard their own synagogue: a home site each for the first ten, two to a shul.
    synagogues = list(demo_area.sites.filter(kind=SiteKind.SYNAGOGUE, active=True).order_by("name"))
    coming_shabbat = today + timedelta(days=(5 - today.weekday()) % 7)
    for number, name in enumerate(DEMO_VOLUNTEER_NAMES, start=1):
        # A few cards expired or about to expire, so the coordinator's flags show.
        expiry = today + timedelta(days={3: -10, 7: 12, 11: 25}.get(number, 200 + number * 20))
        home_site = synagogues[(number - 1) // 2 % len(synagogues)] if synagogues and number <= 10 else None
        volunteer, _ = Volunteer.objects.update_or_create(
            area=demo_area,
            call_sign=f"HS-{number:02d}",
            defaults={
                "name": name,
                "phone": f"07700 900{number:03d}",  # Ofcom's drama range: never a real number
                "email": f"{name.split()[0].lower()}@example.org",
                "card_expires": expiry,
                "active": True,
                "home_site": home_site,
            },
        )
        for unavailable_number, note in DEMO_UNAVAILABLE:
            if unavailable_number == number:
                volunteer_unavailability_add(volunteer=volunteer, on_date=coming_shabbat, note=note, by=None)
    return logins
