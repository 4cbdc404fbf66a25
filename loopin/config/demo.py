"""Demo data for `make run`: every domain adds its part here, and every part is idempotent."""

from __future__ import annotations

from django.db import transaction

from loopin.accounts.demo import demo_users
from loopin.accounts.services import interests_ensure_defaults
from loopin.core.links import absolute_url
from loopin.events.demo import STARTING_SOON, demo_events, demo_organisation_events
from loopin.events.models import Event
from loopin.events.selectors import share_path
from loopin.looppay.demo import demo_looppay
from loopin.marketplace.demo import demo_marketplace
from loopin.notifications.demo import demo_notifications
from loopin.organisations.demo import demo_organisations
from loopin.parking.demo import demo_parking
from loopin.participation.demo import demo_states
from loopin.payments.demo import demo_ended_sales, demo_payments, demo_tiered_event
from loopin.people.demo import demo_people
from loopin.posts.demo import demo_posts
from loopin.stories.demo import demo_stories
from loopin.venuecommerce.demo import demo_organisation_venue_commerce, demo_venue_commerce

# Each takes the demo hosts and returns counts for the summary; in this order (later ones use earlier data).
DOMAIN_LOADERS = [
    demo_people,
    demo_events,
    demo_states,
    demo_payments,
    demo_ended_sales,
    demo_tiered_event,
    demo_notifications,
    demo_posts,
    demo_stories,
    demo_looppay,
    demo_venue_commerce,
    demo_parking,
    demo_marketplace,
    demo_organisations,
    demo_organisation_events,
    demo_organisation_venue_commerce,
]


def demo_page_lines() -> list[str]:
    """Share pages to open in a browser (the link a guest gets on WhatsApp)."""
    events = Event.objects.alive().filter(title__in=[STARTING_SOON, "Indie music night"])
    return [f"Share page: {absolute_url(share_path(e))}  ({e.title})" for e in events.order_by("start_at")]


def demo_load() -> dict[str, int]:
    with transaction.atomic():
        interests_ensure_defaults()
        hosts = demo_users()
        summary = {"hosts": len(hosts)}
        for loader in DOMAIN_LOADERS:
            summary.update(loader(hosts))
    return summary
