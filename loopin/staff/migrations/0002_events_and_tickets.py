"""What each staff group may do with events, venues, host leads, requests, invitations and tickets."""

from django.db import migrations

from loopin.staff.groups import events_groups_sync


def forwards(apps, schema_editor):
    events_groups_sync(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("staff", "0001_groups"),
        ("events", "0001_initial"),
        ("tickets", "0001_initial"),
    ]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
