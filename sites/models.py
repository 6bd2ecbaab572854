"""Areas, the protected sites in them, and who holds which role in which area.

Area membership lives here, beside the areas, so that every app can scope its queries by it
without importing upwards (see sites/access.py).
"""

import re
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.utils import timezone as django_timezone
from simple_history.models import HistoricalRecords
from timezone_field import TimeZoneField

from .escalation import DEFAULT_FESTIVAL_DAYS, DEFAULT_SHABBAT_LEADS, validate_festival_days, validate_shabbat_leads
from .validators import LONG_TEXT_MAX_LENGTH, multi_line_text, single_line_text

# The formats of the UK postcode (outward code, space optional, inward code), incl. GIR 0AA.
UK_POSTCODE = re.compile(
    r"^(GIR ?0AA|[A-PR-UWYZ](\d{1,2}|[A-HK-Y]\d{1,2}|\d[A-HJKPSTUW]|[A-HK-Y]\d[ABEHMNPRV-Y]) ?\d[ABD-HJLNP-UW-Z]{2})$"
)


def validate_uk_postcode(value: str) -> None:
    if not UK_POSTCODE.match(value.strip().upper()):
        raise ValidationError("Enter a UK postcode, like WD6 1AA.", code="postcode")


def normalise_postcode(value: str) -> str:
    compact = value.replace(" ", "").upper()
    return f"{compact[:-3]} {compact[-3:]}"


def validate_timezone(value: str) -> None:
    """Kept for migration 0001 (Area.timezone was a CharField checked by this)."""
    from zoneinfo import ZoneInfoNotFoundError

    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValidationError(f"{value!r} is not an IANA time zone.", code="timezone") from None


duty_phone_validator = RegexValidator(r"^\+?[0-9 ()-]{7,20}$", "Enter a phone number of digits, spaces and + ( ) -.")

latitude_validators = [MinValueValidator(-90), MaxValueValidator(90)]
longitude_validators = [MinValueValidator(-180), MaxValueValidator(180)]


