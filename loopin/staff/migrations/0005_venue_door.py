"""Operations checks tickets in at any venue's events (venuecommerce.work_venue_door), as it works parking gates."""

from django.db import migrations

from loopin.staff.groups import venue_door_groups_sync


def forwards(apps, schema_editor):
    venue_door_groups_sync(apps)


class Migration(migrations.Migration):
    dependencies = [("staff", "0004_commerce"), ("venuecommerce", "0003_work_venue_door")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
