"""The demo people for `make run` (hosts and guests, idempotent); every domain's demo signs them up here."""

from __future__ import annotations

import random
from datetime import date

from django.utils import timezone

from loopin.accounts.models import Interest, ProfilePicture, User

DEMO_HOSTS = [
    ("+919800000001", "Aarav Mehta", "male", date(1990, 4, 12)),
    ("+919800000002", "Diya Sharma", "female", date(1993, 9, 3)),
    ("+919800000003", "Kabir Rao", "male", date(1988, 1, 27)),
    ("+919800000004", "Meera Iyer", "female", date(1996, 6, 18)),
]
# Guests who already hold tickets, wait on requests and bought seats (not hosts).
DEMO_GUESTS = [
    ("+919800000101", "Riya Kapoor", "female", date(1997, 2, 14)),
    ("+919800000102", "Arjun Nair", "male", date(1994, 11, 2)),
    ("+919800000103", "Sana Qureshi", "female", date(1999, 7, 21)),
    ("+919800000104", "Vikram Singh", "male", date(1992, 3, 9)),
]


def demo_users(people: list | None = None, *, hosts: bool = True) -> list:
    interests = list(Interest.objects.filter(is_active=True))
    rng = random.Random(42)  # noqa: S311 - demo data, not security
    users = []
    for phone, name, gender, birth in DEMO_HOSTS if people is None else people:
        user, created = User.objects.get_or_create(
            phone_number=phone,
            defaults={
                "name": name,
                "gender": gender,
                "birth_date": birth,
                "is_verified": True,
                "is_host": hosts,
                "profile_completed_at": timezone.now(),
                "bio": f"{name.split()[0]} hosts meetups." if hosts else f"{name.split()[0]} likes meeting people.",
            },
        )
        if created:
            user.set_unusable_password()
            user.save(update_fields=["password"])
            user.interests.set(rng.sample(interests, 3))
            ProfilePicture.objects.create(
                user=user, position=0, url=f"https://picsum.photos/seed/loopin-{phone[-4:]}/400/400"
            )
        users.append(user)
    return users


def demo_guests() -> list:
    """The demo guests (idempotent), for domains whose demo needs people with tickets or requests."""
    return demo_users(DEMO_GUESTS, hosts=False)


def demo_sign_in_lines() -> list[str]:
    """What `make run` prints: who to sign in as, and how (the console SMS backend prints the code)."""
    lines = ["Sign in as a demo account: POST /api/auth/login with its phone number; the code prints in this log."]
    lines += [f"  host   {phone}  {name}" for phone, name, *_ in DEMO_HOSTS]
    lines += [f"  guest  {phone}  {name}" for phone, name, *_ in DEMO_GUESTS]
    return lines