class Area(models.Model):
    """A policing area (e.g. a district): the unit of scoping, scheduling and locking."""

    name = models.CharField(max_length=100, unique=True, validators=[single_line_text])
    slug = models.SlugField(max_length=50, unique=True)
    # A ZoneInfo on the instance (stored as its IANA name): the zone of every local date and time
    # of the area — its rota's days, its patrols' times, its sunsets.
    timezone = TimeZoneField(max_length=64, default="Europe/London")
    # The point whose sunset and nightfall time the area's sunset-anchored patrols.
    latitude = models.DecimalField(max_digits=8, decimal_places=5, validators=latitude_validators)
    longitude = models.DecimalField(max_digits=8, decimal_places=5, validators=longitude_validators)
    # An officer's duty (patrols less than settings.DUTY_GAP_HOURS apart) running longer than
    # this, or starting less than min_rest_hours after their previous duty, is a warning an
    # inspector must override with a reason (patrols/duties.py).
    max_duty_hours = models.PositiveSmallIntegerField(
        "longest duty (hours)", default=10, validators=[MinValueValidator(1), MaxValueValidator(24)]
    )
    min_rest_hours = models.PositiveSmallIntegerField(
        "shortest rest between duties (hours)", default=11, validators=[MaxValueValidator(24)]
    )
    # Shown to officers on joint patrols (DESIGN.md §6: volunteers' own numbers stay with the
    # coordinators; officers get the CST duty line of the area).
    cst_duty_phone = models.CharField("CST duty phone", max_length=20, blank=True, validators=[duty_phone_validator])
    # A check-in further than this from the site's point is flagged to the inspector.
    check_in_flag_distance_m = models.PositiveIntegerField(
        "flag check-ins further than (metres)",
        default=300,
        validators=[MinValueValidator(10), MaxValueValidator(50_000)],
    )
    # Officers' calendar feeds carry a neutral title ("Shomer duty") unless the area allows the
    # site's name in it (feeds end up in cloud calendars).
    feed_shows_site_name = models.BooleanField("site name in calendar feeds", default=False)
    # When the digest of joint patrols still short of CST volunteers goes to the area's
    # coordinators and inspectors (sites/escalation.py reads these).
    escalation_shabbat_leads = models.CharField(
        "reminders before Shabbat",
        max_length=100,
        default=DEFAULT_SHABBAT_LEADS,
        blank=True,
        validators=[validate_shabbat_leads],
        help_text="Days and times in the week before each Shabbat, e.g. “Wed 18:00, Fri 10:00”.",
    )
    escalation_festival_days = models.CharField(
        "reminders before festivals (days)",
        max_length=40,
        default=DEFAULT_FESTIVAL_DAYS,
        blank=True,
        validators=[validate_festival_days],
        help_text="Days before each festival's first day, e.g. “3, 1”.",
    )
    escalation_festival_time = models.TimeField("time of reminders before festivals", default=time(18, 0))
    # How many days ahead the nightly run keeps the rota generated (empty: settings.ROTA_HORIZON_DAYS).
    horizon_days = models.PositiveSmallIntegerField(
        "rota horizon (days)",
        null=True,
        blank=True,
        validators=[MinValueValidator(7), MaxValueValidator(366)],
        help_text="How far ahead the nightly run keeps the rota; empty for the service's default.",
    )
    # Raised (in the writer's transaction) by every change an officer's My day can show from this
    # area: patrols, their officers and CST places, its sites, volunteers and settings. Read with
    # the signed-in user (sites.auth), it tells whether a week kept in memory is still current
    # (patrols/my_day.py). Not a setting: never edited, never in the history.
    rota_stamp = models.BigIntegerField(default=0, editable=False)
    # Raised by every edit of the settings (sites.services.area_update): an edit made from an
    # older version is refused, never applied over someone else's.
    version = models.PositiveIntegerField(default=1, editable=False)
    # Who changed which setting, when (the area page shows it); the stamp is not a setting.
    history = HistoricalRecords(excluded_fields=["rota_stamp"])

    # What an inspector edits on the area page and through the API (name and slug stay with the
    # administrators: the slug is in URLs and API clients).
    SETTINGS_FIELDS = (
        "timezone",
        "latitude",
        "longitude",
        "horizon_days",
        "cst_duty_phone",
        "max_duty_hours",
        "min_rest_hours",
        "check_in_flag_distance_m",
        "feed_shows_site_name",
        "escalation_shabbat_leads",
        "escalation_festival_days",
        "escalation_festival_time",
    )
    # The settings a run plans from: changing one queues a run of the area.
    PLANNING_FIELDS = ("timezone", "latitude", "longitude", "horizon_days")

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(max_duty_hours__gte=1, max_duty_hours__lte=24), name="area_max_duty_hours_range"
            ),
            models.CheckConstraint(condition=models.Q(min_rest_hours__lte=24), name="area_min_rest_hours_range"),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        # The stamp is raised by patrols.my_day.rota_changed alone (UPDATE … + 1): a save of a row
        # read earlier must not write back the stamp it read.
        if not self._state.adding and kwargs.get("update_fields") is None:
            kwargs["update_fields"] = without_stamp(self, "rota_stamp")
        super().save(*args, **kwargs)

    @property
    def zone(self) -> ZoneInfo:
        # The field deserialises on assignment too; a ZoneInfo whatever was assigned.
        value = self.timezone
        return value if isinstance(value, ZoneInfo) else ZoneInfo(str(value))

    def today(self, now: datetime | None = None) -> date:
        """The date it is in the area at `now` (default: the clock)."""
        return (now or django_timezone.now()).astimezone(self.zone).date()

    def days_from_today(self, days: int | None = None, *, now: datetime | None = None) -> tuple[date, date]:
        """The area's local dates from today for `days` days (default settings.ROTA_HORIZON_DAYS;
        at least one): (today, the last of them)."""
        today = self.today(now)
        if days is None:
            days = self.horizon_days or settings.ROTA_HORIZON_DAYS
        count = max(1, days)
        return today, today + timedelta(days=count - 1)


class SiteKind(models.TextChoices):
    SYNAGOGUE = "synagogue", "Synagogue"
    SCHOOL = "school", "School"
    NURSERY = "nursery", "Nursery"
    COMMUNITY_CENTRE = "community_centre", "Community centre"
    OTHER = "other", "Other"


