"""Demo data for `make run`: every domain adds its part here, and every part is idempotent."""

from __future__ import annotations

import random
from datetime import date

from django.db import transaction
from django.utils import timezone

DEMO_HOSTS = [
    ("+919800000001", "Aarav Mehta", "male", date(1990, 4, 12)),
    ("+919800000002", "Diya Sharma", "female", date(1993, 9, 3)),
    ("+919800000003", "Kabir Rao", "male", date(1988, 1, 27)),
    ("+919800000004", "Meera Iyer", "female", date(1996, 6, 18)),
]


def demo_users() -> list:
    from loopin.accounts.models import Interest, ProfilePicture, User

    interests = list(Interest.objects.filter(is_active=True))
    rng = random.Random(42)  # noqa: S311 - demo data, not security
    users = []
    for phone, name, gender, birth in DEMO_HOSTS:
        user, created = User.objects.get_or_create(
            phone_number=phone,
            defaults={
                "name": name,
                "gender": gender,
                "birth_date": birth,
                "is_verified": True,
                "is_host": True,
                "profile_completed_at": timezone.now(),
                "bio": f"{name.split()[0]} hosts meetups.",
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


def demo_load() -> dict[str, int]:
    from loopin.accounts.services import interests_ensure_defaults

    with transaction.atomic():
        interests_ensure_defaults()
        hosts = demo_users()
        summary = {"hosts": len(hosts)}
        for loader in _domain_loaders():
            summary.update(loader(hosts))
    return summary


def _domain_loaders() -> list:
    from loopin.events.demo import demo_events
    from loopin.notifications.demo import demo_notifications
    from loopin.payments.demo import demo_payments
    from loopin.posts.demo import demo_posts
    from loopin.stories.demo import demo_stories

    return [demo_events, demo_payments, demo_notifications, demo_posts, demo_stories]
