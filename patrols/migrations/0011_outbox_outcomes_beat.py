"""Celery beat's "Patrol outcomes" entry: every 15 minutes, ended patrols are marked completed or missed
(patrols.tasks.mark_patrol_outcomes). Visible and editable in the admin."""

from django.db import migrations
from django.utils import timezone

TASK_NAME = "Patrol outcomes"
TASK = "patrols.tasks.mark_patrol_outcomes"
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
            "description": "Mark ended patrols completed (checked in) or missed (nobody, past the grace period); email inspectors of missed High-risk patrols.",
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
        ("patrols", "0010_missed_reason_briefing_visit_client_id"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create_entry, remove_entry)]
