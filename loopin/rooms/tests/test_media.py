"""LiveKit settings at start-up, and LiveKit being down: the room's change stands, the call is logged."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from loopin.core.settings import Settings
from loopin.rooms import services, stage
from loopin.rooms.models import Role, RoomMember

STRONG = "q2Vx8Lr0Tn4Yw6Hb1Kc9Zd3Fm7Ps5Ga-Ju_Eo2Ri8Uh0Wl4Xy6Nt1Bv9Ck3Dz7Sa"


def _production(**env):
    return Settings(
        _env_file=None, ENVIRONMENT="production", SECRET_KEY=STRONG, PUBLIC_BASE_URL="https://loopinsocial.in",
        TWILIO_ACCOUNT_SID="AC0123456789abcdef0123456789abcdef", TWILIO_AUTH_TOKEN="twilio-auth-token",
        PAYMENT_PROVIDER="razorpay", ALLOWED_HOSTS=["api.loopin.app"], **env,
    )  # fmt: skip


def test_production_refuses_livekit_without_its_key_pair_or_with_the_dev_secret():
    with pytest.raises(ValidationError, match="LIVEKIT_URL needs LIVEKIT_API_KEY and LIVEKIT_API_SECRET"):
        _production(LIVEKIT_URL="http://livekit:7880")
    with pytest.raises(ValidationError, match="LIVEKIT_API_SECRET"):
        _production(LIVEKIT_URL="http://livekit:7880", LIVEKIT_API_KEY="devkey", LIVEKIT_API_SECRET="secret")
    ok = _production(LIVEKIT_URL="http://livekit:7880", LIVEKIT_API_KEY="loopin", LIVEKIT_API_SECRET=STRONG)
    assert ok.LIVEKIT_URL == "http://livekit:7880"


def test_livekit_down_never_fails_the_role_change(hana, sam, livekit):
    room = services.room_create(user=hana, title="Down").room
    services.room_join(user=sam, room_id=room.id)
    livekit.connected.add(str(sam.id))
    livekit.fail_with = 503
    member = stage.member_act(actor=hana, room_id=room.id, user_id=sam.id, action="invite_to_stage")
    assert member.role == Role.SPEAKER
    assert RoomMember.objects.get(room=room, user=sam).role == Role.SPEAKER
    assert livekit.methods() == ["UpdateParticipant"]  # tried once; the worker retries with backoff
