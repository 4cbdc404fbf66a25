"""A failed reconciliation run stays an open staff alert until acknowledged; Finance may acknowledge."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

from loopin.staff.groups import FINANCE, grant


def forwards(apps, schema_editor):
    grant(apps, FINANCE, ["looppay.acknowledge_reconciliationrun"])


class Migration(migrations.Migration):
    dependencies = [
        ("looppay", "0003_staff_permissions"),
        ("staff", "0001_groups"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="reconciliationrun",
            options={
                "ordering": ["-ran_at"],
                "permissions": [("acknowledge_reconciliationrun", "Can acknowledge a failed reconciliation run")],
            },
        ),
        migrations.AddField(
            model_name="reconciliationrun",
            name="acknowledged_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="reconciliationrun",
            name="acknowledged_by",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AddField(
            model_name="reconciliationrun",
            name="acknowledgement",
            field=models.CharField(blank=True, max_length=500),
        ),
        migrations.RunPython(forwards, migrations.RunPython.noop),
    ]
