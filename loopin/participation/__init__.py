"""Taking part in an event: the only way in for events (requests, invitations, links, attendance) and payments
(orders, refunds).

- `loopin.participation.rules.ensure_may_take_part(user=, event=, seats=, way=)`: may this person take part?
  Every rule, in one order, for each `Way` (CONFIRM, BUY, ASK, INVITED); returns the `Admission` that lets them in.
- `loopin.participation.tickets.admit(...)`: someone was let in (request accepted, invitation answered going);
  a free event issues the ticket at once, a paid one lets them buy. The one place to change for RSVP holds.
- `loopin.participation.tickets.ticket_issue(...)` / `ticket_cancel(...)`: a ticket together with its seats and
  its person in the event's counters (`seats_held=True` when a paid order's hold already took the seats).
- `loopin.participation.seats.seats_take(...)` / `seats_release(...)`: the conditional counters (holds only).

The ways in and their endpoints live here too: `join_requests`, `invitations`, `invite_links`, `phone_invitations`,
`attendance`, `guest_list`, `guest_messages`, `rsvp` (services), `api` / `guest_list_api` / `waitlist_api` /
`messages_api` (routers, `api.routers`).

Import from the sub-modules (this package imports nothing, so the models it reads never import it back).
"""
