"""Patrol rules: *when* (an RRULE or the Jewish calendar) × *where* (sites) × *what* (staffing).

A rule holds wall-clock times and anchors, never datetimes; the pure module
`calendar_rules.occurrences` turns it (as a frozen `RuleSpec`) into dated, aware occurrences in the
area's time zone. Validation lives in `clean()` so that the form, the API and the admin all refuse
the same things with the same messages; the services call `full_clean()` before every write.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from simple_history.models import HistoricalRecords

from sites.models import Area, RiskTier, ServicePart, Site, SiteKind, refuse_area_change
from sites.validators import multi_line_text, single_line_text

from . import jewish_calendar
from .dates import check_rule_date
from .descriptions import describe
from .locations import area_location
from .occurrences import InvalidWindow, RuleSpec, expand_rule
from .recurrence_builder import BuiltRecurrence, from_rrule

# A window that crosses midnight (22:00–02:00) is allowed for wall-clock windows up to this long;
# anything longer is far more likely a start and end typed the wrong way round.
MAX_OVERNIGHT_MINUTES = 12 * 60
# clean() expands rules with mixed anchors over this many days to find a window that ends
# before it starts (e.g. candle-lighting after nightfall on a second festival night).
WINDOW_CHECK_DAYS = 366

# Staffing of one patrol. A patrol at a protected site is a pair or a small team; even a High
# Holy Day service at a large synagogue has a handful of officers and CST volunteers at the door.
# The bounds keep a typo (100000) from making a patrol with a hundred thousand places.
MAX_OFFICERS_PER_PATROL = 20
MAX_VOLUNTEERS_PER_PATROL = 20
# A recurrence is an RRULE of a few hundred characters at most and lines of extra or skipped
# dates (recurrence.MAX_RULE_LENGTH, MAX_DATES_PER_LIST): room for two school years of closures.
RECURRENCE_MAX_LENGTH = 3000


class PatrolKind(models.TextChoices):
    POLICE = "police", "Police"
    JOINT = "joint", "Joint with CST"


class Trigger(models.TextChoices):
    RRULE = "rrule", "Repeating (RRULE)"
    CALENDAR = "calendar", "Jewish calendar"


class Timing(models.TextChoices):
    DAY = "day", "On the day"
    EVENING = "evening", "On its evening (the evening before)"


class Anchor(models.TextChoices):
    TIME = "time", "Clock time"
    SUNSET = "sunset", "Sunset"
    CANDLE_LIGHTING = "candle_lighting", "Candle-lighting"
    NIGHTFALL = "nightfall", "Nightfall (havdalah)"
    # The site's own service of that day (sites.models.SiteService, the rule's `service_part`):
    # used at both ends, the offsets moving the service's start and end.
    SERVICE = "service", "The site's service"


class SiteSelection(models.TextChoices):
    SITES = "sites", "Chosen sites"
    KINDS = "kinds", "Every site of some kinds"


# How each observance category reads on a page.
CATEGORY_LABELS = {
    "shabbat": "Shabbat",
    "yom_tov": "Yom tov",
    "chol_hamoed": "Chol HaMoed",
    "erev": "Erev (eve of a festival)",
    "minor": "Minor festivals (Chanukah, Purim, …)",
    "fast": "Fast days",
    "rosh_chodesh": "Rosh Chodesh",
    "modern": "Modern (Yom HaShoah, HaAtzmaut, …)",
}


def _list_validator(allowed, what: str):
    def validate(value) -> None:
        if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
            raise ValidationError(f"Give a list of {what}.", code="invalid")
        unknown = sorted(set(value) - set(allowed()))
        if unknown:
            raise ValidationError(
                f"Unknown {what}: {', '.join(unknown)}. Known: {', '.join(sorted(allowed()))}.", code="unknown"
            )

    return validate


def validate_categories(value) -> None:
    _list_validator(lambda: jewish_calendar.CATEGORIES, "observance categories")(value)


def validate_observance_keys(value) -> None:
    _list_validator(lambda: jewish_calendar.OBSERVANCE_KINDS.keys(), "observances")(value)


def validate_periods(value) -> None:
    _list_validator(lambda: jewish_calendar.PERIODS.keys(), "periods")(value)


def validate_site_kinds(value) -> None:
    _list_validator(lambda: SiteKind.values, "site kinds")(value)


def validate_risk_tiers(value) -> None:
    if not isinstance(value, list) or not all(isinstance(item, int) and not isinstance(item, bool) for item in value):
        raise ValidationError("Give a list of risk tiers (1, 2, 3).", code="invalid")
    unknown = sorted(set(value) - set(RiskTier.values))
    if unknown:
        raise ValidationError(f"Unknown risk tiers: {', '.join(map(str, unknown))}. Known: 1, 2, 3.", code="unknown")


def validate_rule_date(value) -> None:
    """A rule's validity dates lie in the span rules are planned in (calendar_rules.dates)."""
    try:
        check_rule_date(value)
    except ValueError as error:
        raise ValidationError(str(error), code="out_of_range") from None


