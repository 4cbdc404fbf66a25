"""Domain events other packages (notifications, payments) listen to. Sent only after commit.

Receivers get ids, never model instances, so they can reload fresh state (e.g. in a task).
"""

from __future__ import annotations

from django.dispatch import Signal

from loopin.core.signals import send_after_commit

__all__ = ["send_after_commit"]  # sent the shared way (loopin.core.signals); kept here for existing imports

event_published = Signal()  # event_id
event_updated = Signal()  # event_id, changes: dict[field, [old, new]] (time/venue/location of a published event)
event_status_changed = Signal()  # event_id, old, new, reason
event_moved = Signal()  # event_id, organisation_id (after commit): a personal event is now the organisation's
join_request_created = Signal()  # request_id
join_request_decided = Signal()  # request_id, decision: "accepted" | "declined"
invitation_created = Signal()  # invitation_id
phone_invitation_created = Signal()  # phone_invitation_id (its SMS is to be sent)
ticket_issued = Signal()  # ticket_id
ticket_cancelled = Signal()  # ticket_id, reason
# Sent inside the releasing transaction (not after commit), so the waitlist holds a freed seat for the next person
# before anyone else can count it: event_id, tier_id. Seats come free when they are released or a capacity is raised.
seats_released = Signal()
# Sent inside the cancelling transaction, with the event row locked (not after commit), so the guests' free tickets,
# open requests and pending invitations end with the event: event_id, actor (who cancelled; for the audit trail).
event_cancelling = Signal()
waitlist_offered = Signal()  # entry_id (after commit)
co_host_invited = Signal()  # co_host_id (after commit): the person is asked to co-host
guest_message_sent = Signal()  # message_id (after commit): deliver it to its ticket holders
