"""Writes for events, one module per sub-domain. Import from the sub-module; this package re-exports the
public names so that `from loopin.events.services import X` keeps working."""

# Read helpers moved to loopin.events.selectors; re-exported here so old imports keep working.
from loopin.events.selectors.access import can_manage, ensure_can_manage, event_for, is_visible
from loopin.events.selectors.share_paths import share_path, share_path_parse
from loopin.events.services.attendance import attendance_cancel, attendance_confirm
from loopin.events.services.crud import TRACKED_CHANGES, event_create, event_delete, event_update
from loopin.events.services.event_fields import EventInput
from loopin.events.services.host_leads import host_lead_create
from loopin.events.services.images import MAX_COVER_IMAGES, event_add_cover_images, event_remove_cover_image
from loopin.events.services.invitations import invitation_respond, invitations_create
from loopin.events.services.invite_links import invite_link_create, invite_link_redeem, invite_link_revoke
from loopin.events.services.join_requests import (
    BulkResult,
    join_request_accept,
    join_request_bulk,
    join_request_cancel,
    join_request_create,
    join_request_decline,
)
from loopin.events.services.lifecycle import TRANSITIONS, event_transition
from loopin.events.services.rules import ensure_can_host
from loopin.events.services.venues import VenueInput, venue_create

# Guest rules and seat counters moved to loopin.participation; re-exported here for old imports.
from loopin.participation.rules import ensure_gender_allowed
from loopin.participation.seats import seats_release, seats_take

__all__ = [
    "can_manage",
    "ensure_can_manage",
    "event_for",
    "is_visible",
    "share_path",
    "share_path_parse",
    "BulkResult",
    "EventInput",
    "MAX_COVER_IMAGES",
    "TRACKED_CHANGES",
    "TRANSITIONS",
    "VenueInput",
    "attendance_cancel",
    "attendance_confirm",
    "ensure_can_host",
    "ensure_gender_allowed",
    "event_add_cover_images",
    "event_create",
    "event_delete",
    "event_remove_cover_image",
    "event_transition",
    "event_update",
    "host_lead_create",
    "invitation_respond",
    "invitations_create",
    "invite_link_create",
    "invite_link_redeem",
    "invite_link_revoke",
    "join_request_accept",
    "join_request_bulk",
    "join_request_cancel",
    "join_request_create",
    "join_request_decline",
    "seats_release",
    "seats_take",
    "venue_create",
]
