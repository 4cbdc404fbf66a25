"""Staff groups and organisations: Support and Read-only look; Operations also edits, verifies and transfers
ownership (the admin's actions, each gated by its permission)."""

from django.db import migrations

from loopin.staff.groups import OPERATIONS, READ_ONLY, SUPPORT, grant

LOOK_UP = ["organisations.view_organisation", "organisations.view_membership"]


def forwards(apps, schema_editor):
    grant(apps, SUPPORT, LOOK_UP)
    grant(apps, READ_ONLY, LOOK_UP)
    grant(
        apps,
        OPERATIONS,
        [
            *LOOK_UP,
            "organisations.change_organisation",
            "organisations.verify_organisation",
            "organisations.transfer_organisation",
        ],
    )


class Migration(migrations.Migration):
    dependencies = [
        ("organisations", "0001_initial"),
        ("staff", "0003_totp_enrolment_link"),
    ]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
