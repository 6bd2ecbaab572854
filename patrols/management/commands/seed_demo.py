"""Load the demo: fictional areas, sites, people and volunteers. Safe to run twice."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from calendar_rules.demo import seed_rules
from patrols.demo import seed_rota
from people.demo import seed_people
from sites.demo import seed_areas_and_sites

DEFAULT_PASSWORD = "shomer-demo"  # noqa: S105 — demo logins only; refused with DEBUG off unless forced


class Command(BaseCommand):
    help = "Create (or refresh) the demo data and print the demo logins."

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="Run even with DEBUG off.")
        parser.add_argument("--password", default=DEFAULT_PASSWORD, help="Password for newly created demo users.")

    def handle(self, *args, force: bool, password: str, **options):
        if not settings.DEBUG and not force:
            raise CommandError("seed_demo adds demo users with known passwords; with DEBUG off, pass --force.")
        now = timezone.now()
        today = timezone.localdate(now)
        with transaction.atomic():
            demo_area, second_area = seed_areas_and_sites()
            logins = seed_people(demo_area=demo_area, second_area=second_area, password=password, today=today)
            demo_rules = seed_rules(demo_area, today=today)
            second_rules = seed_rules(second_area, today=today, minimal=True)
        # The rota is generated after the rules are committed, as the nightly run would see them.
        rota = {area: seed_rota(area=area, now=now) for area in (demo_area, second_area)}
        self.stdout.write(self.style.SUCCESS(f"Demo data ready in {demo_area.name} and {second_area.name}."))
        self.stdout.write(
            f"Patrol rules: {len(demo_rules)} in {demo_area.name}, {len(second_rules)} in {second_area.name}."
        )
        for area, (created, assigned) in rota.items():
            self.stdout.write(
                f"Rota of {area.name}: {created} patrols generated, {assigned} officer assignments added."
            )
        self.stdout.write(f"Logins (password for new users: {password}):")
        for username, role in logins:
            self.stdout.write(f"  {username:<12} {role}")
