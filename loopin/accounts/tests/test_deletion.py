"""Account deletion and data export: over HTTP, with the erasure proven in the database itself."""

from __future__ import annotations

import io

import pytest
from django.apps import apps
from django.core.files.storage import default_storage
from django.db import connection, models
from django.db.models.functions import Cast
from PIL import Image

from loopin.accounts.models import AuthSession, OtpCode, PhoneLead, ProfilePicture, RefreshToken, User
from loopin.accounts.sms import get_sms_backend
from loopin.audit.models import AuditEntry
from loopin.core import hooks
from loopin.testing.fixtures import auth, interest_ids, last_code, sent_codes, sign_up, signed_in_user

PHONE = "+916205829376"
NAME = "Gaurav Kumar"


def _png() -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (32, 32), (10, 120, 200)).save(buf, format="PNG")
    return buf.getvalue()


@pytest.fixture
def person(api, app_settings):
    """A complete profile with an uploaded picture and a URL picture, and a bio (signed up a while ago)."""
    app_settings.OTP_RESEND_COOLDOWN_SECONDS = 0
    body = sign_up(api, PHONE)
    headers = auth(body)
    r = api.post(
        "/api/v2/auth/complete-profile",
        headers=headers,
        data={
            "name": NAME,
            "birth_date": "1995-01-01",
            "gender": "male",
            "event_interests": [str(i) for i in interest_ids(2)],
            "profile_pictures": "https://example.com/gaurav.jpg",
            "bio": "Loves long walks",
        },
        files=[("profile_pictures", ("me.png", _png(), "image/png"))],
    )
    assert r.status_code == 200, r.text
    return {"headers": headers, "user_id": body["data"]["user_id"], "refresh_token": body["refresh_token"]}


def _request_code(api, headers) -> str:
    r = api.post("/api/v2/me/delete-otp", headers=headers)
    assert r.status_code == 200, r.text
    assert r.json()["data"] == {"otp_sent": True, "expires_in": 600}
    return last_code(PHONE)


def _delete(api, headers, code):
    return api.request("DELETE", "/api/v2/me", headers=headers, json={"otp_code": code})


def _rows_mentioning(text: str) -> list[str]:
    """Every text or JSON column of every Loopin table that still holds `text` (searched in SQL)."""
    found = []
    for model in apps.get_models():
        if not model.__module__.startswith("loopin."):
            continue
        for field in model._meta.concrete_fields:
            if isinstance(field, models.CharField | models.TextField | models.FileField):
                qs = model._base_manager.filter(**{f"{field.attname}__icontains": text})
            elif isinstance(field, models.JSONField):
                qs = model._base_manager.annotate(_text=Cast(field.attname, models.TextField())).filter(
                    _text__icontains=text
                )
            else:
                continue
            if qs.exists():
                found.append(f"{model._meta.label}.{field.attname}")
    return found


def test_delete_otp_sends_a_deletion_code_to_the_callers_phone(api, person):
    _request_code(api, person["headers"])
    code = OtpCode.objects.filter(consumed_at__isnull=True, voided_at__isnull=True).get()
    assert code.purpose == "delete_account"
    assert code.lead.phone_number == PHONE

    assert get_sms_backend().outbox[-1].body.startswith("Your Loopin account deletion code is ")


def test_delete_erases_personal_data_in_the_database(api, person):
    picture_file = ProfilePicture.objects.exclude(image="").get().image.name
    assert default_storage.exists(picture_file)
    code = _request_code(api, person["headers"])

    r = _delete(api, person["headers"], code)

    assert r.status_code == 200, r.text
    assert r.json() == {"success": True, "message": "Account deleted", "data": None}
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT phone_number, name, bio, birth_date, gender, is_active, is_staff, password, deleted_at "
            "FROM accounts_user WHERE id = %s",
            [User._meta.pk.get_db_prep_value(User.objects.get().id, connection)],
        )
        phone, name, bio, birth_date, gender, is_active, is_staff, password, deleted_at = cursor.fetchone()
    assert phone.startswith("deleted:") and len(phone) == 32
    assert (name, bio, birth_date, gender) == ("", "", None, "")
    assert not is_active and not is_staff
    assert password.startswith("!")  # unusable
    assert deleted_at is not None
    assert ProfilePicture.objects.count() == 0
    assert not default_storage.exists(picture_file)
    assert User.objects.get().interests.count() == 0
    assert AuthSession.objects.filter(revoked_at__isnull=True).count() == 0
    assert set(AuthSession.objects.values_list("revoke_reason", "user_agent")) == {("account_deleted", "")}
    assert RefreshToken.objects.count() == 0
    assert PhoneLead.objects.get().phone_number.startswith("deleted:")
    assert OtpCode.objects.exclude(requested_ip=None).count() == 0
    assert _rows_mentioning(PHONE[3:]) == []
    assert _rows_mentioning(NAME) == []
    assert _rows_mentioning("Loves long walks") == []
    assert _rows_mentioning("gaurav.jpg") == []


