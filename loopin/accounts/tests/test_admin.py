"""The leads admin, driven through Django's own admin views."""

from __future__ import annotations

import pytest

from loopin.accounts.models import PhoneLead, User
from loopin.accounts.services import otp_request
from loopin.audit.models import AuditEntry
from loopin.testing.fixtures import superuser_client

PHONE = "+916205829376"


@pytest.fixture
def staff_client(db):
    return superuser_client()


def test_leads_list_shows_unverified_phones(staff_client):
    client, _ = staff_client
    otp_request(phone_number=PHONE, purpose="signup")
    r = client.get("/admin/accounts/phonelead/?verified=no")
    assert r.status_code == 200
    assert PHONE in r.content.decode()


def test_verify_a_lead_by_hand_creates_the_user(staff_client):
    client, staff = staff_client
    otp_request(phone_number=PHONE, purpose="signup")
    lead = PhoneLead.objects.get(phone_number=PHONE)
    r = client.post(
        "/admin/accounts/phonelead/", {"action": "verify_by_hand", "_selected_action": [str(lead.id)]}, follow=True
    )
    assert r.status_code == 200
    user = User.objects.get(phone_number=PHONE)
    lead.refresh_from_db()
    assert user.is_verified
    assert lead.user_id == user.id and lead.verified_at is not None
    assert lead.verified_manually_by_id == staff.id
    assert AuditEntry.objects.filter(action="lead.verified_manually", actor=staff).count() == 1
    assert lead.codes.filter(voided_at__isnull=True).count() == 0  # the pending code no longer works