class RiskTier(models.IntegerChoices):
    HIGH = 1, "High"
    ELEVATED = 2, "Elevated"
    STANDARD = 3, "Standard"


def without_stamp(instance: models.Model, stamp: str) -> list[str]:
    """The names of `instance`'s columns a save writes, less the stamp `stamp`."""
    return [f.name for f in instance._meta.concrete_fields if not f.primary_key and f.name != stamp]


def refuse_area_change(instance: models.Model) -> None:
    """An object of an area (a site, a rule, a volunteer, a patrol) stays in that area once
    saved: the other area's rota, locks and people would otherwise inherit a half-moved history
    (a run of one area cancelling patrols while holding only its own lock, held patrols left
    under a rule of another area). Moving means making a new one in the other area. Called by
    each such model's clean(), so every service that validates refuses it, naming `area`."""
    area_id = getattr(instance, "area_id", None)
    if instance.pk is None or area_id is None:
        return
    stored = type(instance)._default_manager.filter(pk=instance.pk).values_list("area_id", flat=True).first()
    if stored is not None and stored != area_id:
        noun = instance._meta.verbose_name
        raise ValidationError(
            {"area": f"A {noun} cannot move to another area; make a new {noun} in that area instead."},
            code="area_fixed",
        )


class ServiceDay(models.TextChoices):
    """The kind of day a site's service belongs to (the day it is *for*: an evening service is
    held on the evening before, e.g. Friday evening for Shabbat, Kol Nidre on erev Yom Kippur)."""

    WEEKDAY = "weekday", "Weekday"
    SHABBAT = "shabbat", "Shabbat"
    YOM_TOV = "yom_tov", "Yom Tov"
    YOM_KIPPUR = "yom_kippur", "Yom Kippur"


class ServicePart(models.TextChoices):
    MORNING = "morning", "Morning service"
    AFTERNOON = "afternoon", "Afternoon service"
    EVENING = "evening", "Evening service"


class ServiceAnchor(models.TextChoices):
    """Where a service starts (the same values as calendar_rules.models.Anchor's)."""

    TIME = "time", "Clock time"
    SUNSET = "sunset", "Sunset"
    CANDLE_LIGHTING = "candle_lighting", "Candle-lighting"
    NIGHTFALL = "nightfall", "Nightfall (havdalah)"


class Site(models.Model):
    """A protected community site. Never deleted once it has history; deactivated instead."""

    area = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="sites")
    name = models.CharField(max_length=150, validators=[single_line_text])
    kind = models.CharField(max_length=20, choices=SiteKind.choices)
    address = models.CharField(max_length=250, validators=[single_line_text])
    postcode = models.CharField(max_length=8, validators=[validate_uk_postcode])
    latitude = models.DecimalField(max_digits=8, decimal_places=5, validators=latitude_validators)
    longitude = models.DecimalField(max_digits=8, decimal_places=5, validators=longitude_validators)
    risk_tier = models.PositiveSmallIntegerField(choices=RiskTier.choices, default=RiskTier.STANDARD)
    active = models.BooleanField(default=True)
    officer_notes = models.TextField(
        blank=True,
        max_length=LONG_TEXT_MAX_LENGTH,
        validators=[multi_line_text],
        help_text="Access, contacts and hazards an officer should know on arrival.",
    )
    history = HistoricalRecords()

    # What an inspector edits (the site form and the API); `active` has its own action on the page.
    EDITABLE_FIELDS = (
        "area",
        "name",
        "kind",
        "address",
        "postcode",
        "latitude",
        "longitude",
        "risk_tier",
        "officer_notes",
    )

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["area", "name"], name="site_name_unique_in_area"),
            models.CheckConstraint(
                condition=models.Q(latitude__gte=-90, latitude__lte=90), name="site_latitude_in_range"
            ),
            models.CheckConstraint(
                condition=models.Q(longitude__gte=-180, longitude__lte=180), name="site_longitude_in_range"
            ),
        ]
        # The site list of an area, filtered by kind and active.
        indexes = [models.Index(fields=["area", "kind", "active"], name="site_area_kind_active")]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        refuse_area_change(self)
        if self.postcode:
            self.postcode = normalise_postcode(self.postcode)


