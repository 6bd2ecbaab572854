"""Sunset-relative times for a place: sunset, nightfall, candle-lighting, havdalah, fasts.

Pure: no Django, no clock. London custom, as Hebcal publishes it:

- candle-lighting is sunset, truncated to the minute, minus 18 minutes; on a second
  festival night, and on a Saturday night that starts a festival, candles are lit after
  nightfall instead (but a festival's Friday lights before sunset, for Shabbat);
- nightfall (havdalah) is the sun 8.5 degrees below the horizon, rounded to the nearest
  minute; there is no havdalah between a festival and the Shabbat that follows it;
- a minor fast begins at dawn (sun 16.1 degrees below) and ends at 7.083 degrees;
  Tisha B'Av and Yom Kippur begin at sunset (rounded to the minute) of the day before;
  Tisha B'Av ends at 6.45 degrees, Yom Kippur at havdalah.

The sun's position is the NOAA model (Meeus), the one Hebcal, KosherJava and hebrewcal
all use. We evaluate it here rather than through ``hebrewcal.astro``: hebrewcal takes
the sunset horizon as 0.8333 degrees instead of 50 arcminutes, which puts its sunsets
about 14 ms early, enough to publish a different candle-lighting minute (2026-03-27 in
Borehamwood: 18:07 instead of Hebcal's 18:08); and building its objects per day is too
slow for a century of days. The tests check this model against hebrewcal's (within
10 ms in Britain) and against Hebcal's published times (every one, to the minute).

Every time is an aware datetime in the location's time zone, built from a UTC instant,
so the days the clocks change need no special case.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import lru_cache
from math import acos, asin, cos, floor, pi, sin, tan
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from calendar_rules.jewish_calendar import observances_between

CANDLE_LIGHTING_MINUTES = 18
NIGHTFALL_DEPRESSION = 8.5
DAWN_DEPRESSION = 16.1
FAST_END_DEPRESSION = 7.083
# Hebcal's code ends Tisha B'Av at FAST_END_DEPRESSION too, but the published
# Borehamwood times we test against (2025-2027) end it at 6.45 degrees, some five
# minutes earlier, on all three years. We follow the published times.
TISHA_BAV_END_DEPRESSION = 6.45
# Sunset is the sun's upper limb on the horizon: 34' refraction plus 16' semi-diameter.
SUNSET_DEPRESSION = 50 / 60
# Beyond this latitude the sun stays above 8.5 degrees below the horizon on summer
# nights (90 - 58.06 - 23.44 = 8.5), so there is no nightfall to end Shabbat by.
MAX_LATITUDE = 58.0

_MINOR_FASTS = frozenset({"tzom_gedaliah", "asara_btevet", "taanit_esther", "shiva_asar_btammuz"})
_SUNSET_FASTS = frozenset({"tisha_bav", "yom_kippur"})  # begin the evening before
_FRIDAY = 4
_UNIX_EPOCH_ORDINAL = date(1970, 1, 1).toordinal()
_JULIAN_DAY_OF_ORDINAL_0 = 1721424.5  # JD at 00:00 UTC = ordinal + this
_J2000 = 2451545.0
_RADIAN = pi / 180


@dataclass(frozen=True, slots=True)
class Location:
    """A place: degrees north and east (west is negative) and an IANA time zone."""

    latitude: float
    longitude: float
    timezone: str

    def __post_init__(self) -> None:
        if not -MAX_LATITUDE <= self.latitude <= MAX_LATITUDE:
            raise ValueError(
                f"latitude {self.latitude} is outside ±{MAX_LATITUDE}: nightfall at "
                f"{NIGHTFALL_DEPRESSION}° does not happen there on summer nights"
            )
        if not -180.0 <= self.longitude <= 180.0:
            raise ValueError(f"longitude {self.longitude} is outside ±180")
        try:
            ZoneInfo(self.timezone)
        except (ZoneInfoNotFoundError, ValueError) as error:
            raise ValueError(f"unknown time zone {self.timezone!r}") from error


@dataclass(frozen=True, slots=True)
class DayTimes:
    """The times of one civil day at one place.

    ``candle_lighting`` is on the evening of ``date`` when that evening starts Shabbat or
    a yom tov; ``havdalah`` is on the evening of ``date`` when ``date`` is Shabbat or yom
    tov and the next day is neither. ``fast_begins`` is a fast starting on ``date``: at
    dawn for a minor fast, or at sunset on the day before Tisha B'Av or Yom Kippur (so on
    that day's entry). ``fast_ends`` is on the fast day. As Hebcal publishes them, a minor
    fast on a Friday has no ``fast_ends`` (it runs into Shabbat), and a minor fast on a
    summer day when the sun never gets 16.1° below the horizon has no ``fast_begins``.

    Candle-lighting, havdalah and fast times are whole minutes; sunset and nightfall are
    whole seconds.
    """

    date: date
    sunset: datetime
    nightfall: datetime
    candle_lighting: datetime | None
    candle_lighting_after_nightfall: bool
    havdalah: datetime | None
    fast_begins: datetime | None
    fast_ends: datetime | None


def _sun(julian_day: float) -> tuple[float, float]:
    """Return the sun's (declination in radians, equation of time in minutes)."""
    t = (julian_day - _J2000) / 36525.0
    mean_longitude = ((280.46646 + t * (36000.76983 + t * 0.0003032)) % 360.0) * _RADIAN
    mean_anomaly = (357.52911 + t * (35999.05029 - 0.0001537 * t)) * _RADIAN
    eccentricity = 0.016708634 - t * (0.000042037 + 0.0000001267 * t)
    sin_anomaly = sin(mean_anomaly)
    centre = (
        sin_anomaly * (1.914602 - t * (0.004817 + 0.000014 * t))
        + sin(2 * mean_anomaly) * (0.019993 - 0.000101 * t)
        + sin(3 * mean_anomaly) * 0.000289
    )
    omega = (125.04 - 1934.136 * t) * _RADIAN
    apparent_longitude = mean_longitude + (centre - 0.00569 - 0.00478 * sin(omega)) * _RADIAN
    mean_obliquity = 23.0 + (26.0 + (21.448 - t * (46.815 + t * (0.00059 - t * 0.001813))) / 60.0) / 60.0
    obliquity = (mean_obliquity + 0.00256 * cos(omega)) * _RADIAN
    declination = asin(sin(obliquity) * sin(apparent_longitude))
    y = tan(obliquity / 2.0) ** 2
    equation_of_time = (4.0 / _RADIAN) * (
        y * sin(2 * mean_longitude)
        - 2 * eccentricity * sin_anomaly
        + 4 * eccentricity * y * sin_anomaly * cos(2 * mean_longitude)
        - 0.5 * y * y * sin(4 * mean_longitude)
        - 1.25 * eccentricity * eccentricity * sin(2 * mean_anomaly)
    )
    return declination, equation_of_time


