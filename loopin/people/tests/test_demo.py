"""The demo friend network: `make run` shows friends, mutual friends and suggestions with reasons."""

from __future__ import annotations

import pytest

from loopin.accounts.models import User
from loopin.config.demo import demo_load
from loopin.people.discovery import people_suggestions
from loopin.people.models import Friendship
from loopin.people.profiles import public_profile
from loopin.people.selectors import friend_ids, is_blocked_between

pytestmark = pytest.mark.django_db


def test_demo_network_has_suggestions_mutual_friends_and_a_block():
    demo_load()
    demo_load()  # idempotent
    aarav = User.objects.get(phone_number="+919800000001")
    diya, ananya, rohan = (
        User.objects.get(phone_number=p) for p in ("+919800000002", "+919800000101", "+919800000102")
    )
    assert {diya.id, ananya.id, rohan.id} <= friend_ids(aarav)
    assert Friendship.objects.filter(user=ananya).count() == 4
    rows, total = people_suggestions(viewer=aarav, offset=0, limit=20)
    assert total >= 3 and rows[0]["reason"].endswith("mutual friends")
    isha = User.objects.get(phone_number="+919800000103")
    assert public_profile(viewer=aarav, user_id=isha.id)["mutual_friends"]["count"] == 3
    assert rows[0]["id"] == isha.id and rows[0]["reason"] == "3 mutual friends"
    kabir, ishaan = User.objects.get(phone_number="+919800000003"), User.objects.get(phone_number="+919800000106")
    assert is_blocked_between(ishaan, kabir)
