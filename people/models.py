"""Officers (a profile on the user) and CST volunteers (no login; coordinators act for them)."""

from datetime import date, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from simple_history.models import HistoricalRecords

from calendar_rules.dates import RULE_FIRST_DAY, RULE_LAST_DAY
from sites.models import Area, Role, Site, refuse_area_change, without_stamp
from sites.validators import single_line_text

# A card expiring within this many days is flagged to the coordinator.
CARD_EXPIRY_WARNING_DAYS = 30

phone_validator = RegexValidator(r"^\+?[0-9 ()-]{7,20}$", "Enter a phone number of digits, spaces and + ( ) -.")


class Rank(models.TextChoices):
    PC = "PC", "Police Constable"
    PCSO = "PCSO", "Police Community Support Officer"
    SGT = "Sgt", "Sergeant"
    INSP = "Insp", "Inspector"


class Officer(models.Model):
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="officer")
    collar_number = models.CharField(
        max_length=10, unique=True, validators=[RegexValidator(r"^[A-Z0-9]{2,10}$", "Letters and digits only.")]
    )
    rank = models.CharField(max_length=4, choices=Rank.choices, default=Rank.PC)
    team = models.CharField(max_length=50, blank=True, validators=[single_line_text])
    active = models.BooleanField(default=True)
    # The personal calendar feed (/feeds/<token>.ics): the secret, kept so the officer can copy
    # their link again on their profile (a subscribed phone calendar keeps polling it; a link
    # shown once only would have to be replaced whenever it is lost), and its SHA-256, which the
    # feed looks the officer up by. Empty until the officer asks for a link. Never in the history.
    calendar_token = models.CharField(max_length=64, blank=True, default="", editable=False)
    calendar_token_hash = models.CharField(max_length=64, unique=True, null=True, blank=True, editable=False)
    # Emails the officer may turn off on their profile page (both on by default).
    notify_patrol_changes = models.BooleanField(
        "email me when I am put on or taken off a patrol, or my patrol is moved or cancelled", default=True
    )
    notify_evening_reminder = models.BooleanField("email me the evening before a duty", default=True)
    # Raised by changes that show on this officer's own My day only (their check-ins, absences):
    # see Area.rota_stamp.
    week_stamp = models.BigIntegerField(default=0, editable=False)
    history = HistoricalRecords(excluded_fields=["calendar_token", "calendar_token_hash", "week_stamp"])

    class Meta:
        ordering = ["collar_number"]

    def __str__(self) -> str:
        return f"{self.rank} {self.collar_number} {self.user.get_full_name() or self.user.username}".strip()

    def save(self, *args, **kwargs) -> None:
        # The stamp is raised by patrols.my_day.rota_changed alone: see Area.save.
        if not self._state.adding and kwargs.get("update_fields") is None:
            kwargs["update_fields"] = without_stamp(self, "week_stamp")
        super().save(*args, **kwargs)

    @property
    def areas(self):
        """The areas where this officer is rostered (their officer memberships)."""
        return Area.objects.filter(memberships__user_id=self.user_id, memberships__group__name=Role.OFFICER).distinct()


class Volunteer(models.Model):
    area = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="volunteers")
    call_sign = models.CharField(
        max_length=12, validators=[RegexValidator(r"^[A-Z0-9-]{2,12}$", "Capital letters, digits and - only.")]
    )
    name = models.CharField(max_length=120, validators=[single_line_text])
    phone = models.CharField(max_length=20, validators=[phone_validator])
    email = models.EmailField(blank=True)
    card_expires = models.DateField("CST card expiry")
    active = models.BooleanField(default=True)
    # The site the volunteer usually guards (their own synagogue): ranked first when asking.
    home_site = models.ForeignKey(
        Site, null=True, blank=True, on_delete=models.SET_NULL, related_name="home_volunteers"
    )
    # Raised to revoke every availability link sent to the volunteer so far (links carry it), with
    # their Accept / Decline links (people.signals.volunteer_links_withdrawn).
    links_version = models.PositiveIntegerField(default=0, editable=False)
    history = HistoricalRecords()

    # What a coordinator edits (the volunteer form and the API); `active` has its own action on the page.
    EDITABLE_FIELDS = ("area", "call_sign", "name", "phone", "email", "card_expires", "home_site")

    class Meta:
        ordering = ["call_sign"]
        constraints = [
            models.UniqueConstraint(fields=["area", "call_sign"], name="volunteer_call_sign_unique_in_area"),
        ]

    def __str__(self) -> str:
        return f"{self.call_sign} {self.name}"

    def clean(self) -> None:
        refuse_area_change(self)
        home_site = self.home_site if self.home_site_id is not None else None
        if home_site is not None and self.area_id is not None and home_site.area_id != self.area_id:
            raise ValidationError(
                {"home_site": "The home site must be a site of the volunteer's area."}, code="other_area"
            )

    def card_status(self, today: date) -> str:
        """'expired', 'expiring' (within CARD_EXPIRY_WARNING_DAYS) or 'valid'."""
        if self.card_expires < today:
            return "expired"
        if self.card_expires <= today + timedelta(days=CARD_EXPIRY_WARNING_DAYS):
            return "expiring"
        return "valid"