offset_validators = [MinValueValidator(-720), MaxValueValidator(720)]


class PatrolRule(models.Model):
    """When, where and with whom a kind of patrol happens in one area."""

    area = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="patrol_rules")
    label = models.CharField(
        max_length=100,
        validators=[single_line_text],
        help_text="Shown on the rota, e.g. “Kol Nidre” or “Shabbat morning”.",
    )
    kind = models.CharField(max_length=10, choices=PatrolKind.choices, default=PatrolKind.POLICE)
    officers_required = models.PositiveSmallIntegerField(
        default=1, validators=[MinValueValidator(1), MaxValueValidator(MAX_OFFICERS_PER_PATROL)]
    )
    volunteers_required = models.PositiveSmallIntegerField(
        default=0,
        validators=[MaxValueValidator(MAX_VOLUNTEERS_PER_PATROL)],
        help_text="CST volunteers on a joint patrol (at least one); none on a police patrol.",
    )

    # When
    trigger = models.CharField(max_length=10, choices=Trigger.choices, default=Trigger.RRULE)
    recurrence = models.TextField(
        blank=True,
        max_length=RECURRENCE_MAX_LENGTH,
        validators=[multi_line_text],
        help_text="An RFC 5545 RRULE, e.g. FREQ=WEEKLY;BYDAY=SA, optionally with EXDATE/RDATE lines.",
    )
    observance_categories = models.JSONField(default=list, blank=True, validators=[validate_categories])
    observance_keys = models.JSONField(default=list, blank=True, validators=[validate_observance_keys])
    periods = models.JSONField(
        default=list,
        blank=True,
        validators=[validate_periods],
        help_text="With categories or observances: only those inside these periods. Alone: every day of them.",
    )
    timing = models.CharField(
        max_length=10,
        choices=Timing.choices,
        default=Timing.DAY,
        help_text="For calendar rules: patrol on the observance's day, or on its evening (the evening before).",
    )

    # The window
    start_anchor = models.CharField(max_length=20, choices=Anchor.choices, default=Anchor.TIME)
    start_time = models.TimeField(null=True, blank=True)
    start_offset_minutes = models.SmallIntegerField(default=0, validators=offset_validators)
    duration_minutes = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(24 * 60)]
    )
    end_anchor = models.CharField(max_length=20, choices=Anchor.choices, blank=True)
    end_time = models.TimeField(null=True, blank=True)
    end_offset_minutes = models.SmallIntegerField(default=0, validators=offset_validators)
    # With Anchor.SERVICE: which of the site's services of the day gives the window.
    service_part = models.CharField(max_length=12, choices=ServicePart.choices, blank=True)

    # Where
    site_selection = models.CharField(max_length=10, choices=SiteSelection.choices, default=SiteSelection.SITES)
    sites = models.ManyToManyField(Site, blank=True, related_name="patrol_rules")
    site_kinds = models.JSONField(default=list, blank=True, validators=[validate_site_kinds])
    # With site_selection KINDS: only sites of these risk tiers (empty: every tier).
    site_risk_tiers = models.JSONField(default=list, blank=True, validators=[validate_risk_tiers])

    # Precedence: a rule replaces the overlapping patrols of rules of lower precedence at the same
    # site (they are not created, or cancelled by the generator — never one with people on it).
    precedence = models.PositiveSmallIntegerField(
        default=0,
        validators=[MaxValueValidator(100)],
        help_text="Replaces overlapping patrols of rules with a lower precedence at the same site (0: none).",
    )
    # Active only while the area's alert level is raised (sites.models.AreaSurge).
    surge_only = models.BooleanField(
        "surge rule", default=False, help_text="Patrols only while the area's alert level is raised."
    )

    valid_from = models.DateField(validators=[validate_rule_date])
    valid_until = models.DateField(null=True, blank=True, validators=[validate_rule_date])
    active = models.BooleanField(default=True)
    # Optimistic locking: an edit names the version it started from; a stale one is refused.
    version = models.PositiveIntegerField(default=1, editable=False)
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    history = HistoricalRecords(m2m_fields=[sites])

    # What a person edits (the rule form and the API, in this order); the rest is kept by the code.
    EDITABLE_FIELDS = (
        "area",
        "label",
        "kind",
        "officers_required",
        "volunteers_required",
        "trigger",
        "recurrence",
        "observance_categories",
        "observance_keys",
        "periods",
        "timing",
        "start_anchor",
        "start_time",
        "start_offset_minutes",
        "duration_minutes",
        "end_anchor",
        "end_time",
        "end_offset_minutes",
        "service_part",
        "site_selection",
        "sites",
        "site_kinds",
        "site_risk_tiers",
        "precedence",
        "surge_only",
        "valid_from",
        "valid_until",
    )

    class Meta:
        ordering = ["area", "label"]
        constraints = [
            models.UniqueConstraint(
                fields=["area", "label"],
                name="patrol_rule_label_unique_in_area",
                violation_error_message="This area already has a rule with this label.",
            ),
            models.CheckConstraint(
                condition=models.Q(officers_required__gte=1),
                name="patrol_rule_officers_min_1",
                violation_error_message="A patrol needs at least one officer.",
            ),
            models.CheckConstraint(
                condition=models.Q(officers_required__lte=MAX_OFFICERS_PER_PATROL)
                & models.Q(volunteers_required__lte=MAX_VOLUNTEERS_PER_PATROL),
                name="patrol_rule_staffing_max",
                violation_error_message=(
                    f"A patrol has at most {MAX_OFFICERS_PER_PATROL} officers "
                    f"and {MAX_VOLUNTEERS_PER_PATROL} CST volunteers."
                ),
            ),
            models.CheckConstraint(
                condition=models.Q(kind=PatrolKind.POLICE, volunteers_required=0)
                | models.Q(kind=PatrolKind.JOINT, volunteers_required__gte=1),
                name="patrol_rule_volunteers_match_kind",
                violation_error_message="A joint patrol needs CST volunteers; a police patrol has none.",
            ),
            models.CheckConstraint(
                condition=models.Q(valid_until__isnull=True) | models.Q(valid_until__gte=models.F("valid_from")),
                name="patrol_rule_valid_until_after_from",
                violation_error_message="The rule cannot end before it starts.",
            ),
            models.CheckConstraint(
                condition=models.Q(duration_minutes__isnull=False, end_anchor="")
                | (models.Q(duration_minutes__isnull=True) & ~models.Q(end_anchor="")),
                name="patrol_rule_duration_or_end_anchor",
                violation_error_message="Give a duration or an end, not both.",
            ),
            models.CheckConstraint(
                condition=~models.Q(start_anchor=Anchor.TIME) | models.Q(start_time__isnull=False),
                name="patrol_rule_time_anchor_has_time",
                violation_error_message="Give the start time for a clock-time start.",
            ),
            models.CheckConstraint(
                condition=~models.Q(trigger=Trigger.RRULE) | ~models.Q(recurrence=""),
                name="patrol_rule_rrule_has_recurrence",
                violation_error_message="Give the recurrence of a repeating rule.",
            ),
        ]
        # The generator's load: the active rules of one area.
        indexes = [models.Index(fields=["area", "active"], name="patrol_rule_area_active")]

    def __str__(self) -> str:
        return f"{self.label} ({self.area})" if self.area_id else self.label

    # ---- validation -------------------------------------------------------------------------

    def clean(self) -> None:
        """Refuse what cannot be scheduled, naming the field; normalise what the trigger ignores."""
        refuse_area_change(self)
        errors: dict[str, list[str]] = {}

        def refuse(field: str, message: str) -> None:
            errors.setdefault(field, []).append(message)

        # Fields a trigger does not use are cleared, so a form that switched trigger saves cleanly.
        if self.trigger == Trigger.RRULE:
            self.observance_categories, self.observance_keys, self.periods = [], [], []
            self.timing = Timing.DAY
            if not (self.recurrence or "").strip():
                refuse("recurrence", "Give the recurrence (an RRULE such as FREQ=WEEKLY;BYDAY=SA).")
            else:
                from .recurrence import RecurrenceError, parse_recurrence

                try:
                    parse_recurrence(self.recurrence)
                except RecurrenceError as error:
                    refuse("recurrence", str(error))
        elif self.trigger == Trigger.CALENDAR:
            self.recurrence = ""
            if not (self.observance_categories or self.observance_keys or self.periods):
                refuse(
                    "observance_categories",
                    "Choose at least one observance category, observance or period for a calendar rule.",
                )

        if self.kind == PatrolKind.JOINT and not self.volunteers_required:
            refuse("volunteers_required", "A joint patrol needs at least one CST volunteer.")
        if self.kind == PatrolKind.POLICE and self.volunteers_required:
            refuse("volunteers_required", "A police patrol has no CST volunteers; make it a joint patrol.")

        if self.site_selection == SiteSelection.KINDS:
            if not self.site_kinds:
                refuse("site_kinds", "Choose at least one kind of site, or choose the sites one by one.")
        else:
            self.site_kinds = []

        if self.valid_until and self.valid_from and self.valid_until < self.valid_from:
            refuse("valid_until", "The rule cannot end before it starts (valid until is before valid from).")

        self._clean_window(refuse)
        if errors:
            raise ValidationError(errors)
        if self.area_id and self._window_is_checkable():
            self._clean_window_over_occurrences()

    def validate_unique(self, exclude=None) -> None:
        """A label is unique in its area; say so on the label rather than as a form-wide error."""
        super().validate_unique(exclude=exclude)
        if exclude and ("label" in exclude or "area" in exclude):
            return
        same_label = PatrolRule.objects.filter(area_id=self.area_id, label=self.label).exclude(pk=self.pk)
        if self.area_id and self.label and same_label.exists():
            raise ValidationError({"label": "This area already has a rule with this label; choose another."})

    def _clean_window(self, refuse) -> None:
        if Anchor.SERVICE in (self.start_anchor, self.end_anchor):
            if not self.service_part:
                refuse("service_part", "Choose which of the site's services the window follows.")
        else:
            self.service_part = ""
        if self.start_anchor == Anchor.TIME and self.start_time is None:
            refuse("start_time", "Give the start time for a clock-time start.")
        elif self.start_anchor != Anchor.TIME:
            self.start_time = None
        if self.duration_minutes and self.end_anchor:
            refuse("duration_minutes", "Give a duration or an end, not both.")
            return
        if not self.duration_minutes and not self.end_anchor:
            refuse("duration_minutes", "Give a duration, or an end time or anchor.")
            return
        if self.duration_minutes:
            self.end_time, self.end_offset_minutes = None, 0
            return
        if self.end_anchor == Anchor.TIME and self.end_time is None:
            refuse("end_time", "Give the end time for a clock-time end.")
            return
        if self.end_anchor != Anchor.TIME:
            self.end_time = None
        if (
            self.start_anchor == self.end_anchor == Anchor.TIME
            and self.start_time is not None
            and self.end_time is not None
        ):
            start = self.start_time.hour * 60 + self.start_time.minute + (self.start_offset_minutes or 0)
            end = self.end_time.hour * 60 + self.end_time.minute + (self.end_offset_minutes or 0)
            length = end - start if end > start else end + 24 * 60 - start
            if end <= start and length > MAX_OVERNIGHT_MINUTES:
                refuse("end_time", "The window ends before it starts.")
        elif (
            self.start_anchor == self.end_anchor != Anchor.SERVICE  # a service ends after it starts
            and (self.end_offset_minutes or 0) <= (self.start_offset_minutes or 0)
        ):
            refuse(
                "end_offset_minutes",
                f"The window ends before it starts: both ends are at {self.get_start_anchor_display().lower()}, "
                "so the end offset must be later than the start offset.",
            )

    def _window_is_checkable(self) -> bool:
        # Windows with the same anchor at both ends, or a duration, were checked statically.
        return bool(self.end_anchor) and self.end_anchor != self.start_anchor and self.valid_from is not None

    def _clean_window_over_occurrences(self) -> None:
        start = max(self.valid_from, self.area.today())
        try:
            expand_rule(self.as_spec(), area_location(self.area), start, start + timedelta(days=WINDOW_CHECK_DAYS))
        except InvalidWindow as error:
            raise ValidationError({"end_anchor": f"The window ends before it starts on {error}."}) from None

    def clean_sites(self, sites) -> list[Site]:
        """Check the chosen sites (the M2M cannot be checked in clean()); return what to store."""
        if self.site_selection != SiteSelection.SITES:
            return []
        sites = list(sites)
        if not sites:
            raise ValidationError({"sites": "Choose at least one site, or choose sites by kind."})
        outside = [site.name for site in sites if site.area_id != self.area_id]
        if outside:
            raise ValidationError({"sites": f"Not in this rule's area: {', '.join(outside)}."})
        return sites

    # ---- the pure view of the rule ----------------------------------------------------------

    def as_spec(self) -> RuleSpec:
        """The frozen input of `occurrences.expand_rule` (works on an unsaved rule too)."""
        return RuleSpec(
            rule_id=self.pk,
            trigger=self.trigger,
            recurrence=self.recurrence or "",
            categories=frozenset(self.observance_categories or ()),
            keys=frozenset(self.observance_keys or ()),
            periods=frozenset(self.periods or ()),
            timing=self.timing,
            start_anchor=self.start_anchor,
            start_time=self.start_time,
            start_offset_minutes=self.start_offset_minutes or 0,
            duration_minutes=self.duration_minutes,
            end_anchor=self.end_anchor or None,
            end_time=self.end_time,
            end_offset_minutes=self.end_offset_minutes or 0,
            valid_from=self.valid_from or date.min,
            valid_until=self.valid_until,
            label=self.label,
            service_part=self.service_part or "",
        )

    @property
    def description(self) -> str:
        """The rule as a sentence: "Every Saturday, 10:00–12:00" (`descriptions.describe`)."""
        return describe(self)

    @property
    def built_recurrence(self) -> BuiltRecurrence | None:
        """A repeating rule's recurrence as the builder shows it; None for a calendar rule or a
        recurrence the builder cannot show (it is then edited as raw RFC 5545 text)."""
        return from_rrule(self.recurrence or "") if self.trigger == Trigger.RRULE else None

    @property
    def when_summary(self) -> str:
        """e.g. "FREQ=WEEKLY;BYDAY=SA" or "Yom tov, Kol Nidre — on the evening before"."""
        if self.trigger == Trigger.RRULE:
            lines = [line.strip() for line in (self.recurrence or "").splitlines() if line.strip()]
            first = lines[0].removeprefix("RRULE:") if lines else ""
            return first + (f" (+{len(lines) - 1} more lines)" if len(lines) > 1 else "")
        kinds = jewish_calendar.OBSERVANCE_KINDS
        parts = [CATEGORY_LABELS.get(c, c).split(" (")[0] for c in self.observance_categories]
        parts += [kinds[key].name if key in kinds else key for key in self.observance_keys]
        text = ", ".join(parts)
        if self.periods:
            names = " or ".join(jewish_calendar.PERIODS.get(p, p) for p in self.periods)
            text = f"{text} during the {names}" if text else f"Every day of the {names}"
        return f"{text} — on the evening before" if self.timing == Timing.EVENING else text

    @property
    def where_summary(self) -> str:
        """The chosen sites (uses prefetched `sites`) or the kinds of site."""
        if self.site_selection == SiteSelection.KINDS:
            labels = dict(SiteKind.choices)
            return "Every " + ", ".join(labels.get(kind, kind).lower() for kind in self.site_kinds)
        names = sorted(site.name for site in self.sites.all())
        if len(names) > 3:
            return f"{', '.join(names[:3])} and {len(names) - 3} more"
        return ", ".join(names) or "No sites"

    @property
    def window_summary(self) -> str:
        """e.g. "18 min before candle-lighting, 90 min" or "08:15–08:55"."""

        def point(anchor, clock, offset) -> str:
            if anchor == Anchor.TIME:
                base = clock.strftime("%H:%M") if clock else "?"
                return base if not offset else f"{base} {offset:+d} min"
            name = Anchor(anchor).label.lower()
            if not offset:
                return f"at {name}"
            return f"{abs(offset)} min {'before' if offset < 0 else 'after'} {name}"

        start = point(self.start_anchor, self.start_time, self.start_offset_minutes)
        if self.duration_minutes:
            return f"{start}, {self.duration_minutes} min"
        return f"{start} – {point(self.end_anchor, self.end_time, self.end_offset_minutes)}"


