"""Reads for events, one module per subject. Import from the sub-module; this package re-exports the
public names so that `from loopin.events.selectors import X` keeps working."""

from loopin.events.selectors.access import can_manage, ensure_can_manage, event_for, is_visible
from loopin.events.selectors.feed import (
    EARTH_RADIUS_KM,
    EventView,
    FeedFilters,
    event_by_canonical,
    event_detail,
    event_feed,
    event_feed_json,
    my_hosted_events,
)
from loopin.events.selectors.people import (
    event_invitations,
    event_invite_links,
    event_requests,
    my_invitations,
    my_request,
    my_requests,
)
from loopin.events.selectors.venues import venue_get, venue_out, venues_search
from loopin.events.share_paths import share_path, share_path_parse

__all__ = [
    "EARTH_RADIUS_KM",
    "FeedFilters",
    "EventView",
    "can_manage",
    "ensure_can_manage",
    "event_by_canonical",
    "event_detail",
    "event_feed",
    "event_feed_json",
    "event_for",
    "event_invitations",
    "event_invite_links",
    "event_requests",
    "is_visible",
    "my_hosted_events",
    "my_invitations",
    "my_request",
    "my_requests",
    "share_path",
    "share_path_parse",
    "venue_get",
    "venue_out",
    "venues_search",
]
