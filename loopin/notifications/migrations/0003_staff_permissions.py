"""Staff groups: Operations runs templates and campaigns; Support looks up and resends notifications."""

from django.db import migrations

from loopin.staff.groups import OPERATIONS, READ_ONLY, SUPPORT, grant, grant_view_all

OPERATIONS_PERMS = [
    "notifications.view_notification",
    "notifications.resend_notification",
    "notifications.view_delivery",
    "notifications.view_device",
    "notifications.change_device",
    "notifications.view_notificationtemplate",
    "notifications.add_notificationtemplate",
    "notifications.change_notificationtemplate",
    "notifications.view_campaign",
    "notifications.add_campaign",
    "notifications.change_campaign",
    "notifications.send_campaign",
]
SUPPORT_PERMS = [
    "notifications.view_notification",
    "notifications.resend_notification",
    "notifications.view_delivery",
    "notifications.view_device",
    "notifications.change_device",
]


def forwards(apps, schema_editor):
    grant(apps, OPERATIONS, OPERATIONS_PERMS)
    grant(apps, SUPPORT, SUPPORT_PERMS)
    grant_view_all(apps, READ_ONLY, "notifications")


class Migration(migrations.Migration):
    dependencies = [("notifications", "0002_seed_templates"), ("staff", "0001_groups")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
