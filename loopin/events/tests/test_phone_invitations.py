"""Inviting a phone number: an account gets the invitation; a number without one gets an SMS, and the
invitation waits for its sign-up. The host's answer is the same either way."""

from __future__ import annotations

import pytest

from loopin.accounts.sms import get_sms_backend
from loopin.events.models import Invitation, InvitationStatus, PhoneInvitation, PhoneInvitationStatus
from loopin.people.services.blocks import block_create
from loopin.testing.factories import PublishedEventFactory, UserWithProfileFactory
from loopin.testing.fixtures import sign_up, token_for

pytestmark = pytest.mark.django_db(transaction=True)

NEW_NUMBER = "+916205829376"


def _invite(api, host, event, phone):
    return api.post(
        f"/api/v2/events/{event.id}/invitations/by-phone", json={"phone_number": phone}, headers=token_for(host)
    )


def test_a_number_with_an_account_gets_an_ordinary_invitation(api):
    host, guest = UserWithProfileFactory(name="Host Asha"), UserWithProfileFactory(phone_number="+919812300001")
    event = PublishedEventFactory(host=host)
    r = _invite(api, host, event, "98123 00001")
    assert r.status_code == 201, r.text
    assert r.json()["data"] == {"phone_number": "+91******0001", "status": "invited"}
    assert Invitation.objects.get(event=event).invitee_id == guest.id
    assert not PhoneInvitation.objects.exists()
    assert [m.to for m in get_sms_backend().outbox] == []


def test_a_number_without_an_account_gets_an_sms_and_the_invitation_waits_for_sign_up(api):
    host = UserWithProfileFactory(name="Host Asha")
    event = PublishedEventFactory(host=host, title="Rooftop jam")
    r = _invite(api, host, event, NEW_NUMBER)
    assert r.status_code == 201 and r.json()["data"] == {"phone_number": "+91******9376", "status": "invited"}
    (sms,) = [m for m in get_sms_backend().outbox if m.to == NEW_NUMBER]
    assert "Host Asha invited you to Rooftop jam on Loopin" in sms.body and "/invite/" in sms.body
    invite = PhoneInvitation.objects.get(event=event)
    assert (invite.status, invite.sms_status) == (PhoneInvitationStatus.WAITING, "sent")
    again = _invite(api, host, event, NEW_NUMBER)
    assert again.status_code == 201
    assert len([m for m in get_sms_backend().outbox if m.to == NEW_NUMBER]) == 1  # no second SMS

    body = sign_up(api, NEW_NUMBER)

    invitation = Invitation.objects.get(event=event, invitee_id=body["data"]["user_id"])
    assert (invitation.status, invitation.invited_by_id) == (InvitationStatus.PENDING, host.id)
    invite.refresh_from_db()
    assert (invite.status, invite.invitation_id) == (PhoneInvitationStatus.CLAIMED, invitation.id)


def test_invitation_sms_is_rate_limited_per_host(api, app_settings):
    app_settings.PHONE_INVITE_SMS_RATE = "2/day"
    host = UserWithProfileFactory()
    event = PublishedEventFactory(host=host)
    assert _invite(api, host, event, "+916205829371").status_code == 201
    assert _invite(api, host, event, "+916205829372").status_code == 201
    third = _invite(api, host, event, "+916205829373")
    assert (third.status_code, third.json()["error_code"]) == (429, "RATE_LIMITED")
    assert "Retry-After" in third.headers


def test_a_blocked_number_looks_invited_but_gets_nothing(api):
    host, guest = UserWithProfileFactory(), UserWithProfileFactory(phone_number="+919812300002")
    event = PublishedEventFactory(host=host)
    block_create(user=guest, blocked_id=host.id)
    r = _invite(api, host, event, "+919812300002")
    assert r.status_code == 201 and r.json()["data"]["status"] == "invited"
    assert not Invitation.objects.exists()


