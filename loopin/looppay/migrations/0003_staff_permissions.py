"""Finance looks at the ledger and adjusts credit by hand; Operations grants promotional credit; Read-only sees it."""

from django.db import migrations

from loopin.staff.groups import FINANCE, OPERATIONS, READ_ONLY, grant, grant_view_all

VIEW = [
    "looppay.view_account",
    "looppay.view_journalentry",
    "looppay.view_line",
    "looppay.view_adjustment",
    "looppay.view_reconciliationrun",
]
FINANCE_PERMS = [*VIEW, "looppay.add_adjustment", "looppay.grant_promotional_credit", "payments.view_charge"]
OPERATIONS_PERMS = ["looppay.view_account", "looppay.view_adjustment", "looppay.grant_promotional_credit"]


def forwards(apps, schema_editor):
    grant(apps, FINANCE, FINANCE_PERMS)
    grant(apps, OPERATIONS, OPERATIONS_PERMS)
    grant_view_all(apps, READ_ONLY, "looppay")


class Migration(migrations.Migration):
    dependencies = [("looppay", "0002_adjustments_reconciliation"), ("payments", "0011_charges"), ("staff", "0001_groups")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
