"""Staff groups and their permissions, applied by data migrations.

Staff need `is_staff` to open the admin; a group decides what they can see and do there:
- Operations: runs the platform: users (incl. suspend), leads, sessions, interests, audit log;
- Support: helps people: users, leads (verify by hand), sessions, waitlist promotion, audit log;
- Finance: payouts and refunds (added by the payments domain), users and the audit log to look up;
- Read-only: sees every page, changes nothing.

A later domain adds its permissions with its own data migration:

    from loopin.staff.groups import grant, grant_view_all

    def forwards(apps, schema_editor):
        grant(apps, "Finance", ["payments.view_payout", "payments.approve_payout"])
        grant_view_all(apps, "Read-only", "payments")
"""

from __future__ import annotations

from typing import Any

OPERATIONS, SUPPORT, FINANCE, READ_ONLY = "Operations", "Support", "Finance", "Read-only"


def ensure_permissions(apps: Any) -> None:
    """Permissions are normally created after `migrate` finishes; data migrations need them now."""
    from django.contrib.auth.management import create_permissions

    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None


def grant(apps: Any, group_name: str, perms: list[str]) -> None:
    """Give `group_name` (created if missing) the permissions named "app_label.codename"."""
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    ensure_permissions(apps)
    group, _ = Group.objects.get_or_create(name=group_name)
    for perm in perms:
        app_label, codename = perm.split(".", 1)
        group.permissions.add(Permission.objects.get(content_type__app_label=app_label, codename=codename))


def grant_view_all(apps: Any, group_name: str, app_label: str) -> None:
    """Give `group_name` every view_* permission of one app."""
    Permission = apps.get_model("auth", "Permission")
    ensure_permissions(apps)
    codenames = Permission.objects.filter(content_type__app_label=app_label, codename__startswith="view_")
    grant(apps, group_name, [f"{app_label}.{p.codename}" for p in codenames])
