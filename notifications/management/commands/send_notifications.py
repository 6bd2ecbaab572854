from django.core.management.base import BaseCommand

from notifications.services import notifications_send_due


class Command(BaseCommand):
    help = "Send the outbox's due messages now (what the every-minute beat task does)."

    def handle(self, *args, **options):
        counts = notifications_send_due()
        self.stdout.write(f"sent {counts.sent}, held {counts.held}, to retry {counts.retried}, failed {counts.failed}")
