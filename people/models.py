"""Officers (a profile on the user) and CST volunteers (no login; coordinators act for them)."""

from datetime import date, timedelta

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from simple_history.models import HistoricalRecords

from sites.models import Area, Role, refuse_area_change
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
    history = HistoricalRecords()

    class Meta:
        ordering = ["collar_number"]

    def __str__(self) -> str:
        return f"{self.rank} {self.collar_number} {self.user.get_full_name() or self.user.username}".strip()

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
    history = HistoricalRecords()

    # What a coordinator edits (the volunteer form and the API); `active` has its own action on the page.
    EDITABLE_FIELDS = ("area", "call_sign", "name", "phone", "email", "card_expires")

    class Meta:
        ordering = ["call_sign"]
        constraints = [
            models.UniqueConstraint(fields=["area", "call_sign"], name="volunteer_call_sign_unique_in_area"),
        ]

    def __str__(self) -> str:
        return f"{self.call_sign} {self.name}"

    def clean(self) -> None:
        refuse_area_change(self)

    def card_status(self, today: date) -> str:
        """'expired', 'expiring' (within CARD_EXPIRY_WARNING_DAYS) or 'valid'."""
        if self.card_expires < today:
            return "expired"
        if self.card_expires <= today + timedelta(days=CARD_EXPIRY_WARNING_DAYS):
            return "expiring"
        return "valid"
