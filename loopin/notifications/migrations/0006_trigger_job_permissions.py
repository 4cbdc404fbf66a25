"""Staff groups may look at trigger jobs (Operations, Support, Read-only)."""

from django.db import migrations

from loopin.staff.groups import OPERATIONS, READ_ONLY, SUPPORT, grant


def forwards(apps, schema_editor):
    for group in (OPERATIONS, SUPPORT, READ_ONLY):
        grant(apps, group, ["notifications.view_triggerjob"])


class Migration(migrations.Migration):
    dependencies = [("notifications", "0005_trigger_jobs")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
