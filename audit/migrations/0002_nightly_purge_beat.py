"""Celery beat's "Purge patrol view records" entry: 03:30 Europe/London, editable in the admin."""

from django.db import migrations
from django.utils import timezone

TASK_NAME = "Purge patrol view records"
TASK = "audit.tasks.purge_patrol_view_records"
WHEN = {"minute": "30", "hour": "3", "day_of_week": "*", "day_of_month": "*", "month_of_year": "*"}


def create_entry(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTasks = apps.get_model("django_celery_beat", "PeriodicTasks")
    schedule, _ = CrontabSchedule.objects.get_or_create(timezone="Europe/London", **WHEN)
    PeriodicTask.objects.update_or_create(
        name=TASK_NAME,
        defaults={
            "task": TASK,
            "crontab": schedule,
            "enabled": True,
            "description": "Delete records of who viewed patrol times older than AUDIT_RETENTION_DAYS.",
        },
    )
    # Tell a running beat that its schedule changed (what PeriodicTask.save() does outside migrations).
    PeriodicTasks.objects.update_or_create(ident=1, defaults={"last_update": timezone.now()})


def remove_entry(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTask.objects.filter(name=TASK_NAME).delete()
    CrontabSchedule.objects.filter(timezone="Europe/London", periodictask__isnull=True, **WHEN).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0001_patrol_view_record"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create_entry, remove_entry)]
