"""Staff groups and their permissions, applied by data migrations.

Staff need `is_staff` to open the admin; a group decides what they can see and do there:
- Operations: runs the platform: users (incl. suspend), leads, sessions, interests, audit log;
- Support: helps people: users, leads (verify by hand), sessions, waitlist promotion, audit log;
- Finance: payouts and refunds (added by the payments domain), users and the audit log to look up;
- Read-only: sees every page, changes nothing.

`groups_sync` applies GROUPS (only ever adding); migration staff/0001 runs it. A later domain adds its
permissions with its own data migration:

    from loopin.staff.groups import grant, grant_view_all

    def forwards(apps, schema_editor):
        grant(apps, "Finance", ["payments.view_payout", "payments.approve_payout"])
        grant_view_all(apps, "Read-only", "payments")
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.management import create_permissions

OPERATIONS, SUPPORT, FINANCE, READ_ONLY = "Operations", "Support", "Finance", "Read-only"

_SUPPORT = [
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
GROUPS: dict[str, list[str]] = {
    OPERATIONS: [
        *_SUPPORT,
        "accounts.suspend_user",
        "accounts.add_interest",
        "accounts.change_interest",
        "accounts.add_profilepicture",
        "accounts.delete_profilepicture",
        "otp_totp.view_totpdevice",
    ],
    SUPPORT: _SUPPORT,
    FINANCE: ["accounts.view_user", "audit.view_auditentry"],
    READ_ONLY: [],  # every view_* permission of READ_ONLY_APPS
}
READ_ONLY_APPS = ["accounts", "audit"]


def groups_sync(apps: Any) -> None:
    """Create the staff groups and give them their permissions (idempotent; never removes any)."""
    for name, perms in GROUPS.items():
        grant(apps, name, perms)
    for app_label in READ_ONLY_APPS:
        grant_view_all(apps, READ_ONLY, app_label)


_EVENTS_VIEW = [
    "events.view_venue",
    "events.view_event",
    "events.view_eventimage",
    "events.view_eventslug",
    "events.view_hostlead",
    "events.view_joinrequest",
    "events.view_invitation",
    "events.view_invitelink",
    "tickets.view_ticket",
]
EVENT_GRANTS: dict[str, list[str]] = {
    # Operations runs events: verifies venues, cancels events, works host leads, moderates cover images.
    OPERATIONS: [
        *_EVENTS_VIEW,
        "events.change_venue",
        "events.change_event",
        "events.change_eventimage",
        "events.delete_eventimage",
        "events.change_hostlead",
    ],
    # Support looks things up for people and follows up host leads.
    SUPPORT: [*_EVENTS_VIEW, "events.change_hostlead"],
}
EVENT_READ_ONLY_APPS = ["events", "tickets"]


def events_groups_sync(apps: Any) -> None:
    """The groups' permissions on events and tickets (migration staff/0002; idempotent)."""
    for name, perms in EVENT_GRANTS.items():
        grant(apps, name, perms)
    for app_label in EVENT_READ_ONLY_APPS:
        grant_view_all(apps, READ_ONLY, app_label)


def ensure_permissions(apps: Any) -> None:
    """Permissions are normally created after `migrate` finishes; data migrations need them now."""

    for app_config in apps.get_app_configs():
        original = getattr(app_config, "models_module", None)
        app_config.models_module = original or True  # historical app configs have none
        try:
            create_permissions(app_config, apps=apps, verbosity=0)
        finally:
            app_config.models_module = original


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


_COMMERCE_LOOKUP = [
    "venuecommerce.view_venuestaff",
    "venuecommerce.view_venueorder",
    "venuecommerce.view_venueorderline",
    "parking.view_parkinglot",
    "parking.view_parkingreservation",
    "parking.view_gatescan",
    "parking.view_overstaycharge",
    "marketplace.view_listing",
    "marketplace.view_marketplaceorder",
    "marketplace.view_rating",
]
COMMERCE_GRANTS: dict[str, list[str]] = {
    # Operations runs venues, lots and the marketplace for their owners: venue staff, menus, counters, orders
    # (the admin's cancel-and-refund), lots and their gates, listings.
    OPERATIONS: [
        *_COMMERCE_LOOKUP,
        "venuecommerce.add_venuestaff",
        "venuecommerce.delete_venuestaff",
        "venuecommerce.view_counter",
        "venuecommerce.change_counter",
        "venuecommerce.view_menuitem",
        "venuecommerce.change_menuitem",
        "venuecommerce.view_menuvariant",
        "venuecommerce.change_menuvariant",
        "venuecommerce.change_venueorder",
        "parking.change_parkinglot",
        "parking.view_parkingpriceband",
        "parking.operate_gate",
        "marketplace.view_listingphoto",
        "marketplace.change_listing",
    ],
    # Support looks orders, reservations and sales up for the people who ask.
    SUPPORT: _COMMERCE_LOOKUP,
    # Finance owns the money: overstay waivers and the marketplace's fee.
    FINANCE: [
        "venuecommerce.view_venueorder",
        "parking.view_parkingreservation",
        "parking.view_overstaycharge",
        "parking.waive_overstaycharge",
        "marketplace.view_marketplaceorder",
        "marketplace.view_marketplacefee",
        "marketplace.change_marketplacefee",
    ],
}
COMMERCE_READ_ONLY_APPS = ["venuecommerce", "parking", "marketplace"]


def commerce_groups_sync(apps: Any) -> None:
    """The groups' permissions on venue commerce, parking and the marketplace (migration staff/0004; idempotent).
    LoopPay's are its own migration (looppay/0003)."""
    for name, perms in COMMERCE_GRANTS.items():
        grant(apps, name, perms)
    for app_label in COMMERCE_READ_ONLY_APPS:
        grant_view_all(apps, READ_ONLY, app_label)


# Operations works doors as it works parking gates: a Loopin staff member checks guests in at any venue's event
# through the tickets door (venuecommerce.access.STAFF_PERMISSIONS["door"]). Its own migration (staff/0005):
# the permission came after staff/0004.
VENUE_DOOR_GRANTS: dict[str, list[str]] = {OPERATIONS: ["venuecommerce.work_venue_door"]}


def venue_door_groups_sync(apps: Any) -> None:
    """The groups that work venue doors (migration staff/0005; idempotent)."""
    for name, perms in VENUE_DOOR_GRANTS.items():
        grant(apps, name, perms)
