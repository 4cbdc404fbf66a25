"""Operations sees live rooms and may close one; Support and Read-only see them (see loopin.staff.groups)."""

from django.db import migrations

from loopin.staff.groups import OPERATIONS, READ_ONLY, SUPPORT, grant, grant_view_all

VIEW = ["rooms.view_room", "rooms.view_roommember"]


def forwards(apps, schema_editor):
    grant(apps, OPERATIONS, [*VIEW, "rooms.close_room"])
    grant(apps, SUPPORT, VIEW)
    grant_view_all(apps, READ_ONLY, "rooms")


class Migration(migrations.Migration):
    dependencies = [
        ("rooms", "0001_initial"),
        ("staff", "0001_groups"),
    ]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