def test_only_the_host_invites_and_bad_numbers_are_422(api):
    host, other = UserWithProfileFactory(), UserWithProfileFactory()
    event = PublishedEventFactory(host=host)
    assert _invite(api, other, event, NEW_NUMBER).status_code == 403
    bad = _invite(api, host, event, "12")
    assert (bad.status_code, bad.json()["error_code"]) == (422, "VALIDATION_ERROR")


# ---------------------------------------------------------------- invitation texts spend the SMS budgets of codes


def _texts_to(phone):
    return [m for m in get_sms_backend().outbox if m.to == phone]


def test_a_number_gets_no_more_texts_than_its_code_budget_and_the_invitation_still_waits(api, app_settings):
    app_settings.OTP_MAX_SENDS_PER_HOUR = 2
    app_settings.OTP_RESEND_COOLDOWN_SECONDS = 0
    hosts = [UserWithProfileFactory() for _ in range(3)]
    events = [PublishedEventFactory(host=h) for h in hosts]
    assert api.post("/api/v2/auth/signup", json={"phone_number": NEW_NUMBER}).status_code == 200  # 1 code

    answers = [_invite(api, h, e, NEW_NUMBER) for h, e in zip(hosts, events, strict=True)]

    # Every host gets the same answer; only the text that fits the hour's budget (2 = the code + 1) went out.
    assert [(r.status_code, r.json()["data"]) for r in answers] == [
        (201, {"phone_number": "+91******9376", "status": "invited"})
    ] * 3
    assert len(_texts_to(NEW_NUMBER)) == 2
    statuses = {i.event_id: i.sms_status for i in PhoneInvitation.objects.filter(phone_number=NEW_NUMBER)}
    assert statuses == {events[0].id: "sent", events[1].id: "held", events[2].id: "held"}
    # Texts never cost the person their own sign-in: codes count their own sends only.
    body = sign_up(api, NEW_NUMBER)
    assert Invitation.objects.filter(invitee_id=body["data"]["user_id"]).count() == 3


def test_a_second_invitation_within_the_resend_cooldown_sends_no_text(api, app_settings):
    app_settings.OTP_RESEND_COOLDOWN_SECONDS = 60
    first, second = UserWithProfileFactory(), UserWithProfileFactory()
    assert _invite(api, first, PublishedEventFactory(host=first), NEW_NUMBER).status_code == 201
    again = _invite(api, second, PublishedEventFactory(host=second), NEW_NUMBER)
    assert again.status_code == 201 and again.json()["data"]["status"] == "invited"
    assert len(_texts_to(NEW_NUMBER)) == 1
    assert sorted(PhoneInvitation.objects.values_list("sms_status", flat=True)) == ["held", "sent"]


def test_invitation_texts_and_code_requests_share_the_per_ip_budget(api, app_settings):
    app_settings.OTP_IP_SENDS_PER_HOUR = 2
    host = UserWithProfileFactory()
    event = PublishedEventFactory(host=host)
    assert api.post("/api/v2/auth/signup", json={"phone_number": "+916205829301"}).status_code == 200
    assert _invite(api, host, event, "+916205829302").status_code == 201

    third = _invite(api, host, event, "+916205829303")
    code = api.post("/api/v2/auth/signup", json={"phone_number": "+916205829304"})

    assert (third.status_code, third.json()["details"]["scope"]) == (429, "otp_send_ip")
    assert (code.status_code, code.json()["details"]["scope"]) == (429, "otp_send_ip")
    assert _texts_to("+916205829303") == [] and _texts_to("+916205829304") == []
    assert not PhoneInvitation.objects.filter(phone_number="+916205829303").exists()


def test_an_invitation_to_a_number_with_an_account_spends_no_sms_budget(api, app_settings):
    app_settings.OTP_IP_SENDS_PER_HOUR = 1
    host, guest = UserWithProfileFactory(), UserWithProfileFactory(phone_number="+919812300003")
    event = PublishedEventFactory(host=host)
    assert _invite(api, host, event, "+919812300003").status_code == 201
    assert api.post("/api/v2/auth/signup", json={"phone_number": "+916205829305"}).status_code == 200
    assert Invitation.objects.get(event=event).invitee_id == guest.id