def _solar_events(ordinal: int, location: Location, *events: tuple[float, bool]) -> list[float | None]:
    """Return the UTC timestamps when the sun crosses each (depression, rising) of
    ``events`` on the civil date ``ordinal``; None for a crossing that does not happen.

    The passes are KosherJava's, which Hebcal ports: find solar noon, estimate the event
    from the sun's position at noon, then recompute it from the sun's position at the
    estimate. Two passes, not a converged answer: matching their passes is what keeps
    us on their minute (near the edge of a twilight that barely happens, as dawn at
    16.1 degrees on a British summer night, the estimate matters to the second). Solar
    noon and the first pass are shared by all the events of the day.
    """
    julian_day = ordinal + _JULIAN_DAY_OF_ORDINAL_0
    latitude = location.latitude * _RADIAN
    cos_latitude, tan_latitude = cos(latitude), tan(latitude)
    mean_noon = 720.0 - 4.0 * location.longitude  # minutes after 00:00 UTC
    _, equation_of_time = _sun(julian_day + mean_noon / 1440.0)
    noon_sun = _sun(julian_day + (mean_noon - equation_of_time) / 1440.0)

    def minutes_at(sun: tuple[float, float], depression: float, rising: bool) -> float | None:
        declination, equation_of_time = sun
        cos_hour_angle = cos((90.0 + depression) * _RADIAN) / (cos_latitude * cos(declination)) - tan_latitude * tan(
            declination
        )
        if not -1.0 <= cos_hour_angle <= 1.0:
            return None
        half_arc = 4.0 / _RADIAN * acos(cos_hour_angle)
        return mean_noon - equation_of_time + (-half_arc if rising else half_arc)

    day_start = (ordinal - _UNIX_EPOCH_ORDINAL) * 86400.0
    result: list[float | None] = []
    for depression, rising in events:
        estimate = minutes_at(noon_sun, depression, rising)
        minutes = None if estimate is None else minutes_at(_sun(julian_day + estimate / 1440.0), depression, rising)
        result.append(None if minutes is None else day_start + minutes * 60.0)
    return result


