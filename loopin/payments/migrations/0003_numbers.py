"""Integer numbers for the mobile app's dialect: a unique `number` beside each UUID, from a DB sequence."""

from django.db import migrations

from loopin.core.ids import numbered_field_operations


class Migration(migrations.Migration):
    dependencies = [("payments", "0002_finance_permissions")]

    operations = [
        *numbered_field_operations("payments", "order", order_by="created_at"),
        *numbered_field_operations("payments", "bankaccount", order_by="created_at"),
    ]
