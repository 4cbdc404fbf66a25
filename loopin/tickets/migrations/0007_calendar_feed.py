"""A person's secret calendar feed of their tickets (only the token's hash is kept). Support and Operations may
look feeds up and delete one (which turns that address off); Read-only sees them."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

from loopin.staff.groups import OPERATIONS, READ_ONLY, SUPPORT, grant


def forwards(apps, schema_editor):
    for group in (OPERATIONS, SUPPORT):
        grant(apps, group, ["tickets.view_calendarfeed", "tickets.delete_calendarfeed"])
    grant(apps, READ_ONLY, ["tickets.view_calendarfeed"])


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0006_otp_guess_buckets"),
        ("staff", "0001_groups"),
        ("tickets", "0006_ticket_tier"),
    ]

    operations = [
        migrations.CreateModel(
            name="CalendarFeed",
            fields=[
                (
                    "user",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="calendar_feed",
                        serialize=False,
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                ("token_hash", models.CharField(editable=False, max_length=64, unique=True)),
                ("created_at", models.DateTimeField(help_text="When the current address was made (rotated).")),
            ],
            options={"verbose_name": "calendar feed"},
        ),
        migrations.RunPython(forwards, migrations.RunPython.noop),
    ]
