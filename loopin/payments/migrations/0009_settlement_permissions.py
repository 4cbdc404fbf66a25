"""Finance staff see settlement accounts, splits, transfers and reversals, verify or disable accounts and
retry failed transfers; Read-only sees them all."""

from django.db import migrations

from loopin.staff.groups import FINANCE, READ_ONLY, grant, grant_view_all

FINANCE_PERMS = [
    "payments.view_settlementaccount",
    "payments.add_settlementaccount",
    "payments.change_settlementaccount",
    "payments.verify_settlementaccount",
    "payments.view_eventsettlement",
    "payments.view_settlementsplit",
    "payments.view_settlement",
    "payments.change_settlement",
    "payments.retry_settlement",
    "payments.view_settlementreversal",
]


def forwards(apps, schema_editor):
    grant(apps, FINANCE, FINANCE_PERMS)
    grant_view_all(apps, READ_ONLY, "payments")


class Migration(migrations.Migration):
    dependencies = [("payments", "0008_settlement"), ("staff", "0001_groups")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
