"""Integer numbers for the mobile app's dialect: a unique `number` beside each UUID, from a DB sequence."""

from django.db import migrations

from loopin.core.ids import numbered_field_operations


class Migration(migrations.Migration):
    dependencies = [("tickets", "0004_scan_method_help")]

    operations = [
        *numbered_field_operations("tickets", "ticket", order_by="issued_at"),
    ]
