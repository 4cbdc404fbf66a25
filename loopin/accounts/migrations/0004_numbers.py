"""Integer numbers for the mobile app's dialect: a unique `number` beside each UUID, from a DB sequence."""

from django.db import migrations

from loopin.core.ids import numbered_field_operations


class Migration(migrations.Migration):
    dependencies = [("accounts", "0003_lifecycle_and_staff_permissions")]

    operations = [
        *numbered_field_operations("accounts", "user", order_by="date_joined"),
    ]
