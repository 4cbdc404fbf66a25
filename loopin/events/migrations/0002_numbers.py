"""Integer numbers for the mobile app's dialect: a unique `number` beside each UUID, from a DB sequence."""

from django.db import migrations

from loopin.core.ids import numbered_field_operations


class Migration(migrations.Migration):
    dependencies = [("events", "0001_initial")]

    operations = [
        *numbered_field_operations("events", "event", order_by="created_at"),
        *numbered_field_operations("events", "joinrequest", order_by="created_at"),
        *numbered_field_operations("events", "invitation", order_by="created_at"),
    ]
