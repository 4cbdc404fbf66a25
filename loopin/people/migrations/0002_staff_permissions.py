"""Staff groups: Operations and Support work the moderation queue; Read-only sees the graph."""

from django.db import migrations

from loopin.staff.groups import OPERATIONS, READ_ONLY, SUPPORT, grant, grant_view_all

MODERATION = [
    "people.view_report",
    "people.moderate_report",
    "people.view_friendship",
    "people.view_friendrequest",
    "people.view_follow",
    "people.view_block",
    "people.view_mute",
    "people.view_personprofile",
    "people.view_handlehistory",
    "people.view_privacysettings",
]


def forwards(apps, schema_editor):
    grant(apps, OPERATIONS, MODERATION)
    grant(apps, SUPPORT, MODERATION)
    grant_view_all(apps, READ_ONLY, "people")


class Migration(migrations.Migration):
    dependencies = [("people", "0001_initial"), ("staff", "0001_groups")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