class UpliftMode(models.TextChoices):
    ADD = "add", "Raise by"
    AT_LEAST = "at_least", "Raise to at least"


class StaffingUplift(models.Model):
    """Raises the staffing of the patrols the generator plans: "on these observances or periods
    (or while the area's alert level is raised), at sites of these kinds and risk tiers, raise
    officers required by N (or to at least N), and make the patrol joint with M CST places".
    Never applied to pinned or held patrols (the generator leaves those alone)."""

    area = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="uplifts")
    label = models.CharField(max_length=100, validators=[single_line_text], help_text="e.g. “High Holy Days”.")
    # When: the observances (as a calendar rule chooses them), or every patrol during a surge.
    observance_categories = models.JSONField(default=list, blank=True, validators=[validate_categories])
    observance_keys = models.JSONField(default=list, blank=True, validators=[validate_observance_keys])
    periods = models.JSONField(default=list, blank=True, validators=[validate_periods])
    during_surge = models.BooleanField(
        default=False, help_text="Applies to every patrol while the area's alert level is raised."
    )
    # Where (empty: every kind / every tier).
    site_kinds = models.JSONField(default=list, blank=True, validators=[validate_site_kinds])
    risk_tiers = models.JSONField(default=list, blank=True, validators=[validate_risk_tiers])
    # What
    officers_mode = models.CharField(max_length=10, choices=UpliftMode.choices, default=UpliftMode.ADD)
    officers_value = models.PositiveSmallIntegerField(
        default=0, validators=[MaxValueValidator(MAX_OFFICERS_PER_PATROL)]
    )
    cst_places = models.PositiveSmallIntegerField(
        "CST places",
        default=0,
        validators=[MaxValueValidator(MAX_VOLUNTEERS_PER_PATROL)],
        help_text="Make the patrol joint with at least this many CST places (0: leave it as it is).",
    )
    active = models.BooleanField(default=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["area", "label"]
        constraints = [
            models.UniqueConstraint(
                fields=["area", "label"],
                name="staffing_uplift_label_unique_in_area",
                violation_error_message="This area already has an uplift with this label.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.label} ({self.area})" if self.area_id else self.label
