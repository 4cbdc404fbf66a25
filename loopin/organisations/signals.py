"""Organisation domain events, sent after commit with ids only (`loopin.core.signals.send_after_commit`).

Other domains listen (organisations imports none of them): chat adds a member who now holds `message` to the open
chats of the organisation's events; notifications tell an invited person."""

from django.dispatch import Signal

member_role_given = Signal()  # organisation_id, user_id: an accepted member holds a (new) role: accepted, changed
member_invited = Signal()  # membership_id: a person is invited to join the organisation
