"""factory_boy factories; each names what it builds."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import factory
from django.utils import timezone

from loopin.accounts.models import Interest, ProfilePicture, User
from loopin.events.models import Event, EventStatus, JoinMode, Venue, Visibility


class UserWithProfileFactory(factory.django.DjangoModelFactory):
    """A verified user whose profile is complete (name, birth date, gender, an interest, a picture)."""

    class Meta:
        model = User
        skip_postgeneration_save = True

    # +91985000…: clear of the demo people (+91980000…) and the numbers tests write out
    phone_number = factory.Sequence(lambda n: f"+9198{50_000_000 + n:08d}")
    name = factory.Sequence(lambda n: f"Person {chr(65 + n % 26)}{chr(65 + (n // 26) % 26)}")
    birth_date = date(1994, 5, 17)
    gender = "female"
    is_verified = True
    profile_completed_at = factory.LazyFunction(timezone.now)

    @factory.post_generation
    def profile(self, create: bool, extracted: object, **kwargs: object) -> None:
        if not create:
            return
        interest = Interest.objects.filter(is_active=True).first()
        if interest:
            self.interests.add(interest)
        ProfilePicture.objects.create(user=self, position=0, url=f"https://example.com/{self.id}.jpg")


class NewUserFactory(factory.django.DjangoModelFactory):
    """A verified user who has not completed a profile."""

    class Meta:
        model = User

    phone_number = factory.Sequence(lambda n: f"+9197{n:08d}")
    is_verified = True


class VenueFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Venue

    name = factory.Sequence(lambda n: f"Venue {n}")
    address = "1 MG Road"
    city = "Bengaluru"
    country_code = "IN"
    latitude = Decimal("12.971600")
    longitude = Decimal("77.594600")


class PublishedEventFactory(factory.django.DjangoModelFactory):
    """A published, public, free, open event starting in three days."""

    class Meta:
        model = Event
        skip_postgeneration_save = True

    host = factory.SubFactory(UserWithProfileFactory)
    title = factory.Sequence(lambda n: f"Community meetup {n}")
    slug = factory.LazyAttribute(lambda o: o.title.lower().replace(" ", "-"))
    canonical_id = factory.Sequence(lambda n: f"ev{n:06d}")
    description = "A friendly meetup."
    city = "Bengaluru"
    country_code = "IN"
    latitude = 12.9716
    longitude = 77.5946
    location_text = "Cubbon Park"
    start_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=3))
    end_at = factory.LazyAttribute(lambda o: o.start_at + timedelta(hours=2))
    capacity = 0
    status = EventStatus.PUBLISHED
    published_at = factory.LazyFunction(timezone.now)
    join_mode = JoinMode.OPEN
    visibility = Visibility.PUBLIC
    allowed_genders = factory.LazyFunction(lambda: ["all"])

    @factory.post_generation
    def interests(self, create: bool, extracted: list[Interest] | None, **kwargs: object) -> None:
        if not create:
            return
        chosen = extracted if extracted is not None else list(Interest.objects.filter(is_active=True)[:1])
        self.interests.set(chosen)
