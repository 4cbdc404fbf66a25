"""The staff groups and what each may do (definitions in loopin.staff.groups)."""

from django.db import migrations

from loopin.staff.groups import FINANCE, OPERATIONS, READ_ONLY, SUPPORT, groups_sync


def create_groups(apps, schema_editor):
    groups_sync(apps)


def remove_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=[OPERATIONS, SUPPORT, FINANCE, READ_ONLY]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("accounts", "0003_lifecycle_and_staff_permissions"),
        ("audit", "0002_append_only_trigger"),
        ("otp_totp", "0003_add_timestamps"),
    ]
    operations = [migrations.RunPython(create_groups, remove_groups)]