def _evening_events(ordinal: int, location: Location, *depressions: float) -> list[float]:
    """Return the UTC timestamps of the sun setting through each of ``depressions``."""
    timestamps = _solar_events(ordinal, location, *((depression, False) for depression in depressions))
    found: list[float] = []
    for depression, timestamp in zip(depressions, timestamps, strict=True):
        if timestamp is None:  # Location's latitude check rules this out for our depressions
            raise ValueError(f"the sun does not reach {depression}° below the horizon on {date.fromordinal(ordinal)}")
        found.append(timestamp)
    return found


def _whole_second(timestamp: float) -> float:
    return float(floor(timestamp))


def _minute_down(timestamp: float) -> float:
    return floor(timestamp / 60.0) * 60.0


def _minute_nearest(timestamp: float) -> float:
    # Half a minute rounds up, as Hebcal's Zmanim.roundTime does.
    return floor(timestamp / 60.0 + 0.5) * 60.0


def _local(timestamp: float, location: Location) -> datetime:
    return datetime.fromtimestamp(timestamp, ZoneInfo(location.timezone))


def _local_or_none(timestamp: float | None, location: Location) -> datetime | None:
    return None if timestamp is None else _local(timestamp, location)


def sunset(location: Location, day: date) -> datetime:
    """Return sunset on ``day`` at ``location``, to the second."""
    [sunset_at] = _evening_events(day.toordinal(), location, SUNSET_DEPRESSION)
    return _local(_whole_second(sunset_at), location)


def nightfall(location: Location, day: date) -> datetime:
    """Return nightfall (sun 8.5° below the horizon) on ``day``, to the second."""
    [nightfall_at] = _evening_events(day.toordinal(), location, NIGHTFALL_DEPRESSION)
    return _local(_whole_second(nightfall_at), location)


def candle_lighting_time(location: Location, day: date) -> datetime:
    """Return 18 minutes before sunset (sunset truncated to the minute) on any ``day``.

    For rules anchored to candle-lighting on an ordinary evening; ``day_times`` says
    whether candles are actually lit that evening, and when.
    """
    [sunset_at] = _evening_events(day.toordinal(), location, SUNSET_DEPRESSION)
    return _local(_minute_down(sunset_at) - CANDLE_LIGHTING_MINUTES * 60.0, location)


