"""Generate the rota now, in this process: `manage.py generate_rota [--area SLUG] [--days N]`."""

from django.core.management.base import BaseCommand, CommandError

from patrols.models import RunTrigger
from patrols.services import rota_sync
from sites.models import Area


class Command(BaseCommand):
    help = "Generate the rota of one area (or every area) from today, and print what changed."

    def add_arguments(self, parser):
        parser.add_argument("--area", help="The area's slug (default: every area).")
        parser.add_argument("--days", type=int, help="How many days ahead (default: ROTA_HORIZON_DAYS).")

    def handle(self, *args, area: str | None, days: int | None, **options):
        if days is not None and days < 1:
            raise CommandError("--days must be at least 1.")
        areas = Area.objects.order_by("name")
        if area:
            areas = areas.filter(slug=area)
            if not areas.exists():
                raise CommandError(f"No area with slug {area!r}.")
        failed = 0
        for each in areas:
            try:
                run = rota_sync(area=each, days=days, trigger=RunTrigger.COMMAND)
            except Exception as error:  # recorded on the run; report and go on with the next area
                failed += 1
                self.stderr.write(self.style.ERROR(f"{each.slug}: failed: {error}"))
                continue
            self.stdout.write(
                f"{each.slug}: {run.window_start}..{run.window_end} created={run.created} updated={run.updated} "
                f"cancelled={run.cancelled} restored={run.restored} kept={run.kept} pinned={run.pinned} "
                f"held={run.held} ({run.duration_seconds}s)"
            )
        if failed:
            raise CommandError(f"{failed} area(s) failed; see the generation runs.")
