"""Version 1 of the template of every trigger (staff edit them in the admin, as new versions)."""

from django.db import migrations

from loopin.notifications.defaults import DEFAULT_TEMPLATES as TEMPLATES


def seed(apps, schema_editor):
    Template = apps.get_model("notifications", "NotificationTemplate")
    for key, category, screen, title, body in TEMPLATES:
        Template.objects.get_or_create(
            key=key, version=1, defaults={"category": category, "screen": screen, "title": title, "body": body}
        )


def unseed(apps, schema_editor):
    apps.get_model("notifications", "NotificationTemplate").objects.filter(
        key__in=[t[0] for t in TEMPLATES], version=1
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("notifications", "0001_initial")]
    operations = [migrations.RunPython(seed, unseed)]
