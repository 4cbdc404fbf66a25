"""Demo friend network for `make run`: handles, friends, follows, a private profile, a block. Idempotent.

Signed in as Aarav (+919800000001, the code prints in the console) you see friends, mutual friends on
profiles, and "people you may know" with their reasons; Kabir has blocked Ishaan, so neither finds the other.
"""

from __future__ import annotations

import random
from datetime import date

from django.utils import timezone

from loopin.accounts.models import Interest, ProfilePicture, User
from loopin.people.models import Friendship, PrivacySettings, ProfileVisibility
from loopin.people.services.blocks import block_create
from loopin.people.services.follows import follow_create
from loopin.people.services.friends import friend_request_accept, friend_request_send
from loopin.people.services.profile import ProfileChanges, handle_set, social_profile_update

PEOPLE = [
    ("+919800000101", "Ananya Gupta", "female", "ananya"),
    ("+919800000102", "Rohan Verma", "male", "rohan.v"),
    ("+919800000103", "Isha Kapoor", "female", "isha_k"),
    ("+919800000104", "Vikram Singh", "male", "vikram"),
    ("+919800000105", "Sara Thomas", "female", "sara.t"),
    ("+919800000106", "Ishaan Nair", "male", "ishaan"),
    ("+919800000107", "Pooja Reddy", "female", "pooja"),
    ("+919800000108", "Arjun Das", "male", "arjun.das"),
]
HOST_HANDLES = ["aarav", "diya", "kabir", "meera"]

# Indexes into hosts + people (0-3 the demo hosts, 4-11 the people above).
FRIENDS = [(0, 1), (0, 4), (0, 5), (1, 4), (1, 6), (4, 6), (5, 6), (4, 7), (2, 8), (8, 9), (3, 10), (10, 11), (6, 9)]
FOLLOWS = [(4, 1), (5, 1), (7, 2), (9, 3), (11, 0), (6, 3)]
BLOCK = (2, 9)  # Kabir blocked Ishaan
PRIVATE = 10  # Pooja's profile is private; Arjun's follow waits for her approval
PENDING_FOLLOW = (11, 10)
PENDING_REQUEST = (7, 0)  # Isha asked Aarav to be friends


def demo_people(hosts: list) -> dict[str, int]:
    if Friendship.objects.filter(user=hosts[0]).exists():
        return {"friendships": Friendship.objects.count() // 2}
    rng = random.Random(7)  # noqa: S311 - demo data, not security
    interests = list(Interest.objects.filter(is_active=True))
    people = []
    for phone, name, gender, _ in PEOPLE:
        user, created = User.objects.get_or_create(
            phone_number=phone,
            defaults={
                "name": name,
                "gender": gender,
                "birth_date": date(1995, 1 + len(people), 10),
                "is_verified": True,
                "profile_completed_at": timezone.now(),
                "bio": f"{name.split()[0]} loves meeting new people.",
            },
        )
        if created:
            user.set_unusable_password()
            user.save(update_fields=["password"])
            user.interests.set(rng.sample(interests, 3))
            ProfilePicture.objects.create(
                user=user, position=0, url=f"https://picsum.photos/seed/loopin-{phone[-4:]}/400/400"
            )
        people.append(user)
    everyone = list(hosts) + people
    for user, handle in zip(everyone, HOST_HANDLES + [p[3] for p in PEOPLE], strict=True):
        handle_set(user=user, handle=handle)
        social_profile_update(user=user, changes=ProfileChanges(city="Bengaluru", given={"city"}))
    for a, b in FRIENDS:
        sent = friend_request_send(user=everyone[a], to_user_id=everyone[b].id)
        friend_request_accept(user=everyone[b], request_id=sent.request.id)
    PrivacySettings.objects.update_or_create(
        user=everyone[PRIVATE], defaults={"profile_visibility": ProfileVisibility.PRIVATE}
    )
    for a, b in [*FOLLOWS, PENDING_FOLLOW]:
        follow_create(user=everyone[a], followee_id=everyone[b].id)
    friend_request_send(user=everyone[PENDING_REQUEST[0]], to_user_id=everyone[PENDING_REQUEST[1]].id)
    block_create(user=everyone[BLOCK[0]], blocked_id=everyone[BLOCK[1]].id)
    return {"people": len(people), "friendships": len(FRIENDS), "follows": len(FOLLOWS) + 1, "blocks": 1}
