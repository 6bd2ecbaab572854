"""Drop DRF's plain-text API tokens (rest_framework.authtoken), replaced by django-rest-knox.

authtoken kept each token in clear in `authtoken_token`; the app is no longer installed, so its
table is dropped here and its migration records removed (so that installing it again would
create the table afresh). Every token issued before this migration stops working: clients sign
in again with POST /api/v1/auth/token/ and get a hashed, expiring one. There is nothing to
restore on the way back.
"""

from django.db import migrations


def forget_authtoken_migrations(apps, schema_editor):
    schema_editor.execute("DELETE FROM django_migrations WHERE app = %s", ["authtoken"])


class Migration(migrations.Migration):
    dependencies = [("protected_sites", "0002_role_groups")]
    operations = [
        migrations.RunSQL("DROP TABLE IF EXISTS authtoken_token", reverse_sql=migrations.RunSQL.noop),
        migrations.RunPython(forget_authtoken_migrations, migrations.RunPython.noop),
    ]
