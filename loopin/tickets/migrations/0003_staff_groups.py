"""Staff groups see tickets and door scans: Support and Operations look them up, Read-only sees all."""

from django.db import migrations

from loopin.staff.groups import OPERATIONS, READ_ONLY, SUPPORT, grant, grant_view_all

LOOK_UP = ["tickets.view_ticket", "tickets.view_scan", "tickets.view_doorstaff", "tickets.view_eventdoorsettings"]


def forwards(apps, schema_editor):
    grant(apps, SUPPORT, LOOK_UP)
    grant(apps, OPERATIONS, [*LOOK_UP, "tickets.add_doorstaff", "tickets.delete_doorstaff",
                             "tickets.change_eventdoorsettings", "tickets.view_checkinkey"])
    grant_view_all(apps, READ_ONLY, "tickets")


class Migration(migrations.Migration):
    dependencies = [
        ("tickets", "0002_door"),
        ("staff", "0001_groups"),
    ]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
