"""Finance staff see GST documents and edit tax profiles; Read-only sees every invoices page."""

from django.db import migrations

from loopin.staff.groups import FINANCE, READ_ONLY, grant, grant_view_all

FINANCE_PERMS = [
    "invoices.view_invoice",
    "invoices.view_creditnote",
    "invoices.view_documentseries",
    "invoices.view_taxprofile",
    "invoices.change_taxprofile",
]


def forwards(apps, schema_editor):
    grant(apps, FINANCE, FINANCE_PERMS)
    grant_view_all(apps, READ_ONLY, "invoices")


class Migration(migrations.Migration):
    dependencies = [("invoices", "0001_initial"), ("staff", "0001_groups")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
