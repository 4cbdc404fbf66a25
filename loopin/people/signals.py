"""People's domain events, sent after commit with ids only (see `loopin.core.signals`).

`user_blocked` is how other domains react to a block: chat closes the conversation, feeds drop the
posts, events revoke the invitations between the two. Connect with
`@receiver(people_signals.user_blocked, dispatch_uid="<domain>.user_blocked")`.
"""

from __future__ import annotations

from django.dispatch import Signal

user_blocked = Signal()  # blocker_id, blocked_id (friendship, follows and requests between them are gone)
user_unblocked = Signal()  # blocker_id, blocked_id (nothing is restored)
friend_request_sent = Signal()  # request_id
friend_request_accepted = Signal()  # request_id (the two are friends now)
friendship_ended = Signal()  # user_id, friend_id (unfriended; not sent for a block)
user_followed = Signal()  # follow_id (an active follow at once: a public profile, or a friend's)
follow_approved = Signal()  # follow_id (a pending follow became active: approved, or the profile turned public)
follow_requested = Signal()  # follow_id (a pending follow of a private profile)
user_warned = Signal()  # report_id (a moderator warned the person reported)
content_taken_down = Signal()  # report_id (a moderator took the reported post/comment/story/photo down)
posting_suspended = Signal()  # user_id (repeated takedowns: no posting until the suspension ends)
