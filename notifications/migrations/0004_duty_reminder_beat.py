"""Celery beat's "Duty reminders" entry: every 15 minutes, officers with a duty tomorrow are
reminded from 18:00 in their area's time (patrols.tasks.send_duty_reminders; once per officer and
day, however often it runs). Visible and editable in the admin."""

from django.db import migrations
from django.utils import timezone

TASK_NAME = "Duty reminders"
TASK = "patrols.tasks.send_duty_reminders"
EVERY_MINUTES = 15


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
            "description": "From 18:00 in each area, email each officer with a duty tomorrow a reminder (once per officer and day; officers can turn it off on their profile).",
        },
    )
    # Tell a running beat that its schedule changed (what PeriodicTask.save() does outside migrations).
    PeriodicTasks.objects.update_or_create(ident=1, defaults={"last_update": timezone.now()})


def remove_entry(apps, schema_editor):
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTask.objects.filter(name=TASK_NAME).delete()
    # The schedule stays while another entry (patrol outcomes, every 15 minutes too) uses it.
    IntervalSchedule.objects.filter(every=EVERY_MINUTES, period="minutes", periodictask__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("notifications", "0003_wave3_kinds"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create_entry, remove_entry)]
