"""Celery beat's "Escalation digests" entry: every five minutes, each area's lead times before a
Shabbat or festival that have passed send its coordinators and inspectors a digest of the CST places
still open (patrols.tasks.send_escalation_digests). Visible and editable in the admin.

It lives with the outbox, whose messages it makes; the task itself is the rota's (it reads joint
patrols, which the outbox may not import)."""

from django.db import migrations
from django.utils import timezone

TASK_NAME = "Escalation digests"
TASK = "patrols.tasks.send_escalation_digests"
EVERY_MINUTES = 5


def create_entry(apps, schema_editor):
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTasks = apps.get_model("django_celery_beat", "PeriodicTasks")
    schedule, _ = IntervalSchedule.objects.get_or_create(every=EVERY_MINUTES, period="minutes")
    PeriodicTask.objects.update_or_create(
        name=TASK_NAME,
        defaults={
            "task": TASK,
            "interval": schedule,
            "crontab": None,
            "enabled": True,
            "description": (
                "At each area's lead times before Shabbat and festivals, email its CST coordinators and "
                "inspectors a digest of the joint patrols' places still open (once per lead and person)."
            ),
        },
    )
    # Tell a running beat that its schedule changed (what PeriodicTask.save() does outside migrations).
    PeriodicTasks.objects.update_or_create(ident=1, defaults={"last_update": timezone.now()})


def remove_entry(apps, schema_editor):
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTask.objects.filter(name=TASK_NAME).delete()
    IntervalSchedule.objects.filter(every=EVERY_MINUTES, period="minutes", periodictask__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("notifications", "0004_duty_reminder_beat"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create_entry, remove_entry)]