class SiteService(models.Model):
    """One service a site holds: e.g. Shabbat morning 09:00–12:15, or Kol Nidre from
    candle-lighting for 2 hours. A rule anchored to "the site's service" (calendar_rules Anchor
    SERVICE, with a ServicePart) takes each site's own window from these; a site without that
    service on that day gets no patrol from the rule.

    `day` is the day the service is for; an EVENING service is held on the evening before it
    (Shabbat evening on Friday, Yom Kippur evening — Kol Nidre — on erev Yom Kippur). The window
    starts at `start_anchor` (+ `start_time` for a clock time) + `start_offset_minutes` and lasts
    `duration_minutes`, or ends at the clock time `end_time`."""

    site = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="services")
    day = models.CharField(max_length=12, choices=ServiceDay.choices)
    part = models.CharField(max_length=12, choices=ServicePart.choices)
    label = models.CharField(
        max_length=100, blank=True, validators=[single_line_text], help_text="e.g. “Shacharit” or “Kol Nidre”."
    )
    start_anchor = models.CharField(max_length=20, choices=ServiceAnchor.choices, default=ServiceAnchor.TIME)
    start_time = models.TimeField(null=True, blank=True)
    start_offset_minutes = models.SmallIntegerField(
        default=0, validators=[MinValueValidator(-720), MaxValueValidator(720)]
    )
    duration_minutes = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(12 * 60)]
    )
    end_time = models.TimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    updated = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["site", "day", "part"]
        constraints = [
            models.UniqueConstraint(
                fields=["site", "day", "part"],
                name="site_service_unique_day_part",
                violation_error_message="This site already has this service on this day.",
            ),
            models.CheckConstraint(
                condition=models.Q(duration_minutes__isnull=False, end_time__isnull=True)
                | models.Q(duration_minutes__isnull=True, end_time__isnull=False),
                name="site_service_duration_or_end",
                violation_error_message="Give a duration or an end time, not both.",
            ),
            models.CheckConstraint(
                condition=~models.Q(start_anchor=ServiceAnchor.TIME) | models.Q(start_time__isnull=False),
                name="site_service_time_anchor_has_time",
                violation_error_message="Give the start time for a clock-time start.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_day_display()} {self.get_part_display().lower()} at {self.site}"


class AreaSurge(models.Model):
    """A raised alert level in an area, from `raised_at` until `ends_at` (default 72 hours) or
    until an inspector ends it early. While it is open, the area's "surge" rules are active and
    its surge uplifts apply; when it ends the next run cancels the patrols it added (unless
    someone is on them). Rows are never deleted: they are the record of who raised it, when,
    why, and who ended it (`ended_by` empty on an ended surge: it expired)."""

    area = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="surges")
    reason = models.CharField(max_length=300, validators=[single_line_text])
    raised_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    raised_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-raised_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["area"],
                condition=models.Q(ended_at__isnull=True),
                name="area_surge_one_open_per_area",
                violation_error_message="The alert level of this area is already raised.",
            ),
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("raised_at")),
                name="area_surge_ends_after_raised",
                violation_error_message="A surge must end after it is raised.",
            ),
        ]
        indexes = [models.Index(fields=["area", "ended_at"], name="area_surge_area_open")]

    def __str__(self) -> str:
        return f"Surge in {self.area} from {self.raised_at:%Y-%m-%d %H:%M}"

    @property
    def state(self) -> str:
        """ "raised" while open; "ended" by an inspector, or "expired" at its end."""
        if self.ended_at is None:
            return "raised"
        return "ended" if self.ended_by_id is not None else "expired"


class Role(models.TextChoices):
    """Roles are Django groups of these names, held per area through Membership."""

    INSPECTOR = "inspector", "Inspector"
    OFFICER = "officer", "Officer"
    CST_COORDINATOR = "cst_coordinator", "CST coordinator"


class Membership(models.Model):
    """A user holds a role (a group) in an area. Outside their areas a user sees nothing."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    area = models.ForeignKey(Area, on_delete=models.CASCADE, related_name="memberships")
    group = models.ForeignKey(
        Group,
        on_delete=models.PROTECT,
        related_name="area_memberships",
        limit_choices_to={"name__in": Role.values},
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "area", "group"], name="membership_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.group.name} in {self.area}"

    @property
    def role(self) -> str:
        return self.group.name
