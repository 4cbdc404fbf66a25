"""Every registered model's admin pages render (list with search and filters, change page), and the
pages that must stay read-only refuse edits."""

from __future__ import annotations

import importlib
import re
from html import unescape

import pytest
from django.apps import apps
from django.contrib import admin
from django.contrib.auth.models import Group, Permission
from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice

from loopin.accounts.models import User
from loopin.audit.models import AuditEntry
from loopin.staff.groups import (
    COMMERCE_GRANTS,
    FINANCE,
    OPERATIONS,
    READ_ONLY,
    SUPPORT,
    commerce_groups_sync,
    groups_sync,
    venue_door_groups_sync,
)
from loopin.testing.fixtures import signed_in_user


@pytest.fixture
def admin_client(api):
    signed_in_user(api, "+916205829376")  # a lead, codes, a session, pictures, audit entries
    staff = User.objects.create_superuser(phone_number="+919999999999", password="a-long-admin-password")
    TOTPDevice.objects.create(user=staff, name="phone", confirmed=False)
    client = Client()
    client.force_login(staff)
    return client


def _pages(model) -> list[str]:
    base = f"/admin/{model._meta.app_label}/{model._meta.model_name}/"
    pages = [base, base + "?q=91", base + "?o=1"]
    obj = model._default_manager.first()
    if obj is not None:
        pages.append(f"{base}{obj.pk}/change/")
    return pages


def _filter_links(html: str) -> list[str]:
    if 'id="changelist-filter"' not in html:
        return []
    section = html.split('id="changelist-filter"', 1)[1].split("</nav>", 1)[0]
    return sorted({unescape(link) for link in re.findall(r'href="(\?[^"]*)"', section)})


def test_every_admin_page_and_filter_renders(admin_client):
    checked = 0
    for model in admin.site._registry:
        pages = _pages(model)
        for url in pages:
            r = admin_client.get(url)
            assert r.status_code == 200, f"{url}: {r.status_code}"
            checked += 1
        for link in _filter_links(admin_client.get(pages[0]).content.decode()):
            r = admin_client.get(pages[0] + link)
            assert r.status_code == 200, f"{pages[0]}{link}: {r.status_code}"
            checked += 1
    assert checked >= 60


def test_audit_entries_cannot_be_added_changed_or_deleted(admin_client):
    entry = AuditEntry.objects.first()
    base = "/admin/audit/auditentry/"
    assert admin_client.get(base + "add/").status_code == 403
    assert admin_client.post(f"{base}{entry.pk}/change/", {"action": "nothing"}).status_code == 403
    assert admin_client.get(f"{base}{entry.pk}/delete/").status_code == 403
    entry.refresh_from_db()
    assert entry.action != "nothing"


@pytest.mark.parametrize(
    "path", ["/admin/accounts/otpcode/", "/admin/accounts/phonelead/", "/admin/accounts/authsession/"]
)
def test_codes_leads_and_sessions_cannot_be_deleted(admin_client, path):
    model = apps.get_model("accounts", path.split("/")[3])
    obj = model._default_manager.first()
    assert admin_client.get(f"{path}{obj.pk}/delete/").status_code == 403


def test_totp_keys_are_never_shown_or_typed_in(admin_client):
    device = TOTPDevice.objects.get()
    html = admin_client.get(f"/admin/otp_totp/totpdevice/{device.pk}/change/").content.decode()
    assert device.key not in html
    assert admin_client.get("/admin/otp_totp/totpdevice/add/").status_code == 403


def test_the_staff_groups_exist_with_their_permissions(db):
    groups_sync(apps)
    perms = {
        g.name: set(Permission.objects.filter(group=g).values_list("content_type__app_label", "codename").iterator())
        for g in Group.objects.all()
    }
    assert {OPERATIONS, SUPPORT, FINANCE, READ_ONLY} <= set(perms)
    assert ("accounts", "suspend_user") in perms[OPERATIONS]
    assert ("accounts", "suspend_user") not in perms[SUPPORT]
    assert {("accounts", "verify_lead"), ("accounts", "promote_user")} <= perms[SUPPORT]
    assert all(codename.startswith("view_") for _, codename in perms[READ_ONLY])
    assert ("audit", "view_auditentry") in perms[READ_ONLY]
    # Finance changes money (payments' own grants), hosts' tax profiles for GST invoices (invoices' grant) and
    # the marketplace's fee, and nothing of accounts or the audit log.
    assert {
        (app, codename)
        for app, codename in perms[FINANCE]
        if app != "payments" and codename.startswith(("delete_", "change_"))
    } == {("invoices", "change_taxprofile"), ("marketplace", "change_marketplacefee")}
    groups_sync(apps)  # idempotent
    assert Group.objects.filter(name=OPERATIONS).count() == 1


def _group_perms(name):
    return {f"{app}.{code}" for app, code in Permission.objects.filter(group__name=name)
            .values_list("content_type__app_label", "codename")}  # fmt: skip


def test_commerce_permissions_go_to_the_groups_that_run_them(db):
    groups_sync(apps)
    commerce_groups_sync(apps)
    venue_door_groups_sync(apps)
    importlib.import_module("loopin.looppay.migrations.0003_staff_permissions").forwards(apps, None)
    operations, support, finance, read_only = (_group_perms(g) for g in (OPERATIONS, SUPPORT, FINANCE, READ_ONLY))
    assert all(set(perms) <= _group_perms(group) for group, perms in COMMERCE_GRANTS.items())
    # The powers the API's staff checks need (venuecommerce.access.STAFF_PERMISSIONS) are Operations'.
    assert {"venuecommerce.change_venueorder", "parking.operate_gate", "parking.change_parkinglot"} <= operations
    assert {p for g in (support, finance, read_only) for p in g} & {"venuecommerce.work_venue_door"} == set()
    assert "venuecommerce.work_venue_door" in operations
    assert {"parking.waive_overstaycharge", "marketplace.change_marketplacefee"} <= finance - operations
    assert {"looppay.grant_promotional_credit", "looppay.add_adjustment"} <= finance
    assert not {p for p in support if p.split(".")[0] in {"venuecommerce", "parking", "marketplace"}
                and not p.split(".")[1].startswith("view_")}  # fmt: skip
    assert {"venuecommerce.view_menuitem", "parking.view_parkingquote", "marketplace.view_marketplacefee"} <= read_only
    assert not {p for p in read_only if not p.split(".")[1].startswith("view_")}