def test_audit_entries_are_kept_and_point_to_the_anonymised_row(api, person):
    before = AuditEntry.objects.filter(subject_id=person["user_id"]).count()
    _delete(api, person["headers"], _request_code(api, person["headers"]))
    entries = AuditEntry.objects.filter(subject_id=person["user_id"])
    assert entries.count() == before + 1  # nothing removed; account.deleted added
    deleted = entries.get(action="account.deleted")
    assert str(deleted.actor_id) == person["user_id"]
    assert deleted.data["steps"][-3:] == ["accounts.phone_leads", "accounts.sessions", "accounts.profile"]


def test_after_deletion_the_old_tokens_stop_working(api, person):
    _delete(api, person["headers"], _request_code(api, person["headers"]))
    r = api.get("/api/v2/auth/profile", headers=person["headers"])
    assert r.status_code == 401
    assert r.json()["error_code"] == "SESSION_EXPIRED"
    r = api.post("/api/v2/auth/refresh", json={"refresh_token": person["refresh_token"]})
    assert r.status_code == 401


def test_the_same_number_signs_up_again_as_a_new_person(api, person):
    _delete(api, person["headers"], _request_code(api, person["headers"]))
    r = api.post("/api/v2/auth/signup", json={"phone_number": PHONE})
    assert r.json()["data"]["user_status"] == "new"
    r = api.post("/api/v2/auth/verify-otp", json={"phone_number": PHONE, "otp_code": last_code(PHONE)})
    assert r.status_code == 200
    assert r.json()["data"]["user_id"] != person["user_id"]
    assert r.json()["data"]["needs_profile_completion"] is True
    assert User.objects.count() == 2
    assert PhoneLead.objects.filter(phone_number=PHONE).count() == 1


def test_a_wrong_code_deletes_nothing_and_counts_as_a_failure(api, person):
    code = _request_code(api, person["headers"])
    wrong = "0000" if code != "0000" else "1111"
    r = _delete(api, person["headers"], wrong)
    assert r.status_code == 400
    assert r.json()["error_code"] == "OTP_INVALID"
    assert r.json()["details"] == {"attempts_left": 2}
    user = User.objects.get()
    assert user.name == NAME and user.phone_number == PHONE and user.deleted_at is None
    assert PhoneLead.objects.get().failures.count() == 1


def test_a_sign_in_code_cannot_delete_and_a_deletion_code_cannot_sign_in(api, person):
    r = _delete(api, person["headers"], last_code(PHONE))  # the sign-up code, already used
    assert r.json()["error_code"] == "OTP_NOT_FOUND"
    api.post("/api/v2/auth/login", json={"phone_number": PHONE})
    r = _delete(api, person["headers"], last_code(PHONE))  # an unused login code
    assert r.json()["error_code"] == "OTP_NOT_FOUND"
    code = _request_code(api, person["headers"])
    r = api.post("/api/v2/auth/verify-login", json={"phone_number": PHONE, "otp_code": code})
    assert r.json()["error_code"] == "OTP_NOT_FOUND"
    assert User.objects.get().deleted_at is None


def test_deletion_needs_a_signed_in_caller(api):
    assert api.post("/api/v2/me/delete-otp").status_code == 401
    assert api.request("DELETE", "/api/v2/me", json={"otp_code": "1234"}).status_code == 401
    assert api.get("/api/v2/me/export").status_code == 401


