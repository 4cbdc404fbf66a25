"""Writes for events, one module per sub-domain. Import from the sub-module; this package re-exports the
public names so that `from loopin.events.services import X` keeps working.

Taking part (join requests, invitations, share links, phone invitations, attendance, the guest list) lives in
loopin.participation: import it from there (events never imports participation)."""

# Read helpers moved to loopin.events.selectors; re-exported here so old imports keep working.
from loopin.events.selectors.access import can_manage, ensure_can_manage, event_for, is_visible
from loopin.events.services.crud import TRACKED_CHANGES, event_create, event_delete, event_update
from loopin.events.services.event_fields import EventInput
from loopin.events.services.host_leads import host_lead_create
from loopin.events.services.images import MAX_COVER_IMAGES, event_add_cover_images, event_remove_cover_image
from loopin.events.services.lifecycle import TRANSITIONS, event_transition
from loopin.events.services.moves import event_move
from loopin.events.services.rules import ensure_can_host
from loopin.events.services.venues import VenueInput, venue_create
from loopin.events.share_paths import share_path, share_path_parse

__all__ = [
    "can_manage",
    "ensure_can_manage",
    "event_for",
    "is_visible",
    "share_path",
    "share_path_parse",
    "EventInput",
    "MAX_COVER_IMAGES",
    "TRACKED_CHANGES",
    "TRANSITIONS",
    "VenueInput",
    "ensure_can_host",
    "event_add_cover_images",
    "event_create",
    "event_delete",
    "event_move",
    "event_remove_cover_image",
    "event_transition",
    "event_update",
    "host_lead_create",
    "venue_create",
]
