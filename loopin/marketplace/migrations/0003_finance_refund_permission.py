"""Finance staff refund marketplace sales."""

from django.db import migrations

from loopin.staff.groups import FINANCE, grant


def forwards(apps, schema_editor):
    grant(apps, FINANCE, ["marketplace.refund_marketplaceorder", "marketplace.view_marketplaceorder"])


class Migration(migrations.Migration):
    dependencies = [("marketplace", "0002_alter_marketplaceorder_options_and_more"), ("staff", "0001_groups")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