def test_deletion_code_requests_share_the_sign_in_limits(api, person, app_settings):
    _request_code(api, person["headers"])
    app_settings.OTP_RESEND_COOLDOWN_SECONDS = 60
    r = api.post("/api/v2/me/delete-otp", headers=person["headers"])
    assert r.status_code == 429
    assert r.json()["details"]["scope"] == "otp_resend_cooldown"
    assert len(sent_codes(PHONE)) == 2  # the sign-up code and one deletion code


def test_a_blocker_refuses_before_the_code_is_sent(api, person, monkeypatch):
    monkeypatch.setitem(hooks._blockers, "events.hosting", lambda user: "You host an upcoming event with guests.")
    r = api.post("/api/v2/me/delete-otp", headers=person["headers"])
    assert r.status_code == 409
    body = r.json()
    assert body["error_code"] == "ACCOUNT_DELETION_BLOCKED"
    assert body["details"] == {
        "blockers": [{"name": "events.hosting", "reason": "You host an upcoming event with guests."}]
    }
    assert OtpCode.objects.filter(purpose="delete_account").count() == 0


def test_a_blocker_that_appears_after_the_code_refuses_and_keeps_the_code(api, person, monkeypatch):
    code = _request_code(api, person["headers"])
    monkeypatch.setitem(hooks._blockers, "events.hosting", lambda user: "You host an upcoming event with guests.")
    r = _delete(api, person["headers"], code)
    assert r.status_code == 409
    assert User.objects.get().deleted_at is None
    monkeypatch.delitem(hooks._blockers, "events.hosting")
    assert _delete(api, person["headers"], code).status_code == 200


def test_a_failing_erasure_step_rolls_the_whole_deletion_back(api, person, monkeypatch):
    def broken(user):
        raise RuntimeError("provider down")

    monkeypatch.setitem(hooks._erasure_steps, "payments.refunds", (100, broken))
    code = _request_code(api, person["headers"])
    r = _delete(api, person["headers"], code)
    assert r.status_code == 500
    user = User.objects.get()
    assert (user.name, user.phone_number, user.is_active) == (NAME, PHONE, True)
    assert ProfilePicture.objects.count() == 2
    assert OtpCode.objects.get(purpose="delete_account").consumed_at is None


def test_other_domains_steps_run_first_and_see_the_person(api, person, monkeypatch):
    seen = []
    monkeypatch.setitem(hooks._erasure_steps, "events.requests", (100, lambda user: seen.append(user.phone_number)))
    _delete(api, person["headers"], _request_code(api, person["headers"]))
    assert seen == [PHONE]


def test_export_holds_everything_about_the_caller(api, person):
    r = api.get("/api/v2/me/export", headers=person["headers"])
    assert r.status_code == 200
    data = r.json()["data"]
    assert data["user_id"] == person["user_id"]
    assert {"profile", "sessions", "phone_leads", "audit"} <= set(data)
    profile = data["profile"]
    assert (profile["phone_number"], profile["name"], profile["bio"]) == (PHONE, NAME, "Loves long walks")
    assert profile["birth_date"] == "1995-01-01"
    assert len(profile["event_interests"]) == 2
    assert len(profile["profile_pictures"]) == 2
    assert len(data["sessions"]) == 1 and data["sessions"][0]["user_agent"] == "testclient"
    assert data["phone_leads"][0]["phone_number"] == PHONE
    assert [c["purpose"] for c in data["phone_leads"][0]["codes"]] == ["signup"]
    actions = [e["action"] for e in data["audit"]]
    assert {"user.created", "auth.login", "profile.completed"} <= set(actions)
    assert "code_hash" not in str(data)


def test_export_includes_the_sections_other_domains_register(api, person, monkeypatch):
    monkeypatch.setitem(hooks._export_sections, "tickets", lambda user: [{"event": "Jazz night"}])
    data = api.get("/api/v2/me/export", headers=person["headers"]).json()["data"]
    assert data["tickets"] == [{"event": "Jazz night"}]


def test_a_waitlisted_user_can_still_export_and_delete(api, app_settings):
    app_settings.WAITLIST_ENABLED = True
    app_settings.OTP_RESEND_COOLDOWN_SECONDS = 0
    user = signed_in_user(api, PHONE)
    assert User.objects.get().is_waitlisted
    assert api.get("/api/v2/me/export", headers=user["headers"]).status_code == 200
    code = _request_code(api, user["headers"])
    assert _delete(api, user["headers"], code).status_code == 200