def _day_times(
    ordinal: int,
    location: Location,
    *,
    forbidden_today: bool,
    forbidden_tomorrow: bool,
    fast_today: str | None,
    fast_tomorrow: str | None,
) -> DayTimes:
    day = date.fromordinal(ordinal)
    sunset_at, nightfall_at = _evening_events(ordinal, location, SUNSET_DEPRESSION, NIGHTFALL_DEPRESSION)
    nightfall_minute = _minute_nearest(nightfall_at)

    candle_lighting = None
    after_nightfall = False
    if forbidden_tomorrow:
        # Lighting after nightfall is lighting from an existing flame once today's
        # Shabbat or yom tov is out; Shabbat itself is never lit into.
        after_nightfall = forbidden_today and day.weekday() != _FRIDAY
        candle_lighting = (
            nightfall_minute if after_nightfall else _minute_down(sunset_at) - CANDLE_LIGHTING_MINUTES * 60.0
        )

    havdalah = nightfall_minute if forbidden_today and not forbidden_tomorrow else None

    fast_begins = fast_ends = None
    if fast_tomorrow in _SUNSET_FASTS:
        fast_begins = _minute_nearest(sunset_at)
    if fast_today in _MINOR_FASTS:
        [dawn] = _solar_events(ordinal, location, (DAWN_DEPRESSION, True))
        fast_begins = None if dawn is None else _minute_nearest(dawn)
        if day.weekday() != _FRIDAY:
            [fast_end] = _evening_events(ordinal, location, FAST_END_DEPRESSION)
            fast_ends = _minute_nearest(fast_end)
    elif fast_today == "tisha_bav":
        [fast_end] = _evening_events(ordinal, location, TISHA_BAV_END_DEPRESSION)
        fast_ends = _minute_nearest(fast_end)
    elif fast_today == "yom_kippur":
        fast_ends = nightfall_minute

    return DayTimes(
        date=day,
        sunset=_local(_whole_second(sunset_at), location),
        nightfall=_local(_whole_second(nightfall_at), location),
        candle_lighting=_local_or_none(candle_lighting, location),
        candle_lighting_after_nightfall=after_nightfall,
        havdalah=_local_or_none(havdalah, location),
        fast_begins=_local_or_none(fast_begins, location),
        fast_ends=_local_or_none(fast_ends, location),
    )


@lru_cache(maxsize=128)
def _year_times(location: Location, year: int) -> tuple[DayTimes, ...]:
    """Return the DayTimes of every day of Gregorian ``year``, computed once per place."""
    first, last = date(year, 1, 1), date(year, 12, 31)
    forbidden: set[int] = set()
    fasts: dict[int, str] = {}
    # One day past the year: 31 December's evening depends on 1 January.
    for observance in observances_between(first, last + timedelta(days=1)):
        ordinal = observance.date.toordinal()
        if observance.work_forbidden:
            forbidden.add(ordinal)
        if observance.key in _MINOR_FASTS or observance.key in _SUNSET_FASTS:
            fasts[ordinal] = observance.key
    return tuple(
        _day_times(
            ordinal,
            location,
            forbidden_today=ordinal in forbidden,
            forbidden_tomorrow=ordinal + 1 in forbidden,
            fast_today=fasts.get(ordinal),
            fast_tomorrow=fasts.get(ordinal + 1),
        )
        for ordinal in range(first.toordinal(), last.toordinal() + 1)
    )


def day_times(location: Location, day: date) -> DayTimes:
    """Return the times of ``day`` at ``location`` (see DayTimes)."""
    return _year_times(location, day.year)[day.timetuple().tm_yday - 1]


def times_between(location: Location, start: date, end: date) -> list[DayTimes]:
    """Return the DayTimes of every day from ``start`` to ``end`` inclusive.

    Computed a Gregorian year at a time and cached per (location, year). An empty list
    if ``end`` is before ``start``.
    """
    result: list[DayTimes] = []
    if end < start:
        return result
    for year in range(start.year, end.year + 1):
        days = _year_times(location, year)
        low = start.timetuple().tm_yday - 1 if year == start.year else 0
        high = end.timetuple().tm_yday if year == end.year else len(days)
        result.extend(days[low:high])
    return result
