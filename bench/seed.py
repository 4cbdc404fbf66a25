"""Load the benchmark data set into DATABASE_URL with a fixed seed (bulk_create; ~10-30 s on PostgreSQL).

    DATABASE_URL=postgresql://... python -m bench.seed [--users 5000] [--events 400] [--tickets 30000]

Users with complete profiles (a picture, two interests), venues in eight cities, events (mostly published,
public and upcoming; some private, draft, paid, capped), one cover image each, and valid tickets with the
events' seat counters kept consistent. Prints one JSON line with the counts.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import string
import uuid
from datetime import date, timedelta
from decimal import Decimal

CITIES = [
    ("Mumbai", 19.0760, 72.8777),
    ("Bengaluru", 12.9716, 77.5946),
    ("Delhi", 28.6139, 77.2090),
    ("Hyderabad", 17.3850, 78.4867),
    ("Chennai", 13.0827, 80.2707),
    ("Pune", 18.5204, 73.8567),
    ("Kolkata", 22.5726, 88.3639),
    ("Goa", 15.2993, 74.1240),
]
WORDS = [
    "Sunrise",
    "Run",
    "Jazz",
    "Night",
    "Founders",
    "Meetup",
    "Yoga",
    "Morning",
    "Food",
    "Walk",
    "Board",
    "Games",
    "Indie",
    "Film",
    "Club",
    "Salsa",
    "Social",
    "Tech",
    "Talks",
    "Art",
    "Jam",
    "Book",
    "Circle",
]


def seed(*, users: int, events: int, tickets: int, rng: random.Random, posts: int = 20000) -> dict[str, int]:
    from django.db import transaction
    from django.utils import timezone
    from django.utils.text import slugify

    from loopin.accounts.models import Interest, ProfilePicture, User
    from loopin.accounts.services import interests_ensure_defaults
    from loopin.events.models import Event, EventImage, EventStatus, JoinMode, Venue, Visibility
    from loopin.tickets.models import Ticket, TicketSource, TicketStatus

    interests_ensure_defaults()
    interest_ids = list(Interest.objects.filter(is_active=True).values_list("id", flat=True))
    now = timezone.now()
    with transaction.atomic():
        people = [
            User(
                id=uuid.UUID(int=rng.getrandbits(128), version=4),
                phone_number=f"+9190{i:08d}",
                name=f"Person {rng.choice(WORDS)} {i}",
                birth_date=date(1980 + i % 25, 1 + i % 12, 1 + i % 28),
                gender=rng.choice(["male", "female", "other"]),
                is_verified=True,
                profile_completed_at=now,
            )
            for i in range(users)
        ]
        User.objects.bulk_create(people, batch_size=2000)
        ProfilePicture.objects.bulk_create(
            [ProfilePicture(user=u, position=0, url=f"https://cdn.example.com/u/{u.id}.jpg") for u in people],
            batch_size=2000,
        )
        through = User.interests.through
        through.objects.bulk_create(
            [through(user_id=u.id, interest_id=iid) for u in people for iid in rng.sample(interest_ids, 2)],
            batch_size=5000,
        )
        venues = []
        for i in range(50):
            city, lat, lng = CITIES[i % len(CITIES)]
            venues.append(
                Venue(
                    name=f"{rng.choice(WORDS)} Hall {i}",
                    city=city,
                    latitude=Decimal(f"{lat + rng.uniform(-0.1, 0.1):.6f}"),
                    longitude=Decimal(f"{lng + rng.uniform(-0.1, 0.1):.6f}"),
                    created_by=people[i],
                )
            )
        Venue.objects.bulk_create(venues)
        rows = []
        used_ids: set[str] = set()
        for i in range(events):
            city, lat, lng = CITIES[i % len(CITIES)]
            title = f"{rng.choice(WORDS)} {rng.choice(WORDS)} {rng.choice(WORDS)} {i}"
            roll = rng.random()
            status = EventStatus.DRAFT if roll < 0.05 else EventStatus.PUBLISHED
            visibility = Visibility.PRIVATE if 0.05 <= roll < 0.12 else Visibility.PUBLIC
            start = now + timedelta(days=-5 + rng.randint(0, 60), hours=rng.randint(0, 23))
            paid = rng.random() < 0.3
            canonical = ""
            while not canonical or canonical in used_ids:
                canonical = "".join(rng.choices(string.ascii_lowercase + string.digits, k=8))
            used_ids.add(canonical)
            venue = venues[i % len(venues)] if rng.random() < 0.6 else None
            rows.append(
                Event(
                    id=uuid.UUID(int=rng.getrandbits(128), version=4),
                    canonical_id=canonical,
                    slug=slugify(title),
                    host=people[rng.randrange(min(300, users))],
                    title=title,
                    description=" ".join(rng.choices(WORDS, k=60)),
                    venue=venue,
                    location_text=f"Near {rng.choice(WORDS)} Gate",
                    city=city,
                    country_code="IN",
                    latitude=lat + rng.uniform(-0.2, 0.2),
                    longitude=lng + rng.uniform(-0.2, 0.2),
                    start_at=start,
                    end_at=start + timedelta(hours=rng.randint(1, 6)),
                    capacity=rng.choice([0, 0, 100, 200, 500]),
                    is_paid=paid,
                    ticket_price=Decimal(rng.choice(["199.00", "499.00", "999.00"])) if paid else Decimal("0.00"),
                    join_mode=rng.choice([JoinMode.OPEN, JoinMode.OPEN, JoinMode.APPROVAL]),
                    visibility=visibility,
                    status=status,
                    published_at=now if status == EventStatus.PUBLISHED else None,
                    allowed_genders=["all"],
                )
            )
        Event.objects.bulk_create(rows, batch_size=1000)
        EventImage.objects.bulk_create(
            [EventImage(event=e, position=0, url=f"https://cdn.example.com/e/{e.id}.jpg") for e in rows],
            batch_size=2000,
        )
        ethrough = Event.interests.through
        ethrough.objects.bulk_create(
            [
                ethrough(event_id=e.id, interest_id=iid)
                for e in rows
                for iid in rng.sample(interest_ids, rng.randint(1, 3))
            ],
            batch_size=5000,
        )
        # Tickets: spread over events, one valid ticket per (event, user), never past capacity.
        per_event = max(1, tickets // max(1, events))
        made = []
        for e in rows:
            room = e.capacity if e.capacity else per_event * 2
            count = min(room, rng.randint(per_event // 2, per_event * 3 // 2), users)
            for u in rng.sample(people, count):
                made.append(
                    Ticket(
                        event=e,
                        user=u,
                        seats=1,
                        status=TicketStatus.VALID,
                        source=TicketSource.OPEN,
                        code=f"B{len(made):011d}",
                    )
                )
            e.seats_taken = count
            e.going_count = count
        Ticket.objects.bulk_create(made, batch_size=5000)
        Event.objects.bulk_update(rows, ["seats_taken", "going_count"], batch_size=1000)
    social = seed_social(people, posts=posts, rng=rng, events=rows)
    return {"users": len(people), "events": len(rows), "tickets": len(made), "venues": len(venues), **social}


def seed_social(people: list, *, posts: int, rng: random.Random, events: list | None = None) -> dict[str, int]:
    """The home feed's data: each person has ~30 friends and follows ~20 people; posts over the last week,
    a quarter with a picture (Media rows whose files are not needed to answer the feed), a tenth "at" one of
    the events (their ticket holders see the public ones)."""
    from datetime import timedelta

    from django.db import transaction
    from django.utils import timezone

    from loopin.media.models import Media, MediaKind, MediaStatus
    from loopin.people.models import Follow, FollowStatus, Friendship
    from loopin.posts.models import Post, PostMedia, PostVisibility

    now = timezone.now()
    with transaction.atomic():
        pairs = set()
        for i in range(len(people)):
            for j in rng.sample(range(len(people)), 15):
                if j != i:
                    pairs.add((i, j))
                    pairs.add((j, i))
        Friendship.objects.bulk_create(
            [Friendship(user=people[i], friend=people[j]) for i, j in pairs], batch_size=5000, ignore_conflicts=True
        )
        follows = {(i, j) for i in range(len(people)) for j in rng.sample(range(len(people)), 20) if i != j}
        Follow.objects.bulk_create(
            [Follow(follower=people[i], followee=people[j], status=FollowStatus.ACTIVE) for i, j in follows],
            batch_size=5000,
            ignore_conflicts=True,
        )
        rows = [
            Post(
                author=rng.choice(people),
                text=f"{rng.choice(WORDS)} {rng.choice(WORDS)} tonight, who's coming?",
                visibility=rng.choice([PostVisibility.PUBLIC] * 3 + [PostVisibility.FRIENDS]),
                like_count=rng.randint(0, 40),
                comment_count=rng.randint(0, 8),
                event=rng.choice(events) if events and rng.random() < 0.1 else None,
            )
            for _ in range(posts)
        ]
        Post.objects.bulk_create(rows, batch_size=2000)
        for post in rows:  # auto_now_add stamped them all now: spread them over the week
            post.created_at = now - timedelta(seconds=rng.randint(0, 7 * 24 * 3600))
        Post.objects.bulk_update(rows, ["created_at"], batch_size=2000)
        pictured = rows[::4]
        media = [
            Media(
                owner_id=p.author_id,
                kind=MediaKind.IMAGE,
                status=MediaStatus.READY,
                width=1080,
                height=810,
                blurhash="LEHV6nWB2yk8pyo0adR*.7kCMdnj",
                variants={
                    str(size): {"name": f"media/bench/{p.id}/{size}.webp", "width": size, "height": size * 3 // 4}
                    for size in (1080, 640, 150)
                },
                attached_at=now,
            )
            for p in pictured
        ]
        Media.objects.bulk_create(media, batch_size=2000)
        PostMedia.objects.bulk_create(
            [PostMedia(post=p, media=m, position=0) for p, m in zip(pictured, media, strict=True)], batch_size=2000
        )
    at_events = sum(1 for p in rows if p.event_id)
    return {"friendships": len(pairs), "follows": len(follows), "posts": len(rows), "posts_at_events": at_events}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--users", type=int, default=5000)
    parser.add_argument("--events", type=int, default=400)
    parser.add_argument("--tickets", type=int, default=30000)
    parser.add_argument("--posts", type=int, default=20000)
    parser.add_argument("--seed", type=int, default=20261129)
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "loopin.config.django_settings")
    import django

    django.setup()
    counts = seed(
        users=args.users, events=args.events, tickets=args.tickets, rng=random.Random(args.seed), posts=args.posts
    )
    print(json.dumps(counts))


if __name__ == "__main__":
    main()
