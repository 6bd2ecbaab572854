"""How long the Jewish calendar and zmanim take over a century, cold and warm.

    python bench/calendar_speed.py [first_year] [last_year]

Times observances_between + times_between for one place (Borehamwood) over
2000-2100 by default: cold (the first call in this process, nothing cached), then
warm (the per-year caches filled). Two baselines run over the same days in the same
process, so the ratios hold on any machine:

- a plain loop that builds each day's ``date`` and adds a day: the floor for any
  per-day work in Python;
- hebrewcal's own public ``sunset`` + ``dusk`` for every day, the obvious way to get
  the same two times per day, which our NOAA path replaces.

Target: the cold century under one second.
"""

import sys
import time
from datetime import date, timedelta
from pathlib import Path

from hebrewcal import GregorianDate
from hebrewcal.astro import Location as HebrewcalLocation
from hebrewcal.astro import dusk
from hebrewcal.astro import sunset as hebrewcal_sunset

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run as a script from anywhere
from calendar_rules.jewish_calendar import observances_between  # noqa: E402
from calendar_rules.zmanim import Location, times_between  # noqa: E402

BOREHAMWOOD = Location(51.6565, -0.2715, "Europe/London")
TARGET_SECONDS = 1.0


def timed(work):
    started = time.perf_counter()
    result = work()
    return time.perf_counter() - started, result


def calendar_and_times(start: date, end: date) -> tuple[int, int]:
    observances = observances_between(start, end)
    days = times_between(BOREHAMWOOD, start, end)
    return len(observances), len(days)


def date_loop(start: date, end: date) -> int:
    count, day, one_day = 0, start, timedelta(days=1)
    while day <= end:
        count += day.toordinal() & 1  # touch the day so the loop is not empty
        day += one_day
    return count


def hebrewcal_sun(start: date, end: date) -> int:
    place = HebrewcalLocation(BOREHAMWOOD.latitude, BOREHAMWOOD.longitude, 0.0, BOREHAMWOOD.timezone)
    count = 0
    for ordinal in range(start.toordinal(), end.toordinal() + 1):
        gregorian = GregorianDate.from_rd(ordinal)
        count += hebrewcal_sunset(gregorian, place) is not None
        count += dusk(gregorian, place, 8.5) is not None
    return count


def main() -> None:
    first_year = int(sys.argv[1]) if len(sys.argv) > 1 else 2000
    last_year = int(sys.argv[2]) if len(sys.argv) > 2 else 2100
    start, end = date(first_year, 1, 1), date(last_year, 12, 31)
    days = end.toordinal() - start.toordinal() + 1

    # Cold first, before anything has filled a cache (ours or hebrewcal's).
    cold_calendar, observances = timed(lambda: observances_between(start, end))
    cold_times, _ = timed(lambda: times_between(BOREHAMWOOD, start, end))
    cold = cold_calendar + cold_times
    warm, _ = timed(lambda: calendar_and_times(start, end))
    loop, _ = timed(lambda: date_loop(start, end))
    naive, _ = timed(lambda: hebrewcal_sun(start, end))

    print(f"{first_year}-{last_year}: {days} days, {len(observances)} observances, Borehamwood")
    print(f"  cold   observances_between        {cold_calendar:8.3f} s")
    print(f"  cold   times_between              {cold_times:8.3f} s  ({cold_times / days * 1e6:.1f} µs a day)")
    print(f"  cold   both                       {cold:8.3f} s  (target < {TARGET_SECONDS:.0f} s)")
    print(f"  warm   both                       {warm:8.3f} s")
    print(f"  base   date loop                  {loop:8.3f} s")
    print(f"  base   hebrewcal sunset + dusk    {naive:8.3f} s")
    print(f"  cold / date loop                  {cold / loop:8.1f} x")
    print(f"  warm / date loop                  {warm / loop:8.1f} x")
    print(f"  cold / hebrewcal sunset + dusk    {cold / naive:8.2f} x")
    print(f"  cold / warm                       {cold / warm:8.1f} x")
    print(
        f"  {'PASS' if cold < TARGET_SECONDS else 'FAIL'}: cold century {'under' if cold < TARGET_SECONDS else 'over'} "
        f"{TARGET_SECONDS:.0f} s"
    )


if __name__ == "__main__":
    main()
