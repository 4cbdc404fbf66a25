"""Door (check-in) domain events. Sent after commit with ids only (see loopin.events.signals)."""

from django.dispatch import Signal

checkin_opened = Signal()  # event_id: check-in for this event is open (attendees can show their QR)
ticket_checked_in = Signal()  # ticket_id, direction: "entry" | "exit"
door_staff_changed = Signal()  # event_id, user_id, added: bool
