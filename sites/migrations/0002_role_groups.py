"""The three roles are Django groups; create them so memberships can point at them."""

from django.db import migrations

ROLES = ["inspector", "officer", "cst_coordinator"]


def create_groups(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    for name in ROLES:
        Group.objects.get_or_create(name=name)


def remove_groups(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Group.objects.filter(name__in=ROLES, area_memberships__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("protected_sites", "0001_initial"), ("auth", "0012_alter_user_first_name_max_length")]
    operations = [migrations.RunPython(create_groups, remove_groups)]