class AbsenceKind(models.TextChoices):
    LEAVE = "leave", "Leave"
    TRAINING = "training", "Training"
    SICKNESS = "sickness", "Sickness"
    OTHER = "other", "Other"


# How a sergeant says it: "On leave 3–9 Dec", "Off sick 4 Dec".
_ABSENCE_PHRASES: dict[str, str] = {
    AbsenceKind.LEAVE: "On leave",
    AbsenceKind.TRAINING: "On training",
    AbsenceKind.SICKNESS: "Off sick",
    AbsenceKind.OTHER: "Absent",
}


def describe_dates(first: date, last: date) -> str:
    """'3 Dec', '3–9 Dec', '28 Nov–3 Dec', '28 Dec 2026–3 Jan 2027'."""
    if first == last:
        return f"{first.day} {first:%b}"
    if first.year != last.year:
        return f"{first.day} {first:%b %Y}–{last.day} {last:%b %Y}"
    if first.month != last.month:
        return f"{first.day} {first:%b}–{last.day} {last:%b}"
    return f"{first.day}–{last.day} {last:%b}"


class Absence(models.Model):
    """An officer away (leave, training, sickness) from one local date to another, both inclusive.

    The dates are calendar dates with no zone of their own: each patrol is checked against them
    in its own area's time zone (a patrol clashes when any of its local dates is in the absence).
    No officer is assigned to a patrol during their absence (patrols.services.assignment_create).
    """

    officer = models.ForeignKey(Officer, on_delete=models.CASCADE, related_name="absences")
    kind = models.CharField(max_length=10, choices=AbsenceKind.choices, default=AbsenceKind.LEAVE)
    starts_on = models.DateField("from")
    ends_on = models.DateField("to", help_text="The last day away (inclusive).")
    note = models.CharField(max_length=200, blank=True, validators=[single_line_text])
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # The reason of an edit is free text of a service's making; 100 characters (the default) is short.
    history = HistoricalRecords(history_change_reason_field=models.TextField(null=True))

    EDITABLE_FIELDS = ("kind", "starts_on", "ends_on", "note")

    class Meta:
        ordering = ["-starts_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")), name="absence_ends_on_or_after_start"
            ),
        ]
        indexes = [
            # An officer's absences over some dates (the assignment check, the suggestions):
            # WHERE officer_id = :o AND ends_on >= :first AND starts_on <= :last.
            models.Index(fields=["officer", "ends_on"], name="absence_officer_ends_on"),
        ]

    def __str__(self) -> str:
        return f"{self.officer}: {self.summary}"

    @property
    def dates(self) -> str:
        return describe_dates(self.starts_on, self.ends_on)

    @property
    def summary(self) -> str:
        """'On leave 3–9 Dec'."""
        phrase = _ABSENCE_PHRASES.get(self.kind, "Absent")
        return f"{phrase} {self.dates}"

    def clean(self) -> None:
        errors = {}
        for name in ("starts_on", "ends_on"):
            day = getattr(self, name)
            if isinstance(day, date) and not RULE_FIRST_DAY <= day <= RULE_LAST_DAY:
                errors[name] = (
                    f"{day.isoformat()} is out of range; give a date from {RULE_FIRST_DAY.isoformat()} "
                    f"to {RULE_LAST_DAY.isoformat()}."
                )
        if errors:
            raise ValidationError(errors, code="out_of_range")
        if isinstance(self.starts_on, date) and isinstance(self.ends_on, date) and self.ends_on < self.starts_on:
            raise ValidationError({"ends_on": "The last day cannot be before the first."}, code="ends_before_start")


class VolunteerUnavailability(models.Model):
    """A local date on which a CST volunteer cannot patrol: marked by the volunteer from their
    personal availability link, or by a coordinator for them. Asking them for a place on a
    patrol that day is refused."""

    volunteer = models.ForeignKey(Volunteer, on_delete=models.CASCADE, related_name="unavailable_dates")
    on_date = models.DateField("date")
    note = models.CharField(max_length=200, blank=True, validators=[single_line_text])
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["on_date"]
        constraints = [
            models.UniqueConstraint(fields=["volunteer", "on_date"], name="volunteer_unavailable_once_a_day"),
        ]

    def __str__(self) -> str:
        return f"{self.volunteer.call_sign} unavailable {self.on_date:%-d %b %Y}"
