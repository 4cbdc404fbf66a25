"""Taking part in an event: may this person take part, seats and people counted together, tickets issued
and cancelled. The only way in for events (requests, invitations, links, attendance) and payments."""
