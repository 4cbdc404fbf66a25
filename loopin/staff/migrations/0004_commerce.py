"""What each staff group may do with venue commerce, parking and the marketplace (issue 18)."""

from django.db import migrations

from loopin.staff.groups import commerce_groups_sync


def forwards(apps, schema_editor):
    commerce_groups_sync(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("staff", "0003_totp_enrolment_link"),
        ("venuecommerce", "0002_order_idempotency_key"),
        ("parking", "0001_initial"),
        ("marketplace", "0001_initial"),
    ]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
