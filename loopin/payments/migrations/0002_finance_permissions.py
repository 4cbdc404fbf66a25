"""Finance staff see and act on money; Read-only sees every payments page (see loopin.staff.groups)."""

from django.db import migrations

from loopin.staff.groups import FINANCE, OPERATIONS, READ_ONLY, grant, grant_view_all

FINANCE_PERMS = [
    "payments.view_feeconfig",
    "payments.change_feeconfig",
    "payments.view_order",
    "payments.refund_order",
    "payments.view_refund",
    "payments.view_paymentevent",
    "payments.view_bankaccount",
    "payments.view_payoutrequest",
    "payments.change_payoutrequest",
    "payments.decide_payout",
    "events.view_event",
    "tickets.view_ticket",
]


def forwards(apps, schema_editor):
    grant(apps, FINANCE, FINANCE_PERMS)
    grant(apps, OPERATIONS, ["payments.view_order", "payments.view_refund", "payments.view_paymentevent"])
    grant_view_all(apps, READ_ONLY, "payments")


class Migration(migrations.Migration):
    dependencies = [
        ("payments", "0001_initial"),
        ("staff", "0001_groups"),
        ("events", "0001_initial"),
        ("tickets", "0001_initial"),
    ]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
