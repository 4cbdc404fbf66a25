"""The staff groups and what each may do (see loopin.staff.groups)."""

from django.db import migrations

from loopin.staff.groups import FINANCE, OPERATIONS, READ_ONLY, SUPPORT, grant, grant_view_all

SUPPORT_PERMS = [
    "accounts.view_user",
    "accounts.change_user",
    "accounts.promote_user",
    "accounts.view_profilepicture",
    "accounts.change_profilepicture",
    "accounts.view_interest",
    "accounts.view_phonelead",
    "accounts.verify_lead",
    "accounts.view_otpcode",
    "accounts.view_authsession",
    "accounts.change_authsession",
    "audit.view_auditentry",
]
OPERATIONS_PERMS = SUPPORT_PERMS + [
    "accounts.suspend_user",
    "accounts.add_interest",
    "accounts.change_interest",
    "accounts.add_profilepicture",
    "accounts.delete_profilepicture",
    "otp_totp.view_totpdevice",
]
FINANCE_PERMS = ["accounts.view_user", "audit.view_auditentry"]


def create_groups(apps, schema_editor):
    grant(apps, OPERATIONS, OPERATIONS_PERMS)
    grant(apps, SUPPORT, SUPPORT_PERMS)
    grant(apps, FINANCE, FINANCE_PERMS)
    for app_label in ("accounts", "audit"):
        grant_view_all(apps, READ_ONLY, app_label)


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
